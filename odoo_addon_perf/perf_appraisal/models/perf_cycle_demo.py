from dateutil.relativedelta import relativedelta

from odoo import api, models

# (ward, head nurse, [(nurse, login, title, post, base, head nurse's score, 护理部, patients)]) — the
# nursing scheme's attributes and three scores each; last month's scores, this month's a little lower.
WARDS = [
    ("心内科病区", ("陈护士长", "demo_head_cardio"), [
        ("张晓红", "demo_nurse_zhang", "senior_nurse", "ward_night", 1000, 92, 95, 90),
        ("李静", "demo_nurse_li", "nurse", "ward_day", 1000, 90, 96, 92),
        ("王丽", "demo_nurse_wang", "intermediate", "ward_night", 1000, 95, 92, 93),
        ("赵敏", "demo_nurse_zhao", "trainee", "ward_day", 1000, 70, 80, 75),
        ("刘芳", "demo_nurse_liu", "nurse", "ward_day", 1000, 86, 88, 90),
    ]),
    ("急诊科", ("黄护士长", "demo_head_er"), [
        ("钱雪", "demo_nurse_qian", "senior_nurse", "emergency", 1200, 88, 90, 85),
        ("孙悦", "demo_nurse_sun", "nurse", "emergency", 1200, 85, 94, 88),
        ("周婷", "demo_nurse_zhou", "nurse", "infusion", 1200, 60, 70, 65),
        ("吴倩", "demo_nurse_wu", "intermediate", "emergency", 1200, 91, 89, 92),
        ("郑洁", "demo_nurse_zheng", "trainee", "infusion", 1200, 78, 82, 80),
    ]),
]


class PerfCycle(models.Model):
    _inherit = "perf.cycle"

    @api.model
    def _demo_hospital(self, department_id, quality_id, survey_id):
        """Demo data: the two wards' people, last month published (with an appeal and its pay results)
        and this month running with some scores entered — every screen of the app has something to
        show.  Run through the ORM as HR runs a month (demo data only)."""
        env = self.env(context=dict(self.env.context, tracking_disable=True, no_reset_password=True, lang="zh_CN"))
        if env["res.lang"]._lang_get("zh_CN"):
            # Odoo loads a module's translations after its data: the chatter written here would keep
            # English labels (已计算：Scored 10) without them
            env["ir.module.module"]._load_module_terms(["perf_appraisal"], ["zh_CN"])
        nursing = env["perf.scheme"].search([("code", "=", "nursing"), ("is_preset", "=", True)], limit=1)
        if not nursing:
            return
        yuan = env.ref("base.CNY", raise_if_not_found=False)
        if yuan and "account.move.line" not in env:  # a Chinese hospital pays in 元 (no books to convert here)
            yuan.sudo().active = True
            env.company.sudo().currency_id = yuan
        director = env["hr.department"].browse(department_id).manager_id
        user_group = env.ref("base.group_user")
        manager_group = env.ref("perf_appraisal.group_perf_manager")
        people, scores = env["hr.employee"], {}
        for ward_name, (head_name, head_login), nurses in WARDS:
            head_user = env["res.users"].create({"name": head_name, "login": head_login, "password": head_login,
                                                 "lang": "zh_CN", "groups_id": [(6, 0, (user_group | manager_group).ids)]})
            head = env["hr.employee"].create({"name": head_name, "user_id": head_user.id, "parent_id": director.id,
                                              "job_title": "护士长"})
            ward = env["hr.department"].create({"name": ward_name, "parent_id": department_id, "manager_id": head.id})
            head.department_id = ward
            for name, login, title, post, base, head_score, dept_score, patient in nurses:
                user = env["res.users"].create({"name": name, "login": login, "password": login, "lang": "zh_CN",
                                                "groups_id": [(6, 0, user_group.ids)]})
                nurse = env["hr.employee"].create({"name": name, "user_id": user.id, "department_id": ward.id,
                                                   "parent_id": head.id, "job_title": "护士"})
                nurse.set_perf_attribute("title", title)
                nurse.set_perf_attribute("post", post)
                nurse.set_perf_attribute("bonus_base", base)
                people |= nurse
                scores[nurse.id] = {"head_nurse": head_score, "nursing_dept": dept_score, "patient": patient}
        roles = [(0, 0, {"role": "nursing_dept", "user_id": quality_id}), (0, 0, {"role": "patient", "user_id": survey_id})]
        this_month = self._perf_today().replace(day=1)
        last_month = this_month - relativedelta(months=1)
        cycles = env["perf.cycle"]
        for start in (last_month, this_month):
            cycles |= env["perf.cycle"].create({
                "name": start.strftime("%Y-%m") + " 护理绩效", "scheme_id": nursing.id, "date_from": start,
                "date_to": start + relativedelta(months=1, days=-1), "employee_ids": [(6, 0, people.ids)],
                "role_ids": roles})
        published, running = cycles
        raters = {"head_nurse": "superior", "nursing_dept": "nursing_dept", "patient": "patient"}
        for cycle, lower in ((published, 0), (running, 2)):
            cycle.action_start()
            for appraisal in cycle.appraisal_ids:
                for code, value in scores[appraisal.employee_id.id].items():
                    if cycle == running and code == "patient":
                        continue  # this month's survey is not in yet
                    appraisal.set_score(code, value - lower, raters[code])
        first = people[0]
        praise = env["perf.event"].with_user(first.parent_id.user_id).create({
            "scheme_id": nursing.id, "employee_id": first.id, "code": "praise", "date": last_month + relativedelta(days=14),
            "note": "患者来信表扬：夜班抢救及时"})
        praise.with_user(director.user_id).action_approve()
        published.action_compute()
        published.action_calibrate()
        published.action_to_approval()
        published.appraisal_ids.action_confirm()
        published.appraisal_ids.action_approve()
        published.action_publish()
        appraisal = published.appraisal_ids.filtered(lambda a: a.employee_id == people[3])
        env["perf.appeal"].with_user(appraisal.user_id).create({
            "appraisal_id": appraisal.id, "reason": "本月患者满意度调查样本只有 3 份，请复核。"})
