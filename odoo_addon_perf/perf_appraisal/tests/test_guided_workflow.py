import datetime

import perfcore
from perfcore.presets import preset_path
from perfcore.yamlio import load_document

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.perf_score import on_demand_items
from .common import NURSES, PerfCase, _rater


@tagged("post_install", "-at_install")
class TestGuidedWorkflow(PerfCase):
    """The cycle says how far rating is, who is late, and what each step did."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cycle = cls.make_cycle(cls.nursing, employee_ids=[(6, 0, cls.nurses.ids)], role_ids=cls.role_owners(),
                                   deadline_rating="2024-06-07")
        cls.cycle.action_start()
        cls.cycle.action_open_rating()
        cls.by_name = {a.subject_name: a for a in cls.cycle.appraisal_ids}

    def rate(self, names, user=None):
        for name, _ward, _t, _p, _b, scores, _events in NURSES:
            if name not in names:
                continue
            appraisal = self.by_name[name]
            for code, value in scores.items():
                rater = None if code == "nd_failing_cases" else _rater(code)
                line = appraisal.score_ids.filtered(lambda s, c=code, r=rater: s.code == c and (s.rater_role or None) == r)
                if user is None or line.rater_user_id == user:
                    line.with_user(user or self.env.user).write({"value": value})

    def test_progress_counts_lines_done(self):
        """7 nurses × 4 lines (护士长, 护理部, failing cases, 患者) = 28: the 护士长 checklist opens on
        demand.  张三's 3 values settle all 4 of hers (护理部 given: failing cases not needed) → 4/28;
        李四's head nurse opens the checklist (+10 lines = 38): 9 of 10 items settle 9, the tenth also
        settles 护士长 (+2); 孙八's failing-cases count settles 护理部 (its formula) and itself → 4 more."""
        cycle = self.cycle
        self.assertEqual((cycle.line_count, cycle.done_count, cycle.rating_progress), (28, 0, 0.0))
        self.rate({"张三"})
        cycle.invalidate_recordset()
        self.assertEqual((cycle.line_count, cycle.done_count), (28, 4))
        self.assertAlmostEqual(cycle.rating_progress, 100 * 4 / 28)
        head = self.by_name["李四"].score_ids.filtered(lambda s: s.code == "head_nurse")
        self.assertTrue(head.with_user(self.head_users["ward-3"]).items_available)
        head.with_user(self.head_users["ward-3"]).action_rate_by_items()
        self.assertFalse(head.with_user(self.head_users["ward-3"]).items_available, "opened once")
        items = self.by_name["李四"].score_ids.filtered(lambda s: s.code.startswith("hn_"))
        self.assertEqual((len(items), set(items.rater_user_id)), (10, {self.head_users["ward-3"]}))
        cycle.invalidate_recordset()
        self.assertEqual((cycle.line_count, cycle.done_count), (38, 4))
        items[:9].with_user(self.head_users["ward-3"]).write({"value": 9})
        cycle.invalidate_recordset()
        self.assertEqual(cycle.done_count, 4 + 9, "9 of 10 items: the head nurse's score is still needed")
        items[9:].with_user(self.head_users["ward-3"]).write({"value": 9})
        cycle.invalidate_recordset()
        self.assertEqual(cycle.done_count, 4 + 11, "all 10 items: the indicator is settled by them")
        self.rate({"孙八"})
        cycle.invalidate_recordset()
        self.assertEqual(cycle.done_count, 4 + 11 + 4)

    def test_grid_opens_a_checklist_for_the_head_nurse_lines_only(self):
        """The grid offers the ward-3 head nurse her 4 护士长 cells' checklists (not 护理部's, not another ward's);
        opened, the ten items are columns of hers and the offer is gone; a nurse of her ward is not offered it."""
        head = self.head_users["ward-3"]
        grid = self.cycle.with_user(head).get_score_grid()
        column = next(c for c in grid["columns"] if c["key"] == "head_nurse|superior|")
        self.assertTrue(column["checklist"])
        offered = [row["cells"][column["key"]]["id"] for row in grid["rows"]
                   if row["cells"].get(column["key"], {}).get("items_closed")]
        self.assertEqual(sorted(self.env["perf.score"].browse(offered).mapped("subject_name")), ["张三", "李四", "王五", "赵六"])
        self.assertFalse(any(c["checklist"] for c in grid["columns"] if c["key"] != column["key"]))
        self.env["perf.score"].with_user(head).browse(offered).action_rate_by_items()
        grid = self.cycle.with_user(head).get_score_grid()
        items = [c for c in grid["columns"] if c["key"].startswith("hn_")]
        self.assertEqual(len(items), 10)
        self.assertEqual(sum(1 for row in grid["rows"] for c in items if row["cells"].get(c["key"], {}).get("editable")), 40)
        self.assertFalse(any(row["cells"].get(column["key"], {}).get("items_closed") for row in grid["rows"]))
        nurse = self.cycle.with_user(self.nurse_users["张三"]).get_score_grid()
        self.assertFalse(any(cell.get("items_closed") for row in nurse["rows"] for cell in row["cells"].values()))

    def test_checklist_opens_once_for_one_rater_and_follows_the_rater(self):
        """The same line twice opens ten items, not twenty; a rated indicator opens none (its score counts);
        an input line is refused cleanly; HR reassigning the indicator moves its open checklist; a nurse
        probing a colleague's line learns neither the appraisee nor the rater."""
        head = self.head_users["ward-3"]
        li = self.by_name["李四"].score_ids
        line = li.filtered(lambda s: s.code == "head_nurse")
        line.with_user(head).browse(line.ids * 2).action_rate_by_items()
        self.assertEqual(len(self.by_name["李四"].score_ids.filtered(lambda s: s.code.startswith("hn_"))), 10)
        zhang = self.by_name["张三"].score_ids.filtered(lambda s: s.code == "head_nurse")
        zhang.with_user(head).value = 90
        with self.assertRaises(UserError):
            zhang.with_user(head).action_rate_by_items()
        self.assertFalse(zhang.with_user(head).items_available)
        with self.assertRaises(UserError):
            li.filtered(lambda s: s.code == "nd_failing_cases").with_user(self.officer).action_rate_by_items()
        line.with_user(self.officer).rater_user_id = self.director_user
        items = self.by_name["李四"].score_ids.filtered(lambda s: s.code.startswith("hn_"))
        self.assertEqual(set(items.rater_user_id), {self.director_user}, "the checklist goes with its indicator")
        with self.assertRaisesRegex(UserError, "its rater is the indicator's"):  # and never one item alone
            items[:1].with_user(self.officer).rater_user_id = head
        self.assertEqual(set(items.rater_user_id), {self.director_user})
        wang = self.by_name["王五"].score_ids.filtered(lambda s: s.code == "head_nurse")
        with self.assertRaises(AccessError) as info:
            wang.with_user(self.nurse_users["张三"]).action_rate_by_items()
        self.assertNotIn("王五", str(info.exception))
        self.assertNotIn(head.name, str(info.exception))

    def test_checklists_of_several_raters_are_created_at_start(self):
        """On demand only where one person rates the indicator: with a second role, pool members or peers,
        one rater's checklist would stand for another's score, so the items are created at start."""
        scheme = self.nursing._perfcore_scheme()
        self.assertEqual(len(on_demand_items(scheme, scheme.indicator("head_nurse"))), 10)
        for raters in ([{"code": "superior", "weight": 60}, {"code": "skip", "weight": 40}], [{"code": "peer"}],
                       [{"code": "ward", "pool": ["superior", "skip"]}]):
            with self.subTest(raters=raters):
                data = load_document(preset_path("nursing")).data
                data["raters"] = raters
                other = perfcore.parse_scheme(data)
                self.assertEqual(on_demand_items(other, other.indicator("head_nurse")), [])

    def test_late_raters_are_shown_and_reminded(self):
        """After the deadline: 4 raters with lines (2 head nurses, 护理部, patient survey); Remind notifies each once."""
        cycle = self.cycle
        self.assertEqual(cycle.late_rater_count, 4)
        html = cycle.with_user(self.officer).progress_html
        self.assertIn("head_ward-3", html)
        self.assertIn("0 / 4", html)  # the ward-3 head nurse: 4 nurses × 护士长 (checklists not opened), none rated yet
        ward3 = self.head_users["ward-3"]
        self.rate({"张三", "李四", "王五", "赵六"}, user=ward3)
        cycle.invalidate_recordset()
        self.assertEqual(cycle.late_rater_count, 3, "the ward-3 head nurse finished")
        todo_users = cycle.activity_ids.user_id
        self.assertNotIn(ward3, todo_users, "her to-do is closed when her lines are done")
        before = self.env["mail.message"].search_count([("model", "=", "perf.cycle"), ("res_id", "=", cycle.id)])
        cycle.with_user(self.officer).action_remind_late()
        notices = self.env["mail.message"].search([("model", "=", "perf.cycle"), ("res_id", "=", cycle.id)],
                                                  order="id desc", limit=2)
        self.assertEqual(self.env["mail.message"].search_count([("model", "=", "perf.cycle"), ("res_id", "=", cycle.id)]),
                         before + 2, "one notification to the late raters, one note for HR")
        late = self.head_users["emergency"] | self.quality_officer | self.survey_clerk
        self.assertEqual(set(notices.partner_ids.ids), set(late.partner_id.ids))
        # lines left: emergency head nurse 3 × 护士长 + 护理部 7 + patient survey 7 = 17 (failing cases are HR's)
        self.assertIn("Reminded 3 raters with 17 lines left.", notices[0].body)
        due = fields.Date.context_today(cycle) + datetime.timedelta(days=3)
        self.assertEqual(set(cycle.activity_ids.filtered(lambda a: a.user_id in late).mapped("date_deadline")), {due})

    def test_chatter_records_each_step_with_counts(self):
        """Compute writes its counts in the chatter: 7 scored; 优秀 2 (张三, 钱七), 良好 3, 合格 2."""
        self.rate({n for n, *_ in NURSES})
        for nurse, (_n, _w, _t, _p, _b, _s, events) in zip(self.nurses, NURSES):
            for code, count, note in events:
                self.env["perf.event"].create({"scheme_id": self.nursing.id, "employee_id": nurse.id, "code": code,
                                               "count": count, "note": note, "date": "2024-05-15"}).action_approve()
        action = self.cycle.with_user(self.officer).action_compute()
        self.assertEqual(action["tag"], "display_notification")
        body = self.cycle.message_ids[0].body
        self.assertIn("7", body)
        for label, count in (("优秀", 2), ("良好", 3), ("合格", 2)):
            self.assertIn(f"{label} {count}", body)
        # in Chinese with Chinese punctuation: 已计算：已评分 7；优秀 2，良好 3，合格 2
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["perf_appraisal"], ["zh_CN"])
        summary = self.cycle.with_context(lang="zh_CN")._results_summary("已计算")
        self.assertEqual(summary, "已计算：已评分 7；优秀 2，良好 3，合格 2")

    def test_bulk_confirm_and_approve_check_every_record(self):
        """Over a selection each record is checked against its approver: what the user may is done, the
        rest listed with the reason; none of them hers is refused, naming who is not theirs."""
        self.rate({n for n, *_ in NURSES})
        self.cycle.action_calibrate()
        appraisals = self.cycle.appraisal_ids
        with self.assertRaises(AccessError) as refused:  # the director is the skip level, not the direct superior
            appraisals.with_user(self.director_user).action_confirm()
        self.assertIn("钱七", str(refused.exception))
        self.assertFalse(any(appraisals.mapped("confirmed")), "nothing confirmed")
        ward3 = appraisals.filtered(lambda a: a.department_id == self.wards["ward-3"])
        # the ward-3 head nurse is away: HR names the director for her four; the director over all
        # seven (she reads them all): those four confirmed, the emergency ward's three listed
        ward3.with_user(self.officer).write({"superior_user_id": self.director_user.id})
        result = appraisals.with_user(self.director_user).action_confirm()
        params = result["params"]
        self.assertEqual((params["type"], params["title"]), ("warning", "3 skipped"))
        self.assertEqual(params["message"].splitlines()[0], "4 appraisals confirmed.")
        self.assertIn("only their direct superior (or HR) confirms", params["message"])
        for name in ("钱七", "孙八", "周九"):
            self.assertIn(name, params["message"])
        self.assertEqual(appraisals.filtered("confirmed"), ward3)
        result = (appraisals - ward3).with_user(self.head_users["emergency"]).action_confirm()
        self.assertEqual((result["params"]["type"], result["params"]["message"]), ("success", "3 appraisals confirmed."))
        appraisals.with_user(self.officer).write({"skip_user_id": self.director_user.id})  # HR names the approver
        self.cycle.action_to_approval()
        result = appraisals.with_user(self.director_user).action_approve()
        self.assertEqual(result["params"]["message"], "7 appraisals approved.")
        self.assertTrue(all(appraisals.mapped("approved")))

    def test_dashboard_as_each_role(self):
        """HR sees the cycle's progress and its late raters; a head nurse her team and her lines; a nurse only her own."""
        hr = self.env["perf.cycle"].with_user(self.officer).get_dashboard()
        mine = next(c for c in hr["cycles"] if c["id"] == self.cycle.id)
        self.assertEqual((mine["done"], mine["lines"], mine["late"], mine["overdue"]), (0, 28, 4, True))
        head = self.env["perf.cycle"].with_user(self.head_users["ward-3"]).get_dashboard()
        self.assertEqual(head["to_rate"], 4)  # 4 nurses × 护士长 (the checklists not opened)
        self.assertEqual(sorted(m["name"] for m in head["team"]), ["张三", "李四", "王五", "赵六"])
        self.assertEqual(head["appeals"], [])
        nurse = self.env["perf.cycle"].with_user(self.nurse_users["张三"]).get_dashboard()
        self.assertEqual((nurse["to_rate"], nurse["team"], nurse["appeals"], nurse["officer"]), (0, [], [], False))
        self.assertTrue(all(c["late"] == 0 for c in nurse["cycles"]), "who is late is HR's")
        # a cycle started, none published: HR's first steps up to "start" are done, the last is not
        steps = {step["key"]: step["done"] for step in hr["first_steps"]}
        self.assertEqual(steps, {"scheme": True, "attributes": True, "cycle": True, "start": True, "publish": False})
        self.assertFalse(head["first_steps"] or nurse["first_steps"])  # HR's way, not theirs
        self.assertFalse(nurse["idle"])  # she sees the running cycle


@tagged("post_install", "-at_install")
class TestFirstSteps(PerfCase):
    """A database with people and no cycle yet."""

    def test_dashboard_of_an_empty_database_shows_the_first_steps(self):
        """No cycle yet: HR reads the five steps, none done but the attributes (the fixture's nurses
        have them); an employee with nothing to do is told why the page is empty."""
        self.assertFalse(self.env["perf.cycle"].search_count([]))
        hr = self.env["perf.cycle"].with_user(self.officer).get_dashboard()
        self.assertEqual([(s["key"], s["done"]) for s in hr["first_steps"]],
                         [("scheme", False), ("attributes", True), ("cycle", False), ("start", False),
                          ("publish", False)])
        self.assertEqual(hr["first_steps"][2]["action"], "perf_appraisal.perf_cycle_action")
        self.assertFalse(hr["first_steps"][0]["action"], "the schemes' menu is the perf admin's")
        admin = self.env["perf.cycle"].with_user(self.perf_admin).get_dashboard()
        self.assertEqual(admin["first_steps"][0]["action"], "perf_appraisal.perf_scheme_action")
        nurse = self.env["perf.cycle"].with_user(self.nurse_users["张三"]).get_dashboard()
        self.assertEqual((nurse["first_steps"], nurse["idle"]), ([], True))
        # once a month is published the dashboard shows the work, not the steps
        self.publish(self.nursing_cycle())
        self.assertEqual(self.env["perf.cycle"].with_user(self.officer).get_dashboard()["first_steps"], [])

    def test_hr_without_an_email_address_runs_a_cycle(self):
        """The walk's HR officer had no e-mail address: Odoo refused to post "Cycle started" and with
        it the start.  She starts, computes and publishes a month all the same; the messages are hers."""
        self.officer.partner_id.email = False
        cycle = self.make_cycle(self.nursing, employee_ids=[(6, 0, self.nurses.ids)], role_ids=self.role_owners())
        cycle.with_user(self.officer).action_start()
        self.enter_example_scores(cycle)
        cycle.with_user(self.officer).action_compute()
        self.assertEqual(cycle.state, "running")
        started = cycle.message_ids.filtered(lambda m: "7" in (m.body or "") and m.author_id == self.officer.partner_id)
        self.assertTrue(started, "Cycle started: 7 appraisals … posted as HR")

