"""The cycle's transitions table (cycle_terms.TRANSITIONS) drives its steps' checks and buttons."""

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.perf_appraisal.models.cycle_terms import CYCLE_STATES, TRANSITIONS
from odoo.addons.perf_appraisal.models.perf_workflow_mixin import workflow

from .common import PerfFixture


@tagged("post_install", "-at_install")
class TestCycleTransitions(PerfFixture, TransactionCase):

    def test_the_flags_are_the_table(self):
        """In each state, a step may be pressed exactly when the table starts it there, and no step
        while one runs in the background."""
        cycle = self.make_cycle(self.nursing, name="2024-05", employee_ids=[(6, 0, self.nurses.ids)])
        for state, _label in CYCLE_STATES:
            with workflow():
                cycle.write({"state": state, "step_running": False})
            self.assertEqual({step for step in TRANSITIONS if cycle[f"can_{step}"]},
                             {step for step, (sources, _to) in TRANSITIONS.items() if state in sources}, state)
            with workflow():
                cycle.write({"step_running": "compute"})
            self.assertFalse([step for step in TRANSITIONS if cycle[f"can_{step}"]], state)

    def test_a_step_out_of_its_states_is_refused(self):
        """A draft cycle cannot be sent for approval, published or closed (each named), nor
        calibrated; a step refused leaves the state as it was."""
        cycle = self.make_cycle(self.nursing, name="2024-05", employee_ids=[(6, 0, self.nurses.ids)]
                                ).with_user(self.officer)
        for action in ("action_to_approval", "action_publish", "action_close", "action_calibrate",
                       "action_compute", "action_open_rating", "action_reset_draft"):
            with self.subTest(action=action), self.assertRaises(UserError):
                getattr(cycle, action)()
            self.assertEqual(cycle.state, "draft")
        cycle.action_start()
        self.assertEqual((cycle.state, cycle.can_start, cycle.can_open_rating), ("running", False, True))
        cycle.action_open_rating()
        self.assertEqual((cycle.state, cycle.can_open_rating, cycle.can_calibrate), ("rating", False, True))
