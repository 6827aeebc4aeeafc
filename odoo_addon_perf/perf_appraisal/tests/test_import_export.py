import base64
import csv
import io
from decimal import Decimal

import openpyxl
import perfcore

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PerfCase

SIZE = 1000
COLUMNS = ("head_nurse|superior|", "nursing_dept|nursing_dept|", "patient|patient|")
ITEMS = ("hn_completion", "hn_ability", "hn_efficiency", "hn_quality", "hn_discipline", "hn_attitude", "hn_attendance",
         "hn_teamwork", "hn_incidents", "hn_service")


def score(index, column):
    """The value the test enters: 60 … 100, different per nurse and column."""
    return 60 + (index * 7 + column * 13) % 41


@tagged("post_install", "-at_install")
class TestImportExport(PerfCase):
    """A 1,000-nurse cycle whose head-nurse, nursing-department and patient lines HR enters from a sheet."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # wards without a head nurse: every line of these nurses is HR's to enter
        cls.big_wards = cls.env["hr.department"].create([{"name": f"病区{w:02d}"} for w in range(10)])
        cls.big = cls.env["hr.employee"].create([
            {"name": f"护士{i:04d}", "department_id": cls.big_wards[i % 10].id} for i in range(SIZE)])
        cls.big.set_perf_attribute("title", "nurse")
        cls.big.set_perf_attribute("post", "ward_day")
        cls.big.set_perf_attribute("bonus_base", 1000)
        cls.cycle = cls.make_cycle(cls.nursing, employee_ids=[(6, 0, cls.big.ids)])
        cls.cycle.with_user(cls.officer).action_start()
        cls.index = {nurse.id: i for i, nurse in enumerate(cls.big)}

    def wizard(self, **values):
        return self.env["perf.import.wizard"].with_user(self.officer).create({"cycle_id": self.cycle.id, **values})

    def template(self, kind="scores", file_format="xlsx"):
        """The sheet HR downloads, as bytes."""
        wizard = self.wizard(kind=kind, file_format=file_format)
        action = wizard.action_export_template()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        return attachment.raw

    def upload(self, content, filename="inputs.xlsx", **values):
        wizard = self.wizard(data=base64.b64encode(content), filename=filename, **values)
        wizard.action_import()
        return wizard

    def filled(self, bad=()):
        """The template with the three columns filled for every nurse (and ``bad`` cells spoiled)."""
        book = openpyxl.load_workbook(io.BytesIO(self.template()))
        sheet = book.active
        keys = [cell.value for cell in sheet[2]]
        positions = [keys.index(column) + 1 for column in COLUMNS]
        for row in sheet.iter_rows(min_row=3):
            index = self.index[int(row[0].value[1:])]
            for column, position in enumerate(positions):
                row[position - 1].value = score(index, column)
        for row, column, value in bad:
            sheet.cell(row=row, column=positions[column], value=value)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def test_template_lists_every_appraisee_and_line_with_scales(self):
        """One row per nurse (key, badge, name), one column per line HR enters, the scale in the header."""
        book = openpyxl.load_workbook(io.BytesIO(self.template()), read_only=True)
        rows = list(book.active.iter_rows(values_only=True))
        self.assertEqual(len(rows), 2 + SIZE)
        header, keys = rows[0], rows[1]
        self.assertEqual(keys[:3], ("key", "badge", "name"))
        for column in COLUMNS:
            self.assertIn(column, keys)
        self.assertIn("患者满意度 · 患者 [0–100]", header)  # the role by its name, not its code
        self.assertIn("工作完成情况 · 护士长 [0–10]", header)  # the checklist items are columns too
        self.assertEqual({row[2] for row in rows[2:]}, set(self.big.mapped("name")))

    def test_round_trip_equals_perfcore_on_the_same_values(self):
        """Filled offline and imported, the 3,000 values give the results perfcore gives for them."""
        wizard = self.upload(self.filled())
        self.assertIn(f"{SIZE * 3}", wizard.result)
        self.cycle.with_user(self.officer).action_compute()
        data = {"period": "2024-05", "subjects": [
            {"id": f"E{nurse.id}", "group": nurse.department_id.name,  # the addon's ids: ties rank by them
             "attributes": {"title": "nurse", "post": "ward_day", "bonus_base": 1000},
             "scores": {"head_nurse": score(i, 0), "nursing_dept": score(i, 1), "patient": score(i, 2)}}
            for i, nurse in enumerate(self.big)]}
        expected = {r.id: r for r in perfcore.evaluate(self.nursing._perfcore_scheme(), data).results}
        for appraisal in self.cycle.appraisal_ids:
            result = expected[f"E{appraisal.employee_id.id}"]
            self.assertEqual((appraisal.total_exact, appraisal.grade, appraisal.rank),
                             (perfcore.decimals.fmt(result.total_exact), result.grade, result.rank))
            self.assertEqual(Decimal(str(appraisal.pay_amount)).quantize(Decimal("0.01")), result.pay.amount)

    def checklist(self, items):
        """The filled template with row 3's 护士长 score replaced by its ten checklist items."""
        book = openpyxl.load_workbook(io.BytesIO(self.filled()))
        sheet = book.active
        keys = [cell.value for cell in sheet[2]]
        sheet.cell(row=3, column=keys.index("head_nurse|superior|") + 1).value = None  # (cell(value=None) keeps it)
        for code, value in zip(ITEMS, items):
            sheet.cell(row=3, column=keys.index(f"{code}|superior|") + 1, value=value)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue(), self.cycle.appraisal_ids.filtered(
            lambda a: a.employee_id.id == int(sheet.cell(row=3, column=1).value[1:]))

    def test_checklist_columns_open_the_checklist_of_that_row_only(self):
        """The checklist items are columns before anyone opened them; values in a row open that nurse's
        checklist on import, and her 护士长 score is their sum: 9+8+9+9+10+9+10+9+8+9 = 90."""
        content, appraisal = self.checklist([9, 8, 9, 9, 10, 9, 10, 9, 8, 9])
        self.upload(content)
        items = self.cycle.appraisal_ids.score_ids.filtered(lambda s: s.code.startswith("hn_"))
        self.assertEqual((len(items), items.appraisal_id), (10, appraisal), "opened for her only")
        self.assertTrue(all(items.mapped("rated")))
        self.cycle.with_user(self.officer).action_compute()
        i = self.index[appraisal.employee_id.id]
        # 90 × 30% + 护理部 × 30% + 患者 × 40%
        expected = Decimal(90) * Decimal("0.3") + Decimal(score(i, 1)) * Decimal("0.3") + Decimal(score(i, 2)) * Decimal("0.4")
        self.assertEqual(Decimal(appraisal.total_exact), expected)
        self.assertIn("hn_completion", appraisal.result_json)

    def test_a_bad_checklist_cell_opens_nothing(self):
        """An item above its 0–10 scale: nothing written and no checklist opened (all or nothing)."""
        content, _appraisal = self.checklist([9, 8, 9, 9, 11, 9, 10, 9, 8, 9])
        with self.assertRaises(UserError) as info:
            self.upload(content)
        self.assertIn("out of its scale 0..10", str(info.exception))
        self.assertFalse(self.cycle.appraisal_ids.score_ids.filtered(lambda s: s.code.startswith("hn_") or s.rated))

    def test_three_bad_cells_write_nothing_and_are_all_reported(self):
        """A value above the scale, a text and a negative score: nothing written, the three cells named."""
        content = self.filled(bad=[(3, 0, 250), (10, 1, "很好"), (500, 2, -5)])
        with self.assertRaises(UserError) as info:
            self.upload(content)
        message = str(info.exception)
        self.assertIn("3 problem(s)", message)
        for cell in ("row 3,", "row 10,", "row 500,"):
            self.assertIn(cell, message)
        self.assertIn("out of its scale 0..100", message)
        self.assertFalse(self.cycle.appraisal_ids.score_ids.filtered("rated"))

    def test_reupload_replaces_values_and_logs_them(self):
        """A second upload with one cell changed replaces that value; the change is in the log."""
        self.upload(self.filled())
        book = openpyxl.load_workbook(io.BytesIO(self.template()))
        sheet = book.active
        keys = [cell.value for cell in sheet[2]]
        column = keys.index("patient|patient|") + 1
        key = sheet.cell(row=3, column=1).value
        old = sheet.cell(row=3, column=column).value
        sheet.cell(row=3, column=column, value=99)
        buffer = io.BytesIO()
        book.save(buffer)
        self.upload(buffer.getvalue())
        appraisal = self.cycle.appraisal_ids.filtered(lambda a: a.employee_id.id == int(key[1:]))
        line = appraisal.score_ids.filtered(lambda s: s.code == "patient")
        self.assertEqual(line.value, 99)
        log = self.env["perf.score.log"].search([("score_id", "=", line.id)], order="id desc", limit=1)
        self.assertEqual((log.old_value, log.new_value, log.user_id), (old, 99, self.officer))

    def test_csv_works_the_same(self):
        """The same sheet as CSV: a value out of scale is refused naming its cell, a good one imported."""
        rows = list(csv.reader(io.StringIO(self.template(file_format="csv").decode("utf-8-sig"))))
        keys = rows[1]
        column = keys.index("patient|patient|")
        rows[2][column] = "101"
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows[:3])
        with self.assertRaisesRegex(UserError, "row 3, "):
            self.upload(buffer.getvalue().encode(), filename="inputs.csv")
        rows[2][column] = "88"
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows[:3])
        self.upload(buffer.getvalue().encode(), filename="inputs.csv")
        self.assertEqual(sorted(self.cycle.appraisal_ids.score_ids.filtered("rated").mapped("value")), [88])

    def test_events_and_attributes_sheets(self):
        """The 加减分 ledger and the attributes (labels accepted: 护师) import all or nothing too."""
        first, second = self.big[:2]
        ledger = [list(EVENT_HEADER), ["key", "date", "code", "count", "points", "note"],
                  [f"E{first.id}", "2024-05-10", "praise", 1, None, "抢救及时"],
                  [f"E{second.id}", "2024-05-11", "exam_fail", 1, None, None]]
        bad = ledger + [[f"E{second.id}", "2024-07-01", "praise", 1, None, None]]
        with self.assertRaisesRegex(UserError, "row 5"):
            self.upload(_xlsx(bad), kind="events")
        self.upload(_xlsx(ledger), kind="events")
        events = self.env["perf.event"].search([("employee_id", "in", (first | second).ids)])
        self.assertEqual(sorted(events.mapped("code")), ["exam_fail", "praise"])
        self.assertEqual(set(events.mapped("state")), {"draft"})
        with self.assertRaisesRegex(AccessError, "You recorded"):  # the recorder does not approve
            events.with_user(self.officer).action_approve()
        events.with_user(self.perf_admin).action_approve()
        self.assertEqual(set(events.mapped("state")), {"approved"})
        sheet = [["Key", "Badge", "Name", "职称"], ["key", "badge", "name", "title"],
                 [f"E{first.id}", "", first.name, "护师"], [f"E{second.id}", "", second.name, "主任"]]
        with self.assertRaisesRegex(UserError, "not one of"):
            self.upload(_xlsx(sheet), kind="attributes")
        sheet[3][3] = "见习"
        self.upload(_xlsx(sheet), kind="attributes")
        values = (first | second)._perf_attribute_values()
        self.assertEqual((values[first.id]["title"], values[second.id]["title"]), ("senior_nurse", "trainee"))


EVENT_HEADER = ("Key", "Date", "Code", "Count", "Points", "Note")


def _xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
