from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import PerfCase


@tagged("post_install", "-at_install")
class TestEvents(PerfCase):
    """加减分 as the head nurse records them: dated into the open month, warned when they would count
    nowhere, listed at compute when left out, approved by somebody else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cycle = cls.make_cycle(cls.nursing, employee_ids=[(6, 0, cls.nurses.ids)], role_ids=cls.role_owners())
        cls.cycle.action_start()
        cls.head = cls.head_users["ward-3"]
        cls.zhang = cls.nurses.filtered(lambda n: n.name == "张三")

    def record(self, date=None, user=None):
        vals = {"scheme_id": self.nursing.id, "employee_id": self.zhang.id, "code": "praise"}
        if date:
            vals["date"] = date
        return self.env["perf.event"].with_user(user or self.head).create(vals)

    def test_the_date_defaults_into_the_open_month(self):
        """Today (after May) is in no open cycle: the form proposes May's last day, 2024-05-31."""
        form = Form(self.env["perf.event"].with_user(self.head))
        form.scheme_id = self.nursing
        self.assertEqual(str(form.date), "2024-05-31")
        self.assertFalse(form.date_warning)

    def test_a_date_in_no_cycle_is_warned_at_entry(self):
        event = self.record("2024-07-01")
        self.assertIn("2024-07-01", event.date_warning)
        self.assertIn("2024-05", event.date_warning)  # the open cycle it could be dated in
        self.assertFalse(self.record("2024-05-20").date_warning)

    def test_an_event_is_named_by_its_subject_type_and_date(self):
        """The breadcrumb of an event: 张三 · 表扬 · 2024-05-20, not perf.event,1."""
        self.assertEqual(self.record("2024-05-20").display_name, "张三 · 表扬 · 2024-05-20")

    def test_the_recorder_does_not_approve_her_own_event(self):
        event = self.record("2024-05-20")
        with self.assertRaisesRegex(AccessError, "You recorded"):
            event.with_user(self.head).action_approve()
        self.assertEqual(event.state, "draft")
        event.with_user(self.director_user).action_approve()
        self.assertEqual((event.state, event.decided_by_id), ("approved", self.director_user))

    def test_the_head_nurse_picks_only_her_ward(self):
        """The 员工 list of the event form: the head nurse of ward-3 is offered ward-3's four nurses —
        not the emergency nurses, not herself; HR is offered everyone but herself. Picked through the
        model a manager's web client reads (hr.employee.public) and through hr.employee."""
        ward3 = self.nurses.filtered(lambda n: n.department_id == self.wards["ward-3"])
        domain = [("perf_event_recordable", "=", True), ("id", "in", (self.nurses | self.heads["ward-3"]).ids)]
        for model in ("hr.employee.public", "hr.employee"):
            offered = self.env[model].with_user(self.head).search(domain)
            self.assertEqual(set(offered.ids), set(ward3.ids), model)
        # the director above both wards is offered all seven nurses and both head nurses
        above = self.env["hr.employee.public"].with_user(self.director_user).search(domain)
        self.assertEqual(set(above.ids), set((self.nurses | self.heads["ward-3"]).ids))
        self.assertNotIn(self.director.id, self.env["hr.employee.public"].with_user(self.director_user).search(
            [("perf_event_recordable", "=", True)]).ids)
        hr = self.env["hr.employee"].with_user(self.officer).search(domain)
        self.assertEqual(set(hr.ids), set((self.nurses | self.heads["ward-3"]).ids))
        # a nurse is offered nobody; the negation is the rest
        nurse = self.nurse_users["张三"]
        self.assertFalse(self.env["hr.employee.public"].with_user(nurse).search(domain))
        rest = self.env["hr.employee.public"].with_user(self.head).search(
            [("perf_event_recordable", "=", False), ("id", "in", self.nurses.ids)])
        self.assertEqual(set(rest.ids), set((self.nurses - ward3).ids))
        with self.assertRaises(ValueError):
            self.env["hr.employee"].with_user(self.head).search([("perf_event_recordable", "in", [1])])
        # units: the head nurse records for her ward, not for the department above her
        units = self.env["hr.department"].with_user(self.head).search(
            [("perf_event_recordable", "=", True), ("id", "in", [*self.wards["ward-3"].ids, *self.nursing_dept.ids])])
        self.assertEqual(units, self.env["hr.department"])  # she manages ward-3: never about her own unit
        units = self.env["hr.department"].with_user(self.director_user).search(
            [("perf_event_recordable", "=", True), ("id", "in", [w.id for w in self.wards.values()])])
        self.assertEqual(len(units), 2)

    def test_the_buttons_are_the_decisions_she_may_take(self):
        """Her own draft shows no 批准 (another manager approves it) but 驳回; the director sees both;
        a nurse about herself neither; a decided event neither."""
        event = self.record("2024-05-20")
        mine = event.with_user(self.head)
        self.assertEqual((mine.can_approve, mine.can_refuse), (False, True))
        director = event.with_user(self.director_user)
        self.assertEqual((director.can_approve, director.can_refuse), (True, True))
        other_head = event.with_user(self.head_users["emergency"])
        self.assertEqual((other_head.can_approve, other_head.can_refuse), (False, False))
        director.action_approve()
        event.invalidate_recordset(["can_approve", "can_refuse"])
        self.assertEqual((director.can_approve, director.can_refuse), (False, False))

    def test_the_list_shows_what_each_entry_counts(self):
        """分值 of fixed-point events: one 表扬 of +10 → +10; two 差错或投诉 of −10 each → −20;
        0.5 per 参加学习 × 3 → +1.5; a count-only 无故不参与考核 shows no number."""
        praise = self.record("2024-05-20")
        self.assertEqual(praise.total_points, "+10")
        Event = self.env["perf.event"].with_user(self.head)
        errors = Event.create({"scheme_id": self.nursing.id, "employee_id": self.zhang.id, "date": "2024-05-20",
                               "code": "error_or_complaint", "count": 2, "note": "给药差错"})
        self.assertEqual(errors.total_points, "-20")
        study = Event.create({"scheme_id": self.nursing.id, "employee_id": self.zhang.id, "date": "2024-05-20",
                              "code": "study_session", "count": 3})
        self.assertEqual(study.total_points, "+1.5")
        absent = Event.create({"scheme_id": self.nursing.id, "employee_id": self.zhang.id, "date": "2024-05-20",
                               "code": "unexcused_absence"})
        self.assertFalse(absent.total_points)

    def test_compute_lists_the_events_it_left_out(self):
        """A draft of May and an approved +10 dated in July: neither counts, both are named."""
        self.record("2024-05-20")
        late = self.record("2024-07-01")
        late.with_user(self.director_user).action_approve()
        self.cycle.action_compute()
        drafts, outside = self.cycle._left_out_events()
        self.assertEqual((len(drafts), outside), (1, late))
        body = self.cycle.message_ids[:1].body
        self.assertIn("张三 2024-07-01", body)
        self.assertIn("张三 2024-05-20", body)


@tagged("post_install", "-at_install")
class TestRoleOwners(PerfCase):
    def test_the_roles_to_assign_are_named(self):
        """nursing: 护理部 and 患者 need owners (护士长 is the org chart's); general-quarterly: 考评小组 and
        the two members of 职能部门 (finance, admin), not the pool itself nor the anonymous peers."""
        cycle = self.make_cycle(self.nursing, role_ids=self.role_owners())
        self.assertEqual(cycle._owner_roles(), [("nursing_dept", "护理部"), ("patient", "患者")])
        self.assertEqual(sorted(cycle.role_ids.mapped("role_label")), ["患者", "护理部"])
        general = self.env["perf.scheme"].search([("code", "=", "general-quarterly"), ("is_preset", "=", True)])
        codes = [code for code, _name in self.make_cycle(general, name="2024-Q2", date_from="2024-04-01",
                                                          date_to="2024-06-30")._owner_roles()]
        self.assertEqual(codes, ["admin", "committee", "finance"])


@tagged("post_install", "-at_install")
class TestCycleDates(PerfCase):
    def test_the_end_and_pay_date_follow_the_start(self):
        """general-quarterly from 2024-07-01 ends 2024-09-30 and pays then; nursing (monthly) from
        2024-02-01 ends 2024-02-29 (a leap year)."""
        general = self.env["perf.scheme"].search([("code", "=", "general-quarterly"), ("is_preset", "=", True)])
        form = Form(self.env["perf.cycle"].with_user(self.officer))
        form.name = "2024-Q3"
        form.scheme_id = general
        form.date_from = "2024-07-01"
        self.assertEqual((str(form.date_to), str(form.pay_date)), ("2024-09-30", "2024-09-30"))
        form.scheme_id = self.nursing
        form.date_from = "2024-02-01"
        self.assertEqual(str(form.date_to), "2024-02-29")
