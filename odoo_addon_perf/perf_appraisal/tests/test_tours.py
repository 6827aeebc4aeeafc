import csv
import io

from odoo.tests import HttpCase, new_test_user, tagged

from .common import NURSES, PerfFixture


@tagged("post_install", "-at_install")
class TestTours(PerfFixture, HttpCase):
    """The web client in headless Chromium: the score grid as HR, To Rate as a head nurse."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # no role owners: the nursing department's and the patients' lines are HR's to enter
        cls.cycle = cls.make_cycle(cls.nursing, name="2024-05 grid", employee_ids=[(6, 0, cls.nurses.ids)])
        cls.cycle.action_start()
        cls.rows = cls.cycle.appraisal_ids.sorted(lambda a: (a.group_name or "", a.subject_name, a.id))

    def patient(self, appraisal):
        return appraisal.score_ids.filtered(lambda s: s.code == "patient")

    def test_score_grid(self):
        """HR enters a column in the grid with Enter; 250 on a 0–100 scale is refused in its cell."""
        self.start_tour("/web#action=perf_appraisal.perf_cycle_action", "perf_score_grid_tour", login="perf_officer")
        self.assertEqual([self.patient(a).value for a in self.rows[:3]], [91, 87, 78])
        self.assertEqual([self.patient(a).rated for a in self.rows[:4]], [True, True, True, False])
        log = self.env["perf.score.log"].search([("score_id", "=", self.patient(self.rows[2]).id)])
        self.assertEqual(log.mapped("new_value"), [78])  # the refused 250 left no trace

    def test_to_rate(self):
        """A head nurse finds her lines in To Rate, grouped by cycle, and enters one."""
        self.start_tour("/web#action=perf_appraisal.perf_score_action_to_rate", "perf_to_rate_tour",
                        login="head_ward-3")
        rated = self.cycle.appraisal_ids.score_ids.filtered(lambda s: s.rated)
        self.assertEqual((rated.code, rated.value, rated.rater_user_id), ("head_nurse", 88, self.head_users["ward-3"]))


@tagged("post_install", "-at_install")
class TestToursChinese(PerfFixture, HttpCase):
    """The web client in Chinese, in headless Chromium: a cycle from New to Publish, a nurse's appeal,
    bulk approval."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["perf_appraisal"], ["zh_CN"], overwrite=True)
        cls.officer.lang = "zh_CN"
        # two nurses without a manager: HR enters every line of theirs (no role owners either)
        ward = cls.env["hr.department"].create({"name": "巡回病区"})
        cls.rounds = cls.env["hr.employee"]
        for name, title in (("巡回甲", "senior_nurse"), ("巡回乙", "nurse")):
            nurse = cls.env["hr.employee"].create({"name": name, "department_id": ward.id})
            nurse.set_perf_attribute("title", title)
            nurse.set_perf_attribute("post", "ward_day")
            nurse.set_perf_attribute("bonus_base", 1000)
            cls.rounds |= nurse

    def test_officer_runs_a_cycle_from_new_to_publish(self):
        """New → Start (0 / 8) → Open Rating → the grid, where the 护士长 checklist is opened (+20 lines) → 28 / 28 → Calibrate → Approval → bulk confirm and
        approve → Publish.  The grid lists 巡回乙 first (乙 sorts before 甲): 乙 90×.3 + 95×.3 + 92×.4 = 27 + 28.5 +
        36.8 = 92.30, 优秀 (Hamilton over a ward of 2: 0.6 / 1.0 / 0.4 → 1 / 1 / 0 seats, the 优秀 seat is hers);
        甲 80×.3 + 85×.3 + 70×.4 = 24 + 25.5 + 28 = 77.50, 合格 by band (the last quota grade has no cap)."""
        self.start_tour("/web#action=perf_appraisal.perf_cycle_action", "perf_cycle_zh_tour", login="perf_officer")
        cycle = self.env["perf.cycle"].search([("name", "=", "2024-07 护理绩效")])
        self.assertEqual(cycle.state, "published")
        by_name = {a.subject_name: a for a in cycle.appraisal_ids}
        self.assertEqual((by_name["巡回乙"].total_exact, by_name["巡回甲"].total_exact), ("92.3", "77.5"))
        self.assertEqual((by_name["巡回乙"].final_grade_id.label, by_name["巡回甲"].final_grade_id.label), ("优秀", "合格"))
        self.assertTrue(all(cycle.appraisal_ids.mapped("approved")))

    def test_nurse_reads_her_result_and_appeals(self):
        """李四 (zh_CN) sees 良好 with the Chinese breakdown (优秀 capped by the ward's quota) and appeals in time."""
        cycle = self.publish(self.nursing_cycle())
        li = cycle.appraisal_ids.filtered(lambda a: a.subject_name == "李四")
        li.user_id.lang = "zh_CN"
        self.start_tour("/web#action=perf_appraisal.perf_appraisal_action_my", "perf_nurse_appeal_zh_tour",
                        login=li.user_id.login)
        self.assertEqual(li.appeal_ids.mapped("reason"), ["本月护理质量评分有误，请复核。"])
        self.assertEqual(li.appeal_ids.state, "submitted")

    def test_hr_approves_a_selection_in_one_action(self):
        """HR selects the 7 confirmed appraisals waiting for approval and approves them with one click."""
        cycle = self.nursing_cycle()
        cycle.action_calibrate()
        cycle.action_to_approval()
        cycle.appraisal_ids.action_confirm()
        self.start_tour("/web#action=perf_appraisal.perf_appraisal_action", "perf_bulk_approve_tour",
                        login="perf_officer")
        self.assertTrue(all(cycle.appraisal_ids.mapped("approved")))


@tagged("post_install", "-at_install")
class TestSchemeDesignerTour(PerfFixture, HttpCase):
    """The scheme designer in headless Chromium, as the performance administrator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        action = cls.nursing.with_user(cls.perf_admin).action_duplicate()
        cls.scheme = cls.env["perf.scheme"].browse(action["res_id"])
        cls.scheme.name = "护士绩效（设计）"

    def test_weights_summing_to_110_are_named_then_fixed_and_previewed(self):
        """Add an indicator (weights 30 + 30 + 40 + 10 = 110): the error shows as typed; 患者 40 → 30 fixes it."""
        self.start_tour("/web#action=perf_appraisal.perf_scheme_action", "perf_scheme_designer_tour",
                        login="perf_admin")
        weights = {i.code: i.weight for i in self.scheme._perfcore_scheme().indicators}
        self.assertEqual(weights, {"head_nurse": 30, "nursing_dept": 30, "patient": 30, "teamwork": 10})
        self.assertIn("teamwork", self.scheme.source_yaml)


@tagged("post_install", "-at_install")
class TestMonthTours(PerfFixture, HttpCase):
    """What a month asks of each user, clicked in Chinese in headless Chromium: the 工作计划表 (an
    employee, general-quarterly), a 表扬 dated outside every cycle (a head nurse), a clinic's
    attributes (HR, village-clinic), approving a mixed selection (the director), an appeal's answer
    in the nurse's inbox."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["perf_appraisal"], ["zh_CN"], overwrite=True)

    def test_employee_fills_her_work_sheet(self):
        """June's self line by its sheet: routine 5 × 完成 × 8 = 40, stage 0, 其他工作 1 × 8 → 48."""
        scheme = self.env["perf.scheme"].search([("code", "=", "general-quarterly"), ("is_preset", "=", True)])
        staff = new_test_user(self.env, "gq_staff_tour", groups="base.group_user", lang="zh_CN")
        employee = self.env["hr.employee"].create({"name": "职员甲", "user_id": staff.id})
        employee.set_perf_attribute("post_salary_monthly", 4000)
        employee.set_perf_attribute("thirteenth_salary", 4000)
        cycle = self.make_cycle(scheme, name="2024-Q2", date_from="2024-04-01", date_to="2024-06-30", peer_count=0,
                                employee_ids=[(6, 0, employee.ids)])
        cycle.action_start()
        self.start_tour("/web#action=perf_appraisal.perf_score_action_to_rate", "perf_worksheet_zh_tour",
                        login=staff.login)
        june = cycle.appraisal_ids.score_ids.filtered(
            lambda s: s.code == "work" and s.rater_role == "self" and s.subperiod == "2024-06")
        self.assertEqual((june.value, june.worksheet["routine"], june.worksheet["other"]), (48, ["completed"] * 5, 1))

    def test_head_nurse_is_warned_of_an_event_outside_every_cycle(self):
        """June is open; a 表扬 of 张三 dated 2024-08-15 is warned on the form (it would count in no month)."""
        cycle = self.make_cycle(self.nursing, name="2024-06", date_from="2024-06-01", date_to="2024-06-30",
                                employee_ids=[(6, 0, self.nurses.ids)], role_ids=self.role_owners())
        cycle.action_start()
        self.head_users["ward-3"].lang = "zh_CN"
        self.start_tour("/web#action=perf_appraisal.perf_event_action", "perf_event_outside_zh_tour",
                        login="head_ward-3")
        event = self.env["perf.event"].search([("code", "=", "praise")])
        self.assertEqual((event.employee_id.name, str(event.date), event.state), ("张三", "2024-08-15", "draft"))

    def test_director_approves_a_mixed_selection(self):
        """May in approval: the head nurse of ward-3 confirmed her four, the emergency ward's three are not
        confirmed. The director selects all seven and clicks 批准: four approved, three listed (钱七 …)
        with 直接上级尚未确认."""
        cycle = self.nursing_cycle()
        cycle.action_calibrate()
        cycle.action_to_approval()
        ward3 = cycle.appraisal_ids.filtered(lambda a: a.employee_id.department_id == self.wards["ward-3"])
        ward3.with_user(self.head_users["ward-3"]).action_confirm()
        self.director_user.lang = "zh_CN"
        self.start_tour("/web#action=perf_appraisal.perf_appraisal_action", "perf_bulk_approve_zh_tour",
                        login="perf_director")
        self.assertEqual(cycle.appraisal_ids.filtered("approved"), ward3)

    def test_hr_prints_the_notices_of_a_selection(self):
        """HR selects May's seven published appraisals and prints 考核结果通知书: one request renders
        the seven notices (a batch once failed from two notices on)."""
        from unittest.mock import patch

        cycle = self.publish(self.nursing_cycle())
        self.officer.lang = "zh_CN"
        Report = type(self.env["ir.actions.report"])
        printed = []
        render = Report._render_qweb_pdf

        def recording(report, report_ref, res_ids=None, data=None):
            result = render(report, report_ref, res_ids=res_ids, data=data)
            printed.append((report_ref, sorted(res_ids or []), len(result[0] or b"")))
            return result

        with patch.object(Report, "_render_qweb_pdf", recording):
            self.start_tour("/web#action=perf_appraisal.perf_appraisal_action", "perf_batch_print_zh_tour",
                            login="perf_officer")
        notices = [p for p in printed if "report_appraisal_notice" in str(p[0])]
        self.assertEqual([ids for _ref, ids, _size in notices], [sorted(cycle.appraisal_ids.ids)])
        self.assertGreater(notices[0][2], 0)

    def test_the_appeal_answer_reaches_the_nurse(self):
        """赵六 appealed May; HR rejected it with an answer. She has no e-mail address (as most nurses):
        she opens Discuss and the answer is in her inbox."""
        cycle = self.publish(self.nursing_cycle())
        zhao = cycle.appraisal_ids.filtered(lambda a: a.subject_name == "赵六")
        nurse = self.nurse_users["赵六"]
        nurse.write({"lang": "zh_CN", "email": False})
        appeal = self.env["perf.appeal"].with_user(nurse).create({"appraisal_id": zhao.id, "reason": "差错扣分有误。"})
        appeal.with_user(self.officer).with_context(lang="zh_CN").action_reject("复核后维持原评分。")
        self.start_tour("/web#action=mail.action_discuss", "perf_appeal_answer_reaches_her_zh_tour", login=nurse.login)

    def test_the_survey_clerk_uploads_her_sheet(self):
        """The clerk (a role owner, no cycle form) fills her seven patient scores offline and uploads the
        CSV from To Rate ▸ 表格录入: the seven lines hold them."""
        cycle = self.make_cycle(self.nursing, employee_ids=[(6, 0, self.nurses.ids)], role_ids=self.role_owners())
        cycle.action_start()
        book = self.owner_sheet(self.survey_clerk, cycle)
        rows = [[cell.value for cell in row] for row in book.active.iter_rows()]
        column = rows[1].index("patient|patient|")
        scores = {name: values["patient"] for name, _w, _t, _p, _b, values, _e in NURSES}
        for row in rows[2:]:
            row[column] = scores[row[2]]
        buffer = io.StringIO()
        csv.writer(buffer).writerows([["" if v is None else v for v in row] for row in rows])
        self.env["ir.attachment"].with_user(self.survey_clerk).create({"name": "tour-sheet.csv",
                                                                       "raw": buffer.getvalue().encode()})
        self.survey_clerk.lang = "zh_CN"
        self.start_tour("/web#action=perf_appraisal.perf_score_action_to_rate", "perf_owner_sheet_upload_zh_tour",
                        login=self.survey_clerk.login)
        lines = cycle.appraisal_ids.score_ids.filtered(lambda s: s.rater_role == "patient")
        self.assertEqual({line.appraisal_id.subject_name: line.value for line in lines}, scores)

    def test_hr_gives_a_clinic_its_population(self):
        """A village clinic's 农业户籍人口 entered on the department's 绩效 tab, by its label."""
        clinic = self.env["hr.department"].create({"name": "东村卫生室"})
        self.officer.lang = "zh_CN"
        self.start_tour("/web#action=hr.hr_department_tree_action", "perf_unit_attributes_zh_tour",
                        login="perf_officer")
        self.assertEqual(clinic.perf_attribute_ids.mapped(lambda a: (a.code, a.value)), [("ag_population", "1800")])
