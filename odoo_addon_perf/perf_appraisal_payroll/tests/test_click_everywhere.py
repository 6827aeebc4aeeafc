from odoo.tests import HttpCase, new_test_user, tagged

from .test_perf_payroll import PayrollFixture

CLICKBOT = "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader').startClickEverywhere('%s');"


@tagged("post_install", "-at_install")
class TestClickEverywherePayroll(PayrollFixture, HttpCase):
    """Odoo's click-everywhere bot on the Payroll app with this bridge's views (the payslip's
    performance pay, the results it paid), as a payroll officer, on a month paid to NET."""

    allow_end_on_form = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.payroll_officer = new_test_user(cls.env, "payroll_officer",
                                            groups="base.group_user,payroll.group_payroll_manager")
        cls.publish(cls.cycle)
        payslip = cls.env["hr.payslip"].create({"employee_id": cls.nurses[0].id, "date_from": "2024-05-01",
                                                "date_to": "2024-05-31"})
        payslip.onchange_employee()
        payslip.compute_sheet()
        payslip.action_payslip_done()

    def test_as_payroll_officer(self):
        self.browser_js("/web", CLICKBOT % "payroll.payroll_menu_root", "odoo.isReady === true",
                        login="payroll_officer", timeout=1200, success_signal="clickbot test succeeded")

    def test_perf_app_as_payroll_officer(self):
        self.browser_js("/web", CLICKBOT % "perf_appraisal.perf_menu_root", "odoo.isReady === true",
                        login="payroll_officer", timeout=1200, success_signal="clickbot test succeeded")
