"""The 工作计划表 (general-quarterly, seed 001 篇9): a month's work scored from its plan — five
routine items × 8 points, five stage items × 10, each 完成 (full), 进行中 (half, the scheme's
assumption) or 未开始 (none); 其他工作 + 8 and 合理化建议被采纳 + 10 each.  A self score above 90 is
invalid and replaced by the superior's − 10, which the rater is told while typing."""

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import PerfCase


@tagged("post_install", "-at_install")
class TestWorksheet(PerfCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        scheme = cls.env["perf.scheme"].search([("code", "=", "general-quarterly"), ("is_preset", "=", True)])
        cls.boss_user = new_test_user(cls.env, "ws_boss", groups="base.group_user,perf_appraisal.group_perf_manager")
        boss = cls.env["hr.employee"].create({"name": "主任", "user_id": cls.boss_user.id})
        office = cls.env["hr.department"].create({"name": "综合办", "manager_id": boss.id})
        cls.staff_user = new_test_user(cls.env, "ws_staff", groups="base.group_user")
        cls.colleague_user = new_test_user(cls.env, "ws_colleague", groups="base.group_user")
        staff = cls.env["hr.employee"]
        for user, name in ((cls.staff_user, "职员甲"), (cls.colleague_user, "职员乙")):
            employee = cls.env["hr.employee"].create({"name": name, "user_id": user.id, "department_id": office.id,
                                                      "parent_id": boss.id})
            employee.set_perf_attribute("post_salary_monthly", 4000)
            employee.set_perf_attribute("thirteenth_salary", 4000)
            staff |= employee
        cls.cycle = cls.make_cycle(scheme, name="2024-Q2", date_from="2024-04-01", date_to="2024-06-30",
                                   peer_count=0, employee_ids=[(6, 0, staff.ids)])
        cls.cycle.action_start()
        appraisal = cls.cycle.appraisal_ids.filtered(lambda a: a.user_id == cls.staff_user)
        cls.june_self = appraisal.score_ids.filtered(
            lambda s: s.code == "work" and s.rater_role == "self" and s.subperiod == "2024-06")
        cls.june_superior = appraisal.score_ids.filtered(
            lambda s: s.code == "work" and s.rater_role == "superior" and s.subperiod == "2024-06")

    def open_sheet(self, user, line):
        action = line.with_user(user).action_open_worksheet()
        return self.env["perf.worksheet.wizard"].with_user(user).browse(action["res_id"])

    def test_the_dialog_offers_the_plan_and_its_statuses(self):
        wizard = self.open_sheet(self.staff_user, self.june_self)
        # 5 routine + 5 stage items, not started; the two extras at 0
        self.assertEqual([(line.section_name, line.number, line.points, line.status) for line in wizard.item_ids][:6],
                         [("常规工作", n, 8, "not_started") for n in range(1, 6)] + [("阶段工作", 1, 10, "not_started")])
        self.assertEqual([(line.section_name, line.points, line.count) for line in wizard.extra_ids],
                         [("其他工作", 8, 0), ("合理化建议被采纳", 10, 0)])
        # the labels as the web client reads them: without the dialog's context, in the reader's language
        labels = dict(self.env["perf.worksheet.wizard.line"].fields_get(["status"])["status"]["selection"])
        self.assertEqual(labels, {"completed": "Completed", "in_progress": "In Progress", "not_started": "Not Started"})
        self.assertEqual((wizard.subject_name, wizard.total), ("职员甲", 0))

    def test_a_count_at_the_edge_is_refused_by_name(self):
        """The sheet's numbers (a wizard's) are guarded as every perf number: NaN, ±Infinity, 1e300,
        2**31, 2**63 or text as the count of 其他工作 — a ValidationError naming the field, the
        count unchanged; 2 items count 2 × 8 = 16."""
        wizard = self.open_sheet(self.staff_user, self.june_self)
        other = wizard.extra_ids[0].with_user(self.staff_user)
        for value in (float("nan"), float("inf"), float("-inf"), 1e300, 2**31, 2**63, "abc", True):
            with self.subTest(value=value), self.assertRaisesRegex(ValidationError, "Items"):
                other.write({"count": value})
        for field in ("sequence", "number"):
            with self.subTest(field=field), self.assertRaises(ValidationError):
                wizard.item_ids[0].with_user(self.staff_user).write({field: 2**31})
        self.assertEqual(other.count, 0)
        other.write({"count": 2})
        self.assertEqual(wizard.total, 16)

    def test_a_sheet_over_90_is_flagged_as_the_self_rule_says(self):
        # all ten items done: 5 × 8 + 5 × 10 = 90 (valid); one other work item more: 98 > 90
        wizard = self.open_sheet(self.staff_user, self.june_self)
        with Form(wizard) as form:
            for index in range(10):
                with form.item_ids.edit(index) as row:
                    row.status = "completed"
            self.assertEqual((form.total, form.validity_note), (90, False))
            with form.extra_ids.edit(0) as row:
                row.count = 1
            self.assertEqual(form.total, 98)
            self.assertIn("90", form.validity_note)
            self.assertIn("上级", form.validity_note)

    def test_typing_a_self_score_above_90_warns(self):
        line = self.june_self.with_user(self.staff_user)
        answer = line.onchange({"value_input": "95"}, ["value_input"], {"value_input": {}})
        self.assertIn("95", answer["warning"]["message"])
        self.assertIn("上级", answer["warning"]["message"])  # whose score counts instead: 上级 − 10
        self.assertFalse(line.onchange({"value_input": "90"}, ["value_input"], {"value_input": {}}).get("warning"))
        # a value off the scale is refused as it was typed (250, not the stored 250.0000)
        with self.assertRaises(ValidationError) as info:
            self.june_superior.with_user(self.boss_user).value = 250
        self.assertIn("(got 250)", str(info.exception))
        # the superior's own line has no such rule
        superior = self.june_superior.with_user(self.boss_user)
        self.assertFalse(superior.onchange({"value_input": "99"}, ["value_input"], {"value_input": {}}).get("warning"))

    def test_bad_sheets_are_refused_and_change_nothing(self):
        line = self.june_self.with_user(self.staff_user)
        for bad in ({"routine": ["done"]},                       # not one of the scheme's statuses
                    {"routine": ["completed"] * 6},              # 6 of 5 planned items
                    {"other": -1}, {"other": 2.5},               # not a whole count
                    {"other": float("nan")}, {"other": 2**31},   # not a number; a typo of 2**31
                    {"overtime": 3},                             # not a part of the sheet
                    ["completed"], "79"):                        # not a sheet at all
            with self.subTest(sheet=bad), self.assertRaises(ValidationError):
                line.write({"worksheet": bad})
        self.assertEqual((line.rated, line.value, line.worksheet), (False, 0, False))
        with self.assertRaises(ValidationError):  # items are written with their sheet, not alone
            line.write({"worksheet_items": {"routine": ["x"]}})
        # the items' texts are short plain texts: not 101 of them, not 501 characters, not a number
        sheet = {"routine": ["completed"]}
        for items in ({"routine": ["周报"] * 101}, {"routine": ["长" * 501]}, {"routine": [2**31]}, ["周报"]):
            with self.subTest(items=str(items)[:40]), self.assertRaises(ValidationError):
                line.write({"worksheet": sheet, "worksheet_items": items})
        self.assertEqual((line.rated, line.worksheet), (False, False))

    def test_a_sheet_is_its_raters_and_a_dialog_its_creators(self):
        wizard = self.open_sheet(self.staff_user, self.june_self)
        # the colleague and the superior do not open her self line's sheet, nor make a dialog for it
        for user in (self.colleague_user, self.boss_user):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.june_self.with_user(user).action_open_worksheet()
                with self.assertRaises(AccessError):
                    self.env["perf.worksheet.wizard"].with_user(user).create({"score_id": self.june_self.id})
                # nor read, change or apply the one she has open
                with self.assertRaises(AccessError):
                    wizard.with_user(user).read(["total"])
                with self.assertRaises(AccessError):
                    wizard.item_ids[:1].with_user(user).write({"status": "completed"})
                with self.assertRaises(AccessError):
                    wizard.with_user(user).action_apply()
        # HR reads no one's dialog either
        with self.assertRaises(AccessError):
            wizard.with_user(self.officer).read(["total"])
        self.assertFalse(self.june_self.rated)

    def test_another_companys_hr_reaches_no_sheet(self):
        """HR of a branch (分院, its own company only) with the line's and the dialog's ids: no sheet is
        opened, made, read or applied, and the line keeps no value."""
        branch = self.env["res.company"].create({"name": "分院"})
        branch_hr = new_test_user(self.env, "ws_branch_hr", company_id=branch.id, company_ids=[(6, 0, branch.ids)],
                                  groups="base.group_user,perf_appraisal.group_perf_officer")
        wizard = self.open_sheet(self.staff_user, self.june_self)
        with self.assertRaises(AccessError):
            self.june_self.with_user(branch_hr).action_open_worksheet()
        with self.assertRaises(AccessError):
            self.env["perf.worksheet.wizard"].with_user(branch_hr).create({"score_id": self.june_self.id})
        with self.assertRaises(AccessError):
            wizard.with_user(branch_hr).read(["total"])
        with self.assertRaises(AccessError):
            wizard.with_user(branch_hr).action_apply()
        with self.assertRaises(AccessError):
            self.june_self.with_user(branch_hr).write({"worksheet": {"routine": ["completed"] * 5}})
        self.assertFalse(self.june_self.rated)

    def test_a_number_replaces_the_sheet(self):
        line = self.june_self.with_user(self.staff_user)
        line.write({"worksheet": {"routine": ["completed"] * 5, "suggestion_adopted": 1},
                    "worksheet_items": {"routine": ["周报"] * 5}})
        self.assertEqual((line.value, line.rated), (50, True))  # 5 × 8 + 1 × 10
        line.value_input = "70"
        self.assertEqual((line.value, line.worksheet, line.worksheet_items), (70, False, False))
