from odoo.tests import HttpCase, tagged

from .common import PerfFixture

CLICKBOT = ("odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
            ".startClickEverywhere('perf_appraisal.perf_menu_root');")


@tagged("post_install", "-at_install")
class TestClickEverywhere(PerfFixture, HttpCase):
    """Odoo's click-everywhere bot on the 绩效 app, as each of its groups, on a populated database (a
    published May with pay results, a June in calibration): every menu, every view type of each action
    with its default grouping, filters and ordering — no client error, no server traceback."""

    allow_end_on_form = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.publish(cls.nursing_cycle())
        june = cls.make_cycle(cls.nursing, name="2024-06", date_from="2024-06-01", date_to="2024-06-30",
                              employee_ids=[(6, 0, cls.nurses.ids)], role_ids=cls.role_owners())
        june.action_start()
        cls.enter_example_scores(june)
        june.action_compute()
        june.action_calibrate()

    def click_everywhere(self, login):
        self.browser_js("/web", CLICKBOT, "odoo.isReady === true", login=login, timeout=1200,
                        success_signal="clickbot test succeeded")

    def test_as_nurse(self):
        self.click_everywhere("nurse0")

    def test_as_head_nurse(self):
        self.click_everywhere("head_ward-3")

    def test_as_role_owner(self):
        self.click_everywhere("survey_clerk")

    def test_as_officer(self):
        self.click_everywhere("perf_officer")

    def test_as_perf_admin(self):
        self.click_everywhere("perf_admin")
