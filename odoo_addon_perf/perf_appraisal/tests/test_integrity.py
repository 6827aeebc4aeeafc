import json
import re

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.perf_appraisal.models.perf_appraisal import _reason
from odoo.addons.perf_appraisal.models.perf_workflow_mixin import workflow

from .common import PerfCase

PAYLOAD = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
RAW_TAG = re.compile(r"<\s*(img|script)\b", re.IGNORECASE)


@tagged("post_install", "-at_install")
class TestIntegrity(PerfCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cycle = cls.nursing_cycle()
        cls.by_name = {a.subject_name: a for a in cls.cycle.appraisal_ids}

    def test_results_go_through_the_orm(self):
        """The final grade follows the computed grade (a stored compute); a changed result is written as the
        officer, an unchanged one is not rewritten."""
        zhou = self.by_name["周九"]
        zhou.score_ids.filtered(lambda s: s.code == "patient").with_user(self.survey_clerk).value = 70
        written_before = {a: a.write_date for a in self.cycle.appraisal_ids - zhou}
        self.cycle.with_user(self.officer).action_compute()
        for appraisal in self.cycle.appraisal_ids:
            self.assertEqual(appraisal.final_grade, appraisal.grade, appraisal.subject_name)
        # 周九: 60 × .3 + 70 × .3 + 70 × .4 − 5 = 18 + 21 + 28 − 5 = 62.00 (was 60.00)
        self.assertEqual((zhou.total, zhou.write_uid), (62.0, self.officer))
        self.assertEqual({a: a.write_date for a in self.cycle.appraisal_ids - zhou}, written_before)
        # ward-3 (4 nurses): 张三 excellent, 李四 and 王五 good (cap), 赵六 pass; emergency: 钱七 excellent,
        # 孙八 good, 周九 pass — grouped by the stored final grade
        groups = dict(self.env["perf.appraisal"]._read_group([("cycle_id", "=", self.cycle.id)],
                                                             ["final_grade"], ["__count"]))
        self.assertEqual(groups, {"excellent": 2, "good": 3, "pass": 2})

    def test_scale_is_checked_at_entry_naming_the_indicator(self):
        """A score of 250 on a 0–100 scale is refused when entered, naming the indicator and its scale."""
        line = self.by_name["周九"].score_ids.filtered(lambda s: s.code == "patient")
        with self.assertRaises(ValidationError) as info:
            line.with_user(self.survey_clerk).value = 250
        self.assertIn("患者满意度 of 周九", str(info.exception))
        self.assertIn("out of its scale 0..100", str(info.exception))
        self.assertEqual(line.value, 65)
        for bad in (float("nan"), float("inf"), "90"):  # as JSON-RPC delivers them to write()
            with self.assertRaises(ValidationError):
                line.with_user(self.survey_clerk).write({"value": bad})

    def test_every_score_change_is_logged_for_hr(self):
        """A change records who changed which line, old → new; HR reads the log, the appraisee cannot."""
        line = self.by_name["周九"].score_ids.filtered(lambda s: s.code == "patient")
        line.with_user(self.survey_clerk).value = 70
        log = self.env["perf.score.log"].search([("score_id", "=", line.id)], limit=1)
        self.assertEqual((log.user_id, log.old_value, log.new_value), (self.survey_clerk, 65, 70))
        self.assertTrue(self.env["perf.score.log"].with_user(self.officer).search([("score_id", "=", line.id)]))
        with self.assertRaises(AccessError):
            self.env["perf.score.log"].with_user(self.nurse_users["周九"]).search([])
        self.assertTrue(self.by_name["周九"].results_stale)

    def test_publication_needs_every_appraisal_scored_or_excluded(self):
        """An incomplete appraisal blocks calibration until HR excludes it with a reason; excluded get nothing."""
        zhou = self.by_name["周九"]
        for line in zhou.score_ids.filtered("rated"):
            with workflow():
                line.write({"rated": False})
        zhou._mark_inputs_changed()
        with self.assertRaisesRegex(UserError, "周九"):
            self.cycle.with_user(self.officer).action_calibrate()
        self.assertEqual(self.cycle.state, "running")
        with self.assertRaisesRegex(UserError, "reason"):
            zhou.with_user(self.officer).action_exclude("  ")
        zhou.with_user(self.officer).action_exclude("长期病假")
        self.publish(self.cycle)
        self.assertEqual((zhou.status, zhou.status_reason, zhou.state), ("excluded", "长期病假", "published"))
        self.assertFalse(zhou.pay_ids)
        notices = self.env["mail.message"].search([("model", "=", "perf.appraisal"), ("res_id", "=", zhou.id),
                                                    ("body", "ilike", "published")])
        self.assertFalse(notices)
        # emergency without 周九: 钱七 and 孙八 keep their grades, nobody sits in 周九's quota seat
        self.assertEqual(set(self.cycle.appraisal_ids.filtered(lambda a: a.status == "scored").mapped("subject_name")),
                         set(self.by_name) - {"周九"})

    def test_stale_results_block_approval(self):
        """Scores changed after calibration must be computed again before approval."""
        self.cycle.with_user(self.officer).action_calibrate()
        self.by_name["周九"].score_ids.filtered(lambda s: s.code == "patient").with_user(self.survey_clerk).value = 70
        with self.assertRaisesRegex(UserError, "compute first"):
            self.cycle.with_user(self.officer).action_to_approval()
        self.cycle.with_user(self.officer).action_compute()
        self.cycle.with_user(self.officer).action_to_approval()
        self.assertEqual(self.cycle.state, "approval")

    def test_events_approved_by_the_manager_chain_and_locked(self):
        """The ward head approves her nurse's event; an outsider cannot; HR reverses it with a reason."""
        nurse = self.nurses.filtered(lambda n: n.name == "李四")
        event = self.env["perf.event"].with_user(self.head_users["ward-3"]).create({
            "scheme_id": self.nursing.id, "employee_id": nurse.id, "code": "praise", "date": "2024-05-20"})
        with self.assertRaises(AccessError):
            event.with_user(self.head_users["emergency"]).action_approve()
        event.with_user(self.director_user).action_approve()
        self.assertEqual((event.state, event.decided_by_id), ("approved", self.director_user))
        self.assertTrue(self.by_name["李四"].results_stale)
        with self.assertRaisesRegex(UserError, "reason"):
            event.with_user(self.officer).action_reverse("")
        event.with_user(self.officer).action_reverse("重复记录")
        self.assertEqual((event.state, event.reversal_reason), ("reversed", "重复记录"))
        self.cycle.with_user(self.officer).action_compute()
        # 李四 94.10 as before: the reversed praise does not count
        self.assertEqual(self.by_name["李四"].total_exact, "94.1")

    def test_plan_signed_each_side_by_its_party(self):
        """The employee signs her side, her manager the other; a signed plan is not changed."""
        nurse = self.nurses.filtered(lambda n: n.name == "赵六")
        plan = self.env["perf.improvement.plan"].with_user(self.head_users["ward-3"]).create({
            "name": "沟通改进", "employee_id": nurse.id, "date": "2024-06-05",
            "item_ids": [(0, 0, {"goal": "主动巡视", "review_date": "2025-01-05"})]})
        plan.with_user(self.nurse_users["赵六"]).action_sign()
        self.assertEqual((plan.employee_signed, plan.manager_signed), (True, False))
        with self.assertRaises(AccessError):
            plan.with_user(self.nurse_users["李四"]).action_sign()
        plan.with_user(self.head_users["ward-3"]).action_sign()
        self.assertEqual(plan.state, "signed")
        with self.assertRaises(UserError):
            plan.with_user(self.head_users["ward-3"]).name = "改"

    def test_a_plan_is_reviewed_from_its_first_month_to_a_year_after(self):
        """Plan of 2024-06-05: a review a month later (2024-07-05) is allowed, a year and a day
        (2025-06-06) or before the plan (2024-06-04) is refused."""
        nurse = self.nurses.filtered(lambda n: n.name == "赵六")
        plan = self.env["perf.improvement.plan"].with_user(self.head_users["ward-3"]).create({
            "name": "沟通改进", "employee_id": nurse.id, "date": "2024-06-05",
            "item_ids": [(0, 0, {"goal": "主动巡视", "review_date": "2024-07-05"})]})
        for day in ("2025-06-06", "2024-06-04"):
            with self.assertRaises(ValidationError):
                plan.item_ids.with_user(self.head_users["ward-3"]).review_date = day

    def test_raters_never_follow_the_appraisal(self):
        """An activity scheduled for a rater on the appraisal does not make the rater a follower."""
        appraisal = self.by_name["张三"]
        peer = self.nurse_users["李四"]
        appraisal.with_user(self.officer).activity_schedule("mail.mail_activity_data_todo", user_id=peer.id,
                                                            summary="请评分")
        self.assertNotIn(peer.partner_id, appraisal.message_partner_ids)
        appraisal.message_subscribe(partner_ids=(peer.partner_id | self.nurse_users["张三"].partner_id).ids)
        self.assertNotIn(peer.partner_id, appraisal.message_partner_ids)
        self.assertIn(self.nurse_users["张三"].partner_id, appraisal.message_partner_ids)

    def test_user_text_is_escaped_in_every_html_view(self):
        """A script or onerror payload in every user-writable text reaching HTML is shown as text."""
        nurse = self.nurses.filtered(lambda n: n.name == "赵六")
        nurse.name = "赵六" + PAYLOAD
        self.by_name["赵六"].with_user(self.officer).group_name = "ward-3" + PAYLOAD
        event = self.env["perf.event"].create({"scheme_id": self.nursing.id, "employee_id": nurse.id,
                                               "code": "study_session", "note": PAYLOAD, "date": "2024-05-21"})
        event.action_approve()
        self.cycle.with_user(self.officer).action_calibrate()
        appraisal = self.by_name["赵六"]
        scheme = self.env["perf.scheme"].with_user(self.perf_admin).create({"name": PAYLOAD, "source_yaml": (
            "id: xss\ntitle: 'x" + PAYLOAD.replace("'", "''") + "'\nperiods: [month]\nindicators:\n"
            "  - {code: a, name: '" + PAYLOAD.replace("'", "''") + "', weight: 100}\n"
            "grades:\n  - {code: good, label: '" + PAYLOAD.replace("'", "''") + "', min: 60}\n  - {code: poor}\n")})
        views = {
            "calibration": self.cycle.with_user(self.officer).calibration_html,
            "breakdown": appraisal.breakdown_html,
            "summary": scheme.summary_html,
            "pay components": appraisal.pay_ids.components_html,
        }
        self.assertIn("&lt;img", str(views["calibration"]) + str(views["breakdown"]))
        for name, html in views.items():
            self.assertTrue(html, name)
            self.assertFalse(RAW_TAG.search(str(html)), f"{name} shows a raw tag: {html}")

    def test_scheme_cache_is_bounded(self):
        """Parsing many scheme versions keeps at most 64 parsed schemes in memory."""
        from ..models import perf_scheme

        scheme = self.env["perf.scheme"].with_user(self.perf_admin).create({"name": "v", "source_yaml": (
            "id: cachev\ntitle: v\nperiods: [month]\nindicators: [{code: a, weight: 100}]\n")})
        for version in range(80):
            scheme.source_yaml = f"id: cachev\ntitle: v{version}\nperiods: [month]\nindicators: [{{code: a, weight: 100}}]\n"
            scheme._perfcore_scheme()
        self.assertLessEqual(len(perf_scheme._PARSED), 64)

    def test_perfcore_reasons_land_in_the_result(self):
        """The stored result carries perfcore's breakdown with every reason, as message data each reader renders
        in their language (the JSON contract, without the text rendered at compute)."""
        data = json.loads(self.by_name["李四"].result_json)
        self.assertIn("excellent is full, moved to good", " ".join(_reason(line, "en_US") for line in data["breakdown"]))
        self.assertIn("优秀名额已满，调整为良好", " ".join(_reason(line, "zh_CN") for line in data["breakdown"]))

    def test_manager_cannot_be_her_own_approver(self):
        """HR cannot name the appraisee as her own superior or skip-level approver."""
        appraisal = self.by_name["张三"]
        with self.assertRaises(ValidationError):
            appraisal.with_user(self.officer).superior_user_id = self.nurse_users["张三"]
        other = new_test_user(self.env, "other_head", groups="base.group_user,perf_appraisal.group_perf_manager")
        appraisal.with_user(self.officer).superior_user_id = other
        self.cycle.with_user(self.officer).action_calibrate()
        with self.assertRaises(AccessError):
            appraisal.with_user(self.head_users["ward-3"]).action_confirm()
        appraisal.with_user(other).action_confirm()
        self.assertTrue(appraisal.confirmed)

    def test_typed_attributes_on_the_employee(self):
        """HR picks 职称 from the scheme's labelled values, ticks yes/no, types numbers; perfcore checks them."""
        nurse = self.nurses.filtered(lambda n: n.name == "张三")
        line = nurse.perf_attribute_ids.filtered(lambda a: a.code == "title").with_user(self.officer)
        self.assertEqual((line.value_type, line.option_id.label, line.value_label), ("text", "护师", "护师"))
        line.option_id = self.nursing.attribute_ids.filtered(lambda a: a.code == "title").value_ids.filtered(
            lambda v: v.label == "中级")
        self.assertEqual(line.value, "intermediate")
        base = nurse.perf_attribute_ids.filtered(lambda a: a.code == "bonus_base").with_user(self.officer)
        base.number_value = 1250.5
        self.assertEqual((base.value, base.value_type), ("1250.5", "number"))
        with self.assertRaisesRegex(ValidationError, "not one of"):
            line.value = "chief"
        with self.assertRaisesRegex(ValidationError, "number too large"):
            base.value = "1e39"
        with self.assertRaisesRegex(ValidationError, "No scheme reads an attribute hair"):
            nurse.with_user(self.officer).set_perf_attribute("hair", "red")
        retail = self.env["perf.scheme"].search([("code", "=", "retail-kpi")])
        flag = self.env["perf.attribute"].with_user(self.officer).create({
            "employee_id": nurse.id, "definition_id": retail.attribute_ids.filtered(lambda a: a.code == "is_manager").id})
        flag.bool_value = True
        self.assertEqual((flag.code, flag.value, flag.value_type), ("is_manager", "true", "bool"))
