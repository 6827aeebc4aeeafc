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
