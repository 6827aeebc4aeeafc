import perfcore

from odoo.tests import tagged

from odoo.addons.perf_appraisal.models.perf_workflow_mixin import workflow

from .common import NURSES, NURSING_RESULTS, D, PerfCase


@tagged("post_install", "-at_install")
class TestNursingCycle(PerfCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cycle = cls.nursing_cycle()
        cls.by_name = {a.subject_name: a for a in cls.cycle.appraisal_ids}

    def test_totals_grades_ranks_pay(self):
        """Totals, cap-distributed grades, ranks and pay of the 7 nurses (hand-derived in perfcore's golden test)."""
        for name, (total, grade, rank, pay) in NURSING_RESULTS.items():
            appraisal = self.by_name[name]
            self.assertEqual(D(appraisal.total_exact).quantize(D("0.01")), total, name)
            self.assertEqual((appraisal.grade, appraisal.rank), (grade, rank), name)
            self.assertEqual(D(str(appraisal.pay_amount)).quantize(D("0.01")), pay, name)
        self.assertEqual(self.by_name["李四"].band_grade, "excellent")

    def test_same_as_perfcore_on_the_same_input(self):
        """The addon writes back exactly what perfcore returns for the input it built."""
        scheme = self.nursing._perfcore_scheme()
        data, keys = self.cycle._period_input(scheme, self.cycle.appraisal_ids)
        evaluation = perfcore.evaluate(scheme, data)
        for appraisal in self.cycle.appraisal_ids:
            result = evaluation.result(keys[appraisal.id])
            self.assertEqual(appraisal.total_exact, perfcore.decimals.fmt(result.total_exact))
            self.assertEqual((appraisal.grade, appraisal.rank, appraisal.flags or ""),
                             (result.grade, result.rank, ",".join(result.flags)))
            self.assertEqual(D(str(appraisal.pay_amount)).quantize(D("0.01")), result.pay.amount)

    def test_breakdown_readable_and_pay_results(self):
        """The breakdown is on the appraisal; one draft perf.pay per nurse with named components."""
        self.assertIn("excellent is full, moved to good", self.by_name["李四"].breakdown_html)
        # 张三's pay as money reads: 102.1 ÷ 100 × 1.2 × 1.5 × bonus_base 1,000 = 1,837.8 → 1,837.80
        pay_rows = [row for row in self.by_name["张三"]._breakdown_rows() if row[1] == "绩效奖金"]
        self.assertEqual([row[2] for row in pay_rows], ["1,837.80"])
        self.assertIn("bonus_base 1,000 = 1,837.8 → 1,837.80", pay_rows[0][3])
        pays = self.env["perf.pay"].search([("cycle_id", "=", self.cycle.id)])
        self.assertEqual(len(pays), len(NURSES))
        self.assertEqual(set(pays.mapped("state")), {"draft"})
        self.assertIn("bonus", pays[0].components_json)

    def test_recompute_replaces_results(self):
        """Computing again after a score changes updates totals and replaces (not adds) pay results."""
        appraisal = self.by_name["周九"]
        appraisal.set_score("patient", 75, "patient")
        self.cycle.action_compute()
        # 60×.3 + 70×.3 + 75×.4 = 18 + 21 + 30 = 69; −5 exam_fail = 64.00
        self.assertEqual(appraisal.total_exact, "64")
        self.assertEqual(self.env["perf.pay"].search_count([("cycle_id", "=", self.cycle.id)]), len(NURSES))

    def test_an_override_beyond_the_quota_is_warned(self):
        """ward-3 has 4 nurses, quotas 30 / 50 / 20 %: Hamilton gives 优秀 1 seat (张三's).  Calibrating
        李四 to 优秀 warns: 2 of 1 seats; to 良好 (2 seats, 李四 and 王五 already) nothing new is taken."""
        self.cycle.action_calibrate()
        li = self.by_name["李四"].with_user(self.officer)
        draft = li.new({"grade_override_id": self.grade(self.nursing, "excellent").id}, origin=li)
        warning = draft._onchange_grade_override_quota()["warning"]
        self.assertIn("2 of 1 seats", warning["message"])
        self.assertIn("ward-3", warning["message"])
        draft = li.new({"grade_override_id": self.grade(self.nursing, "good").id}, origin=li)
        self.assertIsNone(draft._onchange_grade_override_quota())

    def test_workflow_to_publication(self):
        """Calibrate → approval → confirm/approve → publish: pay becomes payable and appraisees can read."""
        cycle = self.cycle
        cycle.action_calibrate()
        self.by_name["赵六"].write({"grade_override_id": self.grade(self.nursing, "good").id,
                                   "override_reason": "护理部复核后调整"})
        self.assertEqual(self.by_name["赵六"].final_grade, "good")
        # the label follows the override (computed: 65.00 → 合格)
        self.assertEqual(self.by_name["赵六"].final_grade_id.display_name, "良好")
        cycle.action_to_approval()
        cycle.appraisal_ids.with_user(self.officer).action_confirm()
        cycle.appraisal_ids.with_user(self.officer).action_approve()
        cycle.action_publish()
        self.assertEqual(cycle.state, "published")
        self.assertEqual(set(self.env["perf.pay"].search([("cycle_id", "=", cycle.id)]).mapped("state")), {"to_pay"})
        own = self.env["perf.appraisal"].with_user(self.nurse_users["张三"]).search([])
        self.assertEqual(own.subject_name, "张三")

    def test_no_interview_no_pay(self):
        """With "no interview, no pay", published pay stays withheld until both sides acknowledge."""
        with workflow():  # the rule as the scheme had it when the cycle started (it is frozen since)
            self.nursing.interview_required_for_pay = True
        self.publish(self.cycle)
        appraisal = self.by_name["张三"]
        self.assertEqual(appraisal.pay_ids.state, "withheld")
        self.cycle.action_compute()  # computed again after publication: still withheld, not payable
        self.assertEqual(appraisal.pay_ids.state, "withheld")
        appraisal.with_user(self.nurse_users["张三"]).action_acknowledge()
        self.assertEqual(appraisal.pay_ids.state, "withheld")
        appraisal.with_user(self.head_users["ward-3"]).action_acknowledge()
        self.assertEqual(appraisal.pay_ids.state, "to_pay")

    def test_excluded_subjects_listed_with_reason(self):
        """A nurse without her pay attributes is listed with perfcore's reason; the others start; once HR
        fills her attributes, Screen Again appraises her too."""
        extra = self.env["hr.employee"].create({"name": "吴十", "department_id": self.wards["ward-3"].id})
        nurse = self.nurses.filtered(lambda n: n.name == "张三")
        cycle = self.make_cycle(self.nursing, name="2024-06", date_from="2024-06-01", date_to="2024-06-30",
                                employee_ids=[(6, 0, (extra | nurse).ids)])
        cycle.with_user(self.officer).action_start()
        self.assertEqual(cycle.appraisal_ids.employee_id, nurse)
        self.assertEqual(cycle.exclusion_ids.employee_id, extra)
        self.assertIn("lacks required attribute 'title'", cycle.exclusion_ids.reason)
        extra.set_perf_attribute("title", "nurse")
        extra.set_perf_attribute("post", "ward_day")
        cycle.with_user(self.officer).action_rescreen()
        self.assertIn("lacks required attribute 'bonus_base'", cycle.exclusion_ids.reason)
        extra.set_perf_attribute("bonus_base", 1000)
        cycle.with_user(self.officer).action_rescreen()
        self.assertFalse(cycle.exclusion_ids)
        self.assertEqual(cycle.appraisal_ids.employee_id, nurse | extra)
        # her lines are there: the head nurse of ward-3 (her manager, from the department) rates her
        line = cycle.appraisal_ids.filtered(lambda a: a.employee_id == extra).score_ids.filtered(
            lambda s: s.code == "head_nurse")
        self.assertEqual(line.rater_user_id, self.head_users["ward-3"])

    def test_a_start_with_nobody_appraised_says_so(self):
        """Two people without attributes: the start warns (sticky) that nobody is appraised and where the
        reasons are; in Chinese the reason names her and the attribute: 考核对象 吴十 缺少必填属性 职称."""
        people = self.env["hr.employee"].create([{"name": "吴十"}, {"name": "郑十一"}])
        cycle = self.make_cycle(self.nursing, name="2024-07", date_from="2024-07-01", date_to="2024-07-31",
                                employee_ids=[(6, 0, people.ids)])
        self.env["res.lang"]._activate_lang("zh_CN")
        result = cycle.with_user(self.officer).with_context(lang="zh_CN").action_start()
        self.assertEqual((result["params"]["type"], result["params"]["sticky"]), ("warning", True))
        self.assertFalse(cycle.appraisal_ids)
        reasons = cycle.exclusion_ids.sorted("id").mapped("reason")
        self.assertTrue(reasons[0].startswith("考核对象 吴十 缺少必填属性 职称"), reasons[0])

    def test_a_head_nurse_is_confirmed_by_the_director(self):
        """Odoo makes a ward's manager her own manager (her department's manager is herself): her
        superior is the manager of the department above (the director), and her nurses' skip level
        too — never herself."""
        head = self.heads["ward-3"]
        self.assertEqual(head.parent_id, head)  # what Odoo's hr computes
        for code, value in (("title", "senior_nurse"), ("post", "ward_day"), ("bonus_base", 1500)):
            head.set_perf_attribute(code, value)
        cycle = self.make_cycle(self.nursing, name="2024-08", date_from="2024-08-01", date_to="2024-08-31",
                                employee_ids=[(6, 0, (head | self.nurses[:1]).ids)])
        cycle.action_start()
        by_employee = {a.employee_id: a for a in cycle.appraisal_ids}
        self.assertEqual(by_employee[head].superior_user_id, self.director_user)
        self.assertEqual((by_employee[self.nurses[0]].superior_user_id, by_employee[self.nurses[0]].skip_user_id),
                         (self.head_users["ward-3"], self.director_user))
