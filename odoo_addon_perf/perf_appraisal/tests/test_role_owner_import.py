from decimal import Decimal

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import NURSES, NURSING_RESULTS, PerfCase

D = Decimal


@tagged("post_install", "-at_install")
class TestRoleOwnerImport(PerfCase):
    """The month as the hospital enters it: the patient-survey clerk and the 护理部 quality officer
    (role owners, who read no appraisal) and each head nurse download their sheet, fill it and
    upload it — the results are the nursing example's, derived by hand in common.NURSING_RESULTS."""

    def fill(self, user, cycle, column, code):
        """The user's sheet: a row per appraisee whose line ``column`` she enters, filled from NURSES."""
        book = self.owner_sheet(user, cycle)
        sheet = book.active
        keys = [cell.value for cell in sheet[2]]
        self.assertIn(column, keys)
        scores = {name: values for name, _w, _t, _p, _b, values, _e in NURSES}
        names = []
        for row in sheet.iter_rows(min_row=3):
            name = row[2].value
            names.append(name)
            if code in scores[name]:
                row[keys.index(column)].value = scores[name][code]
        return book, names

    def test_role_owners_and_head_nurses_enter_the_month_from_their_sheets(self):
        cycle = self.make_cycle(self.nursing, employee_ids=[(6, 0, self.nurses.ids)], role_ids=self.role_owners())
        cycle.with_user(self.officer).action_start()
        every = sorted(self.nurses.mapped("name"))
        # her wizard offers her scores only (events and attributes are HR's): no kind to choose
        arch = self.env["perf.import.wizard"].with_user(self.survey_clerk).get_view(view_type="form")["arch"]
        self.assertNotIn('<field name="kind" widget="radio"', arch)
        # the clerk reads no appraisal, yet her sheet has a row per nurse she rates (all seven)
        book, names = self.fill(self.survey_clerk, cycle, "patient|patient|", "patient")
        self.assertEqual(sorted(names), every)
        self.assertIn("7", self.upload_sheet(self.survey_clerk, cycle, book))
        # 护理部: six scores (孙八's comes from her failing case, which HR enters)
        book, names = self.fill(self.quality_officer, cycle, "nursing_dept|nursing_dept|", "nursing_dept")
        self.assertEqual(sorted(names), every)
        self.assertIn("6", self.upload_sheet(self.quality_officer, cycle, book))
        for ward, user in self.head_users.items():
            book, names = self.fill(user, cycle, "head_nurse|superior|", "head_nurse")
            self.assertEqual(sorted(names), sorted(n for n, w, *_r in NURSES if w == ward))
            self.upload_sheet(user, cycle, book)
        sun = cycle.appraisal_ids.filtered(lambda a: a.employee_id.name == "孙八")
        sun.set_score("nd_failing_cases", 1)
        for nurse, (_n, _w, _t, _p, _b, _s, events) in zip(self.nurses, NURSES):
            for code, count, note in events:
                self.env["perf.event"].create({"scheme_id": self.nursing.id, "employee_id": nurse.id, "code": code,
                                               "count": count, "note": note, "date": "2024-05-15"}).action_approve()
        cycle.with_user(self.officer).action_compute()
        got = {a.subject_name: (D(a.total_exact), a.grade, a.rank, D(str(a.pay_amount)).quantize(D("0.01")))
               for a in cycle.appraisal_ids}
        self.assertEqual(got, NURSING_RESULTS)

    def test_the_clerk_reaches_her_sheet_from_to_rate(self):
        """She reads no cycle form: To Rate ▸ 表格录入 opens the sheet wizard of her cycle; with lines in
        May and June she is asked to pick lines of one; a nurse with no line is told so."""
        may = self.make_cycle(self.nursing, employee_ids=[(6, 0, self.nurses.ids)], role_ids=self.role_owners())
        may.with_user(self.officer).action_start()
        Score = self.env["perf.score"].with_user(self.survey_clerk)
        action = Score.action_open_sheet()
        self.assertEqual((action["res_model"], action["context"]["default_cycle_id"]), ("perf.import.wizard", may.id))
        wizard = self.env["perf.import.wizard"].with_user(self.survey_clerk).with_context(**action["context"]).create({})
        self.assertEqual(wizard.cycle_id, may)
        self.assertTrue(wizard.action_export_template()["url"].startswith("/web/content/"))
        june = self.make_cycle(self.nursing, name="2024-06", date_from="2024-06-01", date_to="2024-06-30",
                               employee_ids=[(6, 0, self.nurses.ids)], role_ids=self.role_owners())
        june.with_user(self.officer).action_start()
        with self.assertRaisesRegex(UserError, "2024-05"):
            Score.action_open_sheet()
        june_lines = Score.search([("cycle_id", "=", june.id)])
        self.assertEqual(june_lines.action_open_sheet()["context"]["default_cycle_id"], june.id)
        with self.assertRaisesRegex(UserError, "no score lines"):
            self.env["perf.score"].with_user(self.nurse_users["李四"]).action_open_sheet()
        # another's lines by id: the record rules refuse them before any cycle is named
        with self.assertRaises(AccessError):
            Score.browse(self.env["perf.score"].search([("rater_role", "=", "superior")], limit=1).ids).action_open_sheet()

    def test_a_role_owner_cannot_enter_a_line_she_does_not_rate(self):
        """The clerk's sheet given a 护理部 column: refused by column, nothing written."""
        cycle = self.make_cycle(self.nursing, employee_ids=[(6, 0, self.nurses.ids)], role_ids=self.role_owners())
        cycle.with_user(self.officer).action_start()
        book, _names = self.fill(self.survey_clerk, cycle, "patient|patient|", "patient")
        sheet = book.active
        sheet.cell(row=2, column=sheet.max_column + 1, value="nursing_dept|nursing_dept|")
        sheet.cell(row=3, column=sheet.max_column, value=99)

        with self.assertRaisesRegex(UserError, "nursing_dept"):
            self.upload_sheet(self.survey_clerk, cycle, book)
        self.assertFalse(cycle.appraisal_ids.score_ids.filtered(lambda s: s.code == "patient" and s.rated))

    def test_someone_who_enters_no_line_gets_no_sheet(self):
        """A nurse (no line of anyone's) asking for the score sheet of the cycle: refused, no row, no
        name; the clerk's rows are only the appraisals whose lines she enters."""

        cycle = self.make_cycle(self.nursing, employee_ids=[(6, 0, self.nurses.ids)], role_ids=self.role_owners())
        cycle.with_user(self.officer).action_start()
        nurse = self.nurse_users["李四"]
        with self.assertRaisesRegex(UserError, "You enter no score lines"):
            self.owner_sheet(nurse, cycle)
        rows = self.env["perf.import.wizard"].with_user(nurse).create({"cycle_id": cycle.id})._rows(
            self.env["perf.score"].with_user(nurse).search([("cycle_id", "=", cycle.id)]))
        self.assertEqual(rows, [])  # she reads no appraisal of the cycle and rates none
