"""Every role owner of every preset enters her part from her XLSX sheet: the sheet has a row per
subject she rates and a column per line, she fills it from the preset's example file and uploads it,
and the results equal perfcore's on that file (nursing, general-quarterly and village-clinic have
their own walks: test_role_owner_import, test_input_kinds, test_unit_cycle)."""

import perfcore
from perfcore.yamlio import load_document

from odoo.tests import new_test_user, tagged

from .common import D, PerfCase
from .test_input_kinds import EXAMPLES, golden


@tagged("post_install", "-at_install")
class TestRoleOwnerPresets(PerfCase):
    def run_example(self, preset, owner_roles):
        """The example of ``preset`` as a month of the web client: subjects made from it, HR names an
        owner per role, the owners fill their sheets, the org chart's raters and HR their lines."""
        scheme = self.env["perf.scheme"].search([("code", "=", preset), ("is_preset", "=", True)])
        example = load_document(EXAMPLES / f"{preset}.yaml").data
        unit = scheme._perfcore_scheme().subject == "unit"
        boss_user = new_test_user(self.env, f"{preset}_boss", groups="base.group_user,perf_appraisal.group_perf_manager")
        boss = self.env["hr.employee"].create({"name": f"{preset} 负责人", "user_id": boss_user.id})
        departments, subjects = {}, {}
        for subject in example["subjects"]:
            name = subject["name"]
            if unit:
                subjects[name] = self.env["hr.department"].create({"name": name})
            else:
                group = subject.get("group", preset)
                if group not in departments:
                    departments[group] = self.env["hr.department"].create({"name": group, "manager_id": boss.id})
                subjects[name] = self.env["hr.employee"].create(
                    {"name": name, "department_id": departments[group].id, "parent_id": boss.id})
            for code, value in (subject.get("attributes") or {}).items():
                subjects[name].set_perf_attribute(code, ",".join(value) if isinstance(value, list) else value)
        owners = {role: new_test_user(self.env, f"{preset}_{role}", groups="base.group_user") for role in owner_roles}
        field = "department_ids" if unit else "employee_ids"
        period = perfcore.parse_period(example["period"])
        cycle = self.make_cycle(scheme, name=example["period"], date_from=period.start, date_to=period.end,
                                **{field: [(6, 0, [s.id for s in subjects.values()])]},
                                role_ids=[(0, 0, {"role": r, "user_id": u.id}) for r, u in owners.items()])
        self.assertEqual([code for code, _name in cycle._owner_roles()], sorted(owner_roles))
        cycle.with_user(self.officer).action_start()
        pools = (example.get("facts") or {}).get("department_pools")
        if pools:
            cycle.with_user(self.officer).write({"pool_ids": [(0, 0, {"group_name": group, "amount": amount})
                                                              for group, amount in pools.items()]})
        by_name = {a.subject_name: a for a in cycle.appraisal_ids}
        cells = {}  # {owner role: {(subject name, sheet key): value}}
        for subject in example["subjects"]:
            appraisal = by_name[subject["name"]]
            for code, given in (subject.get("scores") or {}).items():
                for role, value in (given.items() if isinstance(given, dict) else [(None, given)]):
                    lines = appraisal.score_ids.filtered(lambda s, c=code, r=role: s.code == c and not s.subperiod
                                                         and (r is None or s.rater_role == r))
                    self.assertTrue(lines, f"{subject['name']} {code} {role}")
                    role = lines[0].rater_role or None
                    if role in owners:
                        cells.setdefault(role, {})[subject["name"], f"{code}|{role}|"] = value
                    else:  # the org chart's rater or HR, on the form
                        appraisal.sudo().set_score(code, value, role)
            events = subject.get("events") or []
            if events:
                subject_field = "department_id" if unit else "employee_id"
                recorded = self.env["perf.event"].with_user(self.officer).create([
                    {"scheme_id": scheme.id, subject_field: subjects[subject["name"]].id, "date": cycle.date_to,
                     "code": e["code"], "count": e.get("count", 1), "note": e.get("note") or False,
                     **({"points": e["points"]} if "points" in e else {})} for e in events])
                recorded.with_user(self.perf_admin).action_approve()
        self.assertEqual(set(cells), set(owner_roles))
        for role, values in cells.items():
            book = self.owner_sheet(owners[role], cycle)
            sheet = book.active
            keys = [cell.value for cell in sheet[2]]
            rows = {row[2].value: row for row in sheet.iter_rows(min_row=3)}
            rated = cycle.appraisal_ids.filtered(lambda a, r=role: r in a.score_ids.mapped("rater_role"))
            self.assertEqual(set(rows), set(rated.mapped("subject_name")), role)  # her rows, no one else's
            for (name, key), value in values.items():
                rows[name][keys.index(key)].value = value
            self.assertIn(str(len(values)), self.upload_sheet(owners[role], cycle, book))
        cycle.with_user(self.officer).action_compute()
        expected = golden(preset, f"{preset}.yaml")
        self.assertEqual(set(by_name), set(expected))
        for name, result in expected.items():
            appraisal = by_name[name]
            with self.subTest(preset=preset, subject=name):
                self.assertEqual((appraisal.status, appraisal.status_reason or None),
                                 (result.status, result.excluded_reason))
                self.assertEqual(appraisal.total_exact or None, perfcore.decimals.fmt(result.total_exact))
                self.assertEqual((appraisal.grade or None, appraisal.rank or None), (result.grade, result.rank))
                amount = appraisal.pay_ids.amount if scheme.pay_confidential else appraisal.pay_amount
                self.assertEqual(D(str(amount)).quantize(D("0.01")), result.pay.amount if result.pay else D("0.00"))
        return expected

    def test_dept_quarterly_team_leaders_sheet(self):
        """001 篇4: the 班组 (team) scores the four dimensions of each of its ten people, the 部门领导
        is the org chart's superior. 员工01: attitude 90×40% + 92×60% = 91.2, performance 92.2, ability
        88, growth 83 → (91.2 + 92.2 + 88 + 83) / 4 = 88.60 (25% each)."""
        expected = self.run_example("dept-quarterly", ["team"])
        self.assertEqual(expected["员工01"].total, D("88.60"))

    def test_government_unit_assessors_sheet(self):
        """002 篇1: the 考核组 scores each bureau's seven items, the 公众评议 owner its public score, each from
        her sheet; 察访核验 findings are events
        HR records. 发改局: business 95×90% + 90×5% + 80×5% = 94, capacity (90+92+88+94)/4 = 91 →
        assessment 94×60% + 91×40% = 92.8; × 80% + public 85 × 20% = 74.24 + 17 = 91.24."""
        expected = self.run_example("government-unit", ["assessor", "public"])
        self.assertEqual(expected["发改局"].total, D("91.24"))

    def test_hospital_allowance_department_sheet(self):
        """003 篇九: the 科室考核 owner gives each person's score from her sheet; each department's pool is
        split by score share: cardiology 20,000 × 92 / (92 + 88) = 10,222.22 for 医生甲, plus her allowances
        1,000 (就高: 硕士学位 1,000 over 正科级 500) and the legacy 150 → 11,372.22."""
        expected = self.run_example("hospital-allowance", ["department"])
        self.assertEqual(expected["医生甲"].pay.amount, D("11372.22"))

    def test_rd_dept_project_managers_sheet(self):
        """003 篇八: the 项目经理 (pm) scores from her sheet, the 部门经理 is the superior, 周边绩效 by
        peers HR names. 研发甲: p = 120/160 = 0.75 → 0.75×90 + 0.25×(0.7×80 + 0.3×70) = 67.5 + 19.25
        = 86.75."""
        expected = self.run_example("rd-dept", ["pm"])
        self.assertEqual(expected["研发甲(交叉)"].total, D("86.75"))

    def test_teacher_ethics_names_no_owner_to_enter_nothing(self):
        """004 篇五: every item starts full and loses points by events HR records; the 学校考核小组 types
        no score, so HR is not asked to name an owner for it, and nobody gets an empty sheet."""
        scheme = self.env["perf.scheme"].search([("code", "=", "teacher-ethics"), ("is_preset", "=", True)])
        cycle = self.make_cycle(scheme, name="2024", date_from="2024-01-01", date_to="2024-12-31")
        self.assertEqual(cycle._owner_roles(), [])
        self.assertFalse(cycle.owner_roles_hint)
