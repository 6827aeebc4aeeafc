import perfcore
from perfcore.presets import preset_path
from perfcore.yamlio import load_document, parse_text

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.perf_appraisal.lib.scheme_document import export_document

from .common import NURSES, NURSING_RESULTS, D, PerfCase, _rater

ITEMS = [("hn_completion", "工作完成情况"), ("hn_ability", "业务能力"), ("hn_efficiency", "工作效率"),
         ("hn_quality", "护理质量"), ("hn_discipline", "劳动纪律"), ("hn_attitude", "服务态度"), ("hn_attendance", "出勤"),
         ("hn_teamwork", "团结协作"), ("hn_incidents", "差错事故"), ("hn_service", "优质服务")]
EVENTS = [("praise", "表扬", "10"), ("paper", "发表论文", "10"), ("exam_pass", "考试合格", "5"),
          ("study_session", "参加学习", "0.5"), ("error_or_complaint", "差错或投诉", "-10"), ("exam_fail", "考试不合格", "-5")]
TITLE_COEF = [("intermediate", "中级", "1.4"), ("senior_nurse", "护师", "1.2"), ("nurse", "护士", "1.0"),
              ("trainee", "见习", "0.8")]
POST_COEF = [("ward_night", "病房（参加夜班）", "1.5"), ("ward_day", "病房（不参加夜班）", "1.4"), ("emergency", "急诊科", "1.4"),
             ("infusion", "输液室", "1.2"), ("prevention", "防保科", "1.1"), ("supply", "供应室", "1.1"),
             ("outpatient", "门诊部", "1.0")]
ANNUAL_ROLLUP = """annual_rollup:
  grades:
  - {code: outstanding, label: 优职, min: $outstanding_min}
  - {code: competent, label: 称职, min: $competent_min}
  - {code: basically_competent, label: 基本称职, min: $basically_competent_min}
  - {code: unfit, label: 不称职}
  flag_grades: {unexcused_absence: unfit}
"""


def preset_document(code):
    return load_document(preset_path(code)).data


@tagged("post_install", "-at_install")
class TestSchemeDesigner(PerfCase):
    """The perf admin designs schemes in forms; the forms and perfcore's document map one to one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Scheme = cls.env["perf.scheme"].with_user(cls.perf_admin)

    def nursing_from_scratch(self, **overrides):
        """The nursing preset typed into the designer (the parameters' seed citations copied from it)."""
        cited = preset_document("nursing")["parameters"]
        values = {
            "name": "护士绩效奖金（自建）", "code": "nursing-designed", "title": "护士绩效奖金", "seed": "001 篇2, 篇3, 篇5",
            "description": perfcore.load_preset("nursing").description, "subject_kind": "employee",
            "period_month": True, "period_year": True, "tie_break": "patient, head_nurse",
            "distribution_mode": "cap", "distribution_scope": "group", "pay_basis": "$pay_basis",
            "advanced_yaml": ANNUAL_ROLLUP + "pay:\n  names: {title_coef: 职称系数, post_coef: 岗位系数}\n",
            "parameter_ids": [Command.create({"name": name, "default_value": value, "assumption": assumption,
                                              "source": cited[name]["source"], "label": cited[name].get("name", ""),
                                              "description": cited[name].get("description", "")})
                              for name, value, assumption in (
                                  ("pay_basis", "absolute", False), ("outstanding_min", "91", True),
                                  ("competent_min", "80", True), ("basically_competent_min", "60", True),
                                  ("nd_points_per_failing_case", "2", False))],
            "attribute_ids": [
                Command.create({"code": "title", "name": "职称", "type": "text", "required": True, "value_ids": [
                    Command.create({"code": code, "label": label}) for code, label, _coef in TITLE_COEF]}),
                Command.create({"code": "post", "name": "岗位", "type": "text", "required": True, "value_ids": [
                    Command.create({"code": code, "label": label}) for code, label, _coef in POST_COEF]}),
                Command.create({"code": "bonus_base", "name": "奖金基数", "type": "number", "minimum": "0",
                                "required": True})],
            "input_ids": [Command.create({"code": "nd_failing_cases", "name": "护理部专项检查不合格例数", "minimum": "0"})],
            "scheme_rater_ids": [Command.create({"code": "superior", "name": "护士长", "weight": False})],
            "top_indicator_ids": [
                Command.create({"code": "head_nurse", "name": "护士长考核", "weight": "30", "source": "given_or_items",
                                "aggregation": "sum", "child_ids": [
                                    Command.create({"code": code, "name": name, "max_points": "10"})
                                    for code, name in ITEMS]}),
                Command.create({"code": "nursing_dept", "name": "护理部专项", "weight": "30", "source": "given_or_formula",
                                "formula": "max(0, 100 - nd_points_per_failing_case * nd_failing_cases)",
                                "own_raters": True, "rater_ids": [
                                    Command.create({"code": "nursing_dept", "name": "护理部", "weight": False})]}),
                Command.create({"code": "patient", "name": "患者满意度", "weight": "40", "own_raters": True,
                                "rater_ids": [Command.create({"code": "patient", "name": "患者", "weight": False})]})],
            "event_type_ids": [Command.create({"code": code, "name": name, "point_value": points})
                               for code, name, points in EVENTS] + [
                Command.create({"code": "unexcused_absence", "name": "无故不参与考核", "kind": "count"})],
            "grade_ids": [Command.create({"code": "excellent", "label": "优秀", "minimum": "91", "quota": "30"}),
                          Command.create({"code": "good", "label": "良好", "minimum": "80", "quota": "50"}),
                          Command.create({"code": "pass", "label": "合格", "minimum": "60", "quota": "20"}),
                          Command.create({"code": "fail", "label": "不合格"})],
            "pay_rate_ids": [Command.create({"table": "title_coef", "key": code, "value": coef})
                             for code, _label, coef in TITLE_COEF] + [
                Command.create({"table": "post_coef", "key": code, "value": coef}) for code, _label, coef in POST_COEF],
            "pay_component_ids": [Command.create({
                "code": "bonus", "name": "绩效奖金", "periods": "month",
                "formula": "pay_score / 100 * title_coef[title] * post_coef[post] * bonus_base"})],
        }
        values.update(overrides)
        return self.Scheme.create(values)

    def test_every_preset_reads_back_from_the_designer(self):
        """Each of the 18 presets, read into the designer's records and written back, is the same perfcore scheme."""
        presets = self.env["perf.scheme"].search([("is_preset", "=", True)])
        self.assertEqual(len(presets), 18)
        for scheme in presets:
            document, _places, problems = export_document(scheme)
            self.assertFalse(problems, scheme.code)
            self.assertEqual(perfcore.parse_scheme(document), perfcore.load_preset(scheme.code), scheme.code)

    def test_nursing_built_from_scratch_is_the_preset_and_gives_its_results(self):
        """The nursing scheme typed into the designer equals the preset (parsed), and a May cycle with it gives
        the golden results: 张三 92×.3 + 95×.3 + 90×.4 + 10 = 102.10 → 102.10/100 × 1.2 × 1.5 × 1000 = 1837.80."""
        designed = self.nursing_from_scratch()
        preset = perfcore.load_preset("nursing")
        self.assertEqual(designed._perfcore_scheme().model_copy(update={"id": "nursing"}), preset)
        self.assertIn("head_nurse", designed.source_yaml)  # the YAML is the designer's document
        self.assertEqual([g.label for g in designed.grade_ids], ["优秀", "良好", "合格", "不合格"])

        cycle = self.make_cycle(designed, employee_ids=[(6, 0, self.nurses.ids)], role_ids=self.role_owners())
        cycle.action_start()
        for nurse, (name, _ward, _t, _p, _b, scores, events) in zip(self.nurses, NURSES):
            appraisal = cycle.appraisal_ids.filtered(lambda a, n=nurse: a.employee_id == n)
            for code, value in scores.items():
                appraisal.set_score(code, value, None if code == "nd_failing_cases" else _rater(code))
            for code, count, note in events:
                self.env["perf.event"].create({"scheme_id": designed.id, "employee_id": nurse.id, "code": code,
                                               "count": count, "note": note, "date": "2024-05-15"}).action_approve()
        cycle.action_compute()
        cycle.action_calibrate()
        for appraisal in cycle.appraisal_ids:
            total, grade, rank, pay = NURSING_RESULTS[appraisal.subject_name]
            self.assertEqual((D(appraisal.total_exact), appraisal.grade, appraisal.rank), (total, grade, rank),
                             appraisal.subject_name)
            self.assertEqual(D(str(appraisal.pay_amount)).quantize(D("0.01")), pay, appraisal.subject_name)

    def test_weights_that_do_not_sum_to_100_are_named_at_their_level(self):
        """Weights 30 + 30 + 50 = 110: the designer names the indicators' level and the sum, and saves nothing."""
        designed = self.nursing_from_scratch()
        source = designed.source_yaml
        patient = designed.top_indicator_ids.filtered(lambda i: i.code == "patient")
        with self.assertRaisesRegex(ValidationError, r"Indicators.*sum to 110, expected 100"):
            patient.weight = "50"
        self.assertEqual(designed.source_yaml, source)
        # the form shows it as the admin types (the onchange snapshot), before saving
        with self.env.cr.savepoint():
            draft = designed.new(origin=designed)
            draft.top_indicator_ids.filtered(lambda i: i.code == "patient").weight = "50"
            self.assertRegex(draft.design_problems, r"Indicators.*sum to 110, expected 100")
        # a rater weight off, an unknown name in a formula: each at its record and field
        with self.assertRaisesRegex(ValidationError, r"Pay › 绩效奖金 › Formula: .*bonus_bas"):
            designed.pay_component_ids.formula = "pay_score / 100 * bonus_bas"

    def test_acquisition_bonus_duplicated_and_changed(self):
        """acquisition-bonus, duplicated: a 全勤奖 of 200 when the score is 90 or more, typed as a pay component.
        March, wage 5,000, ratio 0.30: score 92 → 5,000 + 5,000×0.30×92/100 = 1,380 + 200; score 85 → no 全勤奖."""
        preset = self.env["perf.scheme"].search([("code", "=", "acquisition-bonus"), ("is_preset", "=", True)])
        copy = self.Scheme.browse(preset.with_user(self.perf_admin).action_duplicate()["res_id"])
        self.assertEqual((copy.code, copy.is_preset, copy.version), ("acquisition-bonus-2", False, 1))
        self.assertIn("year_end_pools", copy.advanced_yaml)  # the pools travel with it
        copy.write({"pay_component_ids": [Command.create({"code": "attendance", "name": "全勤奖", "formula": "200",
                                                          "when_formula": "pay_score >= 90", "periods": "month"})]})
        expected = preset_document("acquisition-bonus")
        expected["id"] = "acquisition-bonus-2"
        expected["pay"]["components"].append({"code": "attendance", "name": "全勤奖", "formula": "200",
                                              "when": "pay_score >= 90", "periods": ["month"]})
        self.assertEqual(copy._perfcore_scheme(), perfcore.parse_scheme(expected))

        boss = self.heads["ward-3"]
        people = self.env["hr.employee"].create([{"name": "甲", "parent_id": boss.id}, {"name": "乙", "parent_id": boss.id}])
        for person in people:
            person.set_perf_attribute("current_wage", 5000)
            person.set_perf_attribute("float_ratio", "0.30")
        cycle = self.make_cycle(copy, name="2024-03", date_from="2024-03-01", date_to="2024-03-31",
                                employee_ids=[(6, 0, people.ids)])
        cycle.action_start()
        for name, score in (("甲", 92), ("乙", 85)):
            cycle.appraisal_ids.filtered(lambda a, n=name: a.subject_name == n).set_score("score", score, "superior")
        cycle.action_compute()
        self.assertEqual(cycle.appraisal_ids.mapped("status"), ["scored", "scored"], cycle.appraisal_ids.mapped("status_reason"))
        # the pay reads a wage: it lives in the pay result only (confidential), not on the appraisal
        self.assertTrue(copy.pay_confidential)
        pays = {a.subject_name: D(str(a.pay_ids.amount)).quantize(D("0.01")) for a in cycle.appraisal_ids}
        self.assertEqual(pays, {"甲": D("6580.00"),    # 5000 + 5000 × 0.30 × 92/100 (1380) + 200
                                "乙": D("6275.00")})   # 5000 + 5000 × 0.30 × 85/100 (1275), no 全勤奖

    def test_village_clinic_duplicated_and_changed(self):
        """village-clinic, duplicated: pass mark 80 → 70 (a parameter's default). 南村 (72) now passes and gets
        the full half-year subsidy 8000 × 1200/1200 × 0.5 = 4000.00; 北村 (62): 8000 × 600/1200 × 0.5 × 62/70 = 1771.43."""
        preset = self.env["perf.scheme"].search([("code", "=", "village-clinic"), ("is_preset", "=", True)])
        copy = self.Scheme.browse(preset.with_user(self.perf_admin).action_duplicate()["res_id"])
        copy.parameter_ids.filtered(lambda p: p.name == "pass_min").default_value = "70"
        copy.top_indicator_ids.filtered(lambda i: i.code == "environment").name = "环境卫生"
        expected = preset_document("village-clinic")
        expected["id"] = "village-clinic-2"
        expected["parameters"]["pass_min"]["value"] = D(70)
        expected["indicators"][5]["name"] = "环境卫生"
        self.assertEqual(copy._perfcore_scheme(), perfcore.parse_scheme(expected))

        clinics = {}
        for name, points, population in (("东村卫生室", (24, 28, 9, 9, 9, 5, 9), 1800),
                                         ("西村卫生室", (20, 25, 8, 8, 8, 4, 8), 1200),
                                         ("南村卫生室", (18, 22, 7, 7, 7, 4, 7), 1200),
                                         ("北村卫生室", (15, 20, 6, 6, 6, 3, 6), 600)):
            clinic = self.env["hr.department"].create({"name": name})
            clinic.set_perf_attribute("ag_population", population)
            clinics[clinic] = points
        cycle = self.make_cycle(copy, name="2024 上半年", date_from="2024-01-01", date_to="2024-06-30",
                                department_ids=[(6, 0, [c.id for c in clinics])])
        cycle.action_start()
        codes = [i.code for i in copy.top_indicator_ids.sorted("sequence")]
        for clinic, points in clinics.items():
            appraisal = cycle.appraisal_ids.filtered(lambda a, c=clinic: a.department_id == c)
            for code, value in zip(codes, points):
                appraisal.set_score(code, value, "assessor")
        cycle.action_compute()
        got = {a.subject_name: (a.grade, D(str(a.pay_amount)).quantize(D("0.01"))) for a in cycle.appraisal_ids}
        self.assertEqual(got, {"东村卫生室": ("pass", D("6000.00")),   # 8000 × 1800/1200 × 0.5
                               "西村卫生室": ("pass", D("4000.00")),
                               "南村卫生室": ("pass", D("4000.00")),   # failed at 80, passes at 70
                               "北村卫生室": ("fail", D("1771.43"))})  # 2000 × 62/70 = 1771.428…

    def test_a_used_scheme_is_designed_only_in_a_new_version(self):
        """A published cycle's scheme refuses designer edits (even new lines); its new version takes them, and
        recomputing the published cycle gives the same results."""
        may = self.publish(self.nursing_cycle())
        before = {a.subject_name: (a.total, a.grade, a.pay_amount) for a in may.appraisal_ids}
        v1 = self.nursing.with_user(self.perf_admin)
        senior = v1.pay_rate_ids.filtered(lambda r: r.key == "senior_nurse")
        with self.assertRaisesRegex(UserError, "Create a new version"):
            senior.value = "1.3"
        with self.assertRaisesRegex(UserError, "Create a new version"):
            v1.write({"grade_ids": [Command.create({"code": "top", "label": "卓越", "minimum": "99"})]})
        with self.assertRaisesRegex(UserError, "Create a new version"):
            v1.top_indicator_ids[:1].unlink()
        v2 = self.Scheme.browse(v1.action_new_version()["res_id"])
        v2.pay_rate_ids.filtered(lambda r: r.key == "senior_nurse").value = "1.3"
        self.assertEqual(v2._perfcore_scheme().pay.tables["title_coef"]["senior_nurse"], D("1.3"))
        self.assertNotEqual(v2.content_hash, may.scheme_hash)
        may.sudo().action_compute()
        self.assertEqual({a.subject_name: (a.total, a.grade, a.pay_amount) for a in may.appraisal_ids}, before)

    def test_only_the_admin_designs(self):
        """HR officers and managers read a scheme's design; they change nothing, preview nothing, duplicate nothing."""
        scheme = self.nursing_from_scratch()
        for user in (self.officer, self.head_users["ward-3"], self.nurse_users["张三"]):
            with self.assertRaises(AccessError):
                scheme.with_user(user).top_indicator_ids[:1].weight = "40"
            with self.assertRaises(AccessError):
                self.env["perf.scheme.indicator"].with_user(user).create(
                    {"scheme_id": scheme.id, "code": "extra", "weight": "0"})
            with self.assertRaises(AccessError):
                scheme.with_user(user).action_preview()
            with self.assertRaises(AccessError):
                scheme.with_user(user).action_duplicate()

    def test_preview_shows_totals_grades_pay_and_breakdown(self):
        """Preview of the designed scheme on the nursing example: 张三 102.10 优秀 1837.80, with the breakdown."""
        scheme = self.nursing_from_scratch()
        action = scheme.action_preview()
        preview = self.env["perf.scheme.preview"].with_user(self.perf_admin).browse(action["res_id"])
        self.assertEqual(preview.example, "nursing")
        html = str(preview.result_html)
        self.assertIn("张三", html, html)
        row = html[html.index("张三"):html.index("</tr>", html.index("张三"))]
        for text in ("102.10", "优秀", "1837.80", "head_nurse"):
            self.assertIn(text, row)
        # an example that does not fit names its problems instead of failing
        preview.example = "village-clinic"
        self.assertIn("alert-warning", str(preview.result_html))

    def small_scheme(self):
        """One indicator rated by the superior; the bonus formula is a parameter."""
        return self.Scheme.create({
            "name": "小方案", "code": "small", "period_month": True,
            "parameter_ids": [Command.create({"name": "bonus_formula", "default_value": "pay_score * 10"})],
            "attribute_ids": [Command.create({"code": "current_wage", "type": "number"})],
            "scheme_rater_ids": [Command.create({"code": "superior", "weight": False})],
            "top_indicator_ids": [Command.create({"code": "score", "weight": "100"})],
            "pay_component_ids": [Command.create({"code": "bonus", "formula": "$bonus_formula"})]})

    def test_a_parameter_that_reads_a_wage_makes_the_pay_confidential(self):
        """A text parameter used as a formula is read with its value: a wage in it makes the pay confidential."""
        scheme = self.small_scheme()
        self.assertFalse(scheme.pay_confidential)
        scheme.parameter_ids.value = "current_wage * pay_score / 100"
        self.assertTrue(scheme.pay_confidential)

    def test_designer_checks_cannot_be_skipped_or_lines_moved(self):
        """No context key skips perfcore's check; a line never moves to another scheme or sets what follows it;
        an indicator is never its own item."""
        scheme = self.small_scheme()
        bad = scheme.source_yaml.replace("weight: 100", "weight: 90")
        with self.assertRaisesRegex(ValidationError, "sum to 90"):
            scheme.with_context(perf_design_batch=True).write({"source_yaml": bad})
        other = self.nursing_from_scratch()
        with self.assertRaisesRegex(UserError, "stays in its scheme"):
            scheme.top_indicator_ids.write({"scheme_id": other.id})
        with self.assertRaises(AccessError):
            scheme.pay_component_ids.write({"company_id": False})
        head = other.top_indicator_ids.filtered(lambda i: i.code == "head_nurse")
        with self.assertRaises(ValidationError):
            head.parent_id = head.child_ids[0]
        frozen_nursing = self.publish(self.nursing_cycle()).scheme_id
        with self.assertRaisesRegex(UserError, "Create a new version"):
            self.env["perf.scheme.pay.rate"].with_user(self.perf_admin).with_context(
                default_scheme_id=frozen_nursing.id).create([{"table": "title_coef", "key": "x", "value": "9"}])

    def test_uploaded_yaml_fills_the_designer(self):
        """YAML stays the power users' way in: a pasted document becomes the designer's records."""
        document = parse_text(preset_path("village-clinic").read_text(encoding="utf-8"), "x").data
        document["id"] = "clinic-yaml"
        from perfcore.yamlio import dump_text
        scheme = self.Scheme.create({"name": "村卫生室（YAML）", "source_yaml": dump_text(document)})
        self.assertEqual(scheme.code, "clinic-yaml")
        self.assertEqual(scheme.top_indicator_ids.mapped("code"), ["basic_medical", "public_health", "coop_medical",
                                                                   "integration", "hr_finance", "environment",
                                                                   "satisfaction"])
        self.assertEqual(scheme.rule_ids.mapped("flag"), ["head_reward", "head_dismissal", "license_review"])
        self.assertEqual(scheme.top_indicator_ids[0].max_points, "$basic_medical_max")
