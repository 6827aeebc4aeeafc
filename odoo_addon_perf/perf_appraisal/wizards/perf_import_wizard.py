import base64
import binascii
import csv
import io
import re

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from perfcore.decimals import fmt

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.spreadsheet_cells import append_row, csv_cell, csv_value
from ..models.wages import CONFIDENTIAL_ATTRIBUTES, CONTRACT_READERS

# The first three columns of a score or attribute sheet; the inputs follow.
KEY, BADGE, NAME = "key", "badge", "name"
EVENT_COLUMNS = ("key", "date", "code", "count", "points", "note")
MAX_ROWS = 100000  # filled rows of one sheet
MAX_COLUMNS = 2000  # far beyond a scheme's lines and items
MAX_CELLS = 20_000_000  # what an XLSX may declare (rows × columns), read or not
MAX_PROBLEMS = 500


class PerfImportWizard(models.TransientModel):
    """Enter a cycle's inputs offline: download a sheet (XLSX or CSV) with one row per appraisee and
    one column per input line the user enters, fill it, upload it.  All or nothing: one bad cell and
    nothing is written, every problem listed by row, column, value and reason.  The same for the
    加减分 ledger and for attributes."""

    _name = "perf.import.wizard"
    _description = "Import and Export of Cycle Inputs"

    cycle_id = fields.Many2one("perf.cycle", required=True, ondelete="cascade")
    kind = fields.Selection([("scores", "Scores"), ("events", "Events (加减分)"), ("attributes", "Attributes")],
                            required=True, default="scores")
    file_format = fields.Selection([("xlsx", "Excel (XLSX)"), ("csv", "CSV")], required=True, default="xlsx")
    data = fields.Binary(string="File", attachment=False)
    filename = fields.Char()
    result = fields.Text(readonly=True)

    # -- the columns -------------------------------------------------------------------------------------
    def _score_columns(self):
        """[(key, label, lines by appraisal id)] of the lines the current user enters in this cycle."""
        lines = self.env["perf.score"].search([("cycle_id", "=", self.cycle_id.id)])
        writable = lines._writable_by(self.env.user)
        columns = {}
        for line in writable.sorted(lambda s: (s.sequence, s.code, s.rater_role or "", s.id)):
            key = "|".join([line.code, line.rater_role or "", line.subperiod or ""])
            if key not in columns:
                label = line._line_label()
                scale = line.scale_text
                columns[key] = [f"{label} [{scale}]" if scale else label, {}]
            columns[key][1].setdefault(line.appraisal_id.id, line)
        # checklists not opened yet: a column per item, standing on the indicator's line (a value
        # in it opens the checklist on import)
        scheme = self.cycle_id.scheme_id._perfcore_scheme()
        for line in writable.sorted(lambda s: (s.sequence, s.code, s.rater_role or "", s.id)):
            for item in line._missing_items(scheme):
                key = "|".join([item.code, line.rater_role or "", line.subperiod or ""])
                if key not in columns:
                    label = line._line_label(item.name or item.code)
                    low, high = item.resolved_scale
                    columns[key] = [f"{label} [{fmt(low)}–{fmt(high)}]", {}]
                columns[key][1].setdefault(line.appraisal_id.id, line)
        return [(key, label, by_appraisal) for key, (label, by_appraisal) in columns.items()]

    def _attribute_columns(self):
        """The scheme's attributes; its wages only for users who may read contracts."""
        scheme = self.cycle_id.scheme_id
        wages = self.env.user.has_group(CONTRACT_READERS)
        return [(a.code, f"{a.name or a.code} ({a.code})" + (f" [{', '.join(v.label for v in a.value_ids)}]"
                                                            if a.value_ids else ""))
                for a in scheme.attribute_ids if wages or a.code not in CONFIDENTIAL_ATTRIBUTES]

    def _rows(self, rated=None):
        """(key, badge, name, appraisal) of the cycle's appraisals the user may read, and of those
        whose lines ``rated`` (perf.score) the user enters: a role owner (the patient-survey clerk,
        护理部) reads no appraisal but enters a line of each — her sheet has their rows, by key and name."""
        appraisals = self.env["perf.appraisal"].search([("cycle_id", "=", self.cycle_id.id)])
        if rated:
            appraisals |= rated.sudo().appraisal_id.with_env(self.env)
        shown = appraisals.sudo().sorted(lambda a: (a.subject_name or "", a.id))  # key and name only
        badges = {}
        if self.env.user.has_group("hr.group_hr_user"):
            badges = {e.id: e.barcode for e in appraisals.employee_id}
        return [(_key(a), badges.get(a.employee_id.id) or "", a.subject_name or "", a.with_env(self.env)) for a in shown]

    # -- export --------------------------------------------------------------------------------------------
    def action_export_template(self):
        """A sheet to fill: current values included, so that a re-upload changes only what was edited."""
        self.ensure_one()
        self.cycle_id.check_access("read")
        if self.kind == "scores":
            columns = self._score_columns()
            if not columns:
                raise UserError(self.env._("You enter no score lines in %s.", self.cycle_id.name))
            header = [self.env._("Key"), self.env._("Badge ID"), self.env._("Name")] + [c[1] for c in columns]
            keys = [KEY, BADGE, NAME] + [c[0] for c in columns]
            body = []
            rated = self.env["perf.score"].union(*(line for _k, _l, by_appraisal in columns for line in by_appraisal.values()))
            for key, badge, name, appraisal in self._rows(rated):
                cells = [_shown(by_appraisal.get(appraisal.id), key.split("|")[0]) for key, _l, by_appraisal in columns]
                if any(by_appraisal.get(appraisal.id) for _k, _l, by_appraisal in columns):
                    body.append([key, badge, name] + cells)
        elif self.kind == "attributes":
            self.env["perf.attribute"].check_access("write")
            columns = self._attribute_columns()
            header = [self.env._("Key"), self.env._("Badge ID"), self.env._("Name")] + [c[1] for c in columns]
            keys = [KEY, BADGE, NAME] + [c[0] for c in columns]
            subjects = self.cycle_id._subjects()
            values = subjects._perf_attribute_values()
            body = [[self.cycle_id._subject_key(s), getattr(s, "barcode", "") or "", s.name]
                    + [values.get(s.id, {}).get(code, "") for code, _label in columns] for s in subjects]
        else:
            header = [self.env._("Key (E + employee id)"), self.env._("Date"), self.env._("Event Code"),
                      self.env._("Count"), self.env._("Points"), self.env._("Note")]
            keys = list(EVENT_COLUMNS)
            scheme = self.cycle_id.scheme_id._perfcore_scheme()
            body = [["", "", event.code, 1, "", event.name] for event in scheme.events]
        content, mimetype, extension = self._write(header, keys, body)
        attachment = self.env["ir.attachment"].create({
            "name": f"{self.cycle_id.name} {self._kind_label()}.{extension}", "raw": content, "mimetype": mimetype,
            "res_model": self._name, "res_id": self.id})
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    def _kind_label(self):
        return dict(self._fields["kind"]._description_selection(self.env)).get(self.kind, self.kind)

    def _write(self, header, keys, body):
        if self.file_format == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in [header, keys] + body:
                writer.writerow([csv_cell(cell) for cell in row])
            return buffer.getvalue().encode("utf-8-sig"), "text/csv", "csv"
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = self._kind_label()[:31]
        for row in [header, keys] + body:
            append_row(sheet, row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in sheet[2]:
            cell.font = Font(color="888888", size=8)
            cell.fill = PatternFill("solid", fgColor="EEEEEE")
        for index in range(1, len(header) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 14 if index > 3 else 12
        sheet.freeze_panes = "D3" if self.kind != "events" else "A3"
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"

    # -- import --------------------------------------------------------------------------------------------
    def _read(self):
        """(keys of row 2, [(row number, cells)]) of the uploaded file: read as a stream, its filled
        rows only, within MAX_ROWS rows and MAX_COLUMNS columns (a 4 KB XLSX may declare millions
        of cells, a CSV be a million empty lines)."""
        if not self.data:
            raise UserError(self.env._("Choose the file to import."))
        try:
            raw = base64.b64decode(self.data, validate=True)
        except (binascii.Error, ValueError):
            raise UserError(self.env._("The uploaded file could not be read; choose it again.")) from None
        if len(raw) > 64 * 1024 * 1024:
            raise UserError(self.env._("The file is larger than 64 MiB."))
        name = (self.filename or "").lower()
        if name.endswith(".csv") or (not name.endswith(".xlsx") and not raw.startswith(b"PK")):
            lines = _csv_rows(self.env, raw)
        else:
            lines = _xlsx_rows(self.env, raw)
        rows = []
        for number, row in lines:
            if len(row) > MAX_COLUMNS:
                raise UserError(self.env._("Row %(row)s has %(count)s columns; a sheet has at most %(max)s columns.",
                                           row=number, count=len(row), max=MAX_COLUMNS))
            end = len(row)
            while end and row[end - 1] in (None, ""):  # trailing empty cells (an XLSX pads to its width)
                end -= 1
            row = row[:end]
            if row or number == 2:
                rows.append((number, row))
            if len(rows) > MAX_ROWS + 2:
                raise UserError(self.env._("At most %s rows are imported at once.", MAX_ROWS))
        keys_row = next((row for number, row in rows if number == 2), None)
        if not keys_row:
            raise UserError(self.env._("The file has no key row (row 2): download the template and fill it."))
        keys = [str(k).strip() if k is not None else "" for k in keys_row]
        return keys, [(number, row) for number, row in rows if number > 2]

    def action_import(self):
        self.ensure_one()
        keys, rows = self._read()
        handler = {"scores": self._import_scores, "events": self._import_events,
                   "attributes": self._import_attributes}[self.kind]
        problems = []
        written = handler(keys, rows, problems)
        if problems:
            shown = "\n".join(problems[:MAX_PROBLEMS])
            more = len(problems) - MAX_PROBLEMS
            raise UserError(self.env._("Nothing was imported: %(n)s problem(s).\n%(problems)s", n=len(problems),
                                       problems=shown + (f"\n… {more} more" if more > 0 else "")))
        self.result = self.env._("%s values imported.", written)
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "target": "new"}

    def _problem(self, problems, row, column, header, value, reason):
        where = f"{get_column_letter(column + 1)}{row}" if column is not None else str(row)
        problems.append(self.env._("row %(row)s, %(cell)s (%(column)s): %(value)s — %(reason)s", row=row, cell=where,
                                   column=header, value=repr(value) if value not in (None, "") else "-",
                                   reason=reason))

    def _import_scores(self, keys, rows, problems):
        columns = {key: by_appraisal for key, _label, by_appraisal in self._score_columns()}
        rated = self.env["perf.score"].union(*(line for by_appraisal in columns.values() for line in by_appraisal.values()))
        sheet_rows = self._rows(rated)
        appraisals = {key: appraisal for key, _badge, _name, appraisal in sheet_rows}
        names = {appraisal.id: name for _key, _badge, name, appraisal in sheet_rows}
        for index, key in enumerate(keys[3:], 3):
            if key and key not in columns:
                self._problem(problems, 2, index, key, key, self.env._("not a column you enter in this cycle"))
        values = {}  # perf.score → (row, column, key, cell)
        unopened = {}  # indicator line → {item code: (row, column, key, cell)}
        for number, row in rows:
            subject = str(row[0]).strip() if row and row[0] is not None else ""
            appraisal = appraisals.get(subject)
            if appraisal is None:
                self._problem(problems, number, 0, "Key", subject, self.env._("no appraisal of this cycle has this key"))
                continue
            for index, key in enumerate(keys[3:], 3):
                cell = row[index] if index < len(row) else None
                if key not in columns or cell in (None, ""):
                    continue  # an empty cell changes nothing
                line = columns[key].get(appraisal.id)
                if line is None:
                    self._problem(problems, number, index, key, cell, self.env._("you do not enter this line for %s",
                                                                              names[appraisal.id]))
                    continue
                if line.code != key.split("|")[0]:  # an item of a checklist not opened yet
                    unopened.setdefault(line, {})[key.split("|")[0]] = (number, index, key, cell)
                    continue
                values[line] = (number, index, key, cell)
        if unopened:  # opened now; a problem below rolls them back with the rest (all or nothing)
            indicators = self.env["perf.score"].browse([line.id for line in unopened])
            indicators.action_rate_by_items()
            for line, cells in unopened.items():
                for item in line._opened_items().filtered(lambda s, c=cells: s.code in c):
                    values[item] = cells[item.code]
        lines = self.env["perf.score"].browse([line.id for line in values])
        checked = lines._check_import({line: v[3] for line, v in values.items()})
        for line, reason in checked.items():
            number, index, key, cell = values[line]
            self._problem(problems, number, index, key, cell, reason)
        if problems:
            return 0
        return lines._import_values({line: values[line][3] for line in values})

    def _import_events(self, keys, rows, problems):
        if keys[:len(EVENT_COLUMNS)] != list(EVENT_COLUMNS):
            self._problem(problems, 2, None, "keys", ",".join(keys), self.env._("row 2 must be %s", ", ".join(EVENT_COLUMNS)))
            return 0
        cycle = self.cycle_id
        scheme = cycle.scheme_id
        field = "department_id" if scheme.subject_kind == "unit" else "employee_id"
        subjects = {cycle._subject_key(s): s for s in cycle._subjects()}
        vals_list = []
        for number, row in rows:
            row = list(row) + [None] * (len(EVENT_COLUMNS) - len(row))
            key, day, code, count, points, note = row[:6]
            subject = subjects.get(str(key).strip() if key else "")
            if subject is None:
                self._problem(problems, number, 0, "key", key, self.env._("nobody of this cycle has this key"))
                continue
            try:
                date = fields.Date.to_date(day if not hasattr(day, "date") else day.date())
            except (TypeError, ValueError):
                date = None
            if not date or not cycle.date_from <= date <= cycle.date_to:
                self._problem(problems, number, 1, "date", day, self.env._("a date within %(start)s – %(end)s",
                                                                        start=cycle.date_from, end=cycle.date_to))
                continue
            vals = {"scheme_id": scheme.id, field: subject.id, "date": date, "code": str(code or "").strip(),
                    "note": str(note).strip() if note not in (None, "") else False}
            for name, value, column in (("count", count, 3), ("points", points, 4)):
                if value in (None, ""):
                    continue
                try:
                    vals[name] = int(value) if name == "count" else float(value)
                except (TypeError, ValueError, OverflowError):  # "abc", "nan", inf
                    self._problem(problems, number, column, name, value, self.env._("not a number"))
            problem = self.env["perf.event"]._check_entry(vals)
            if problem:
                self._problem(problems, number, 2, "code", code, problem)
                continue
            vals_list.append(vals)
        if problems:
            return 0
        # drafts: another manager of the subject, or HR, approves them (recording and approving are two people)
        return len(self.env["perf.event"].create(vals_list))

    def _import_attributes(self, keys, rows, problems):
        cycle = self.cycle_id
        self.env["perf.attribute"].check_access("write")
        definitions = {a.code: a for a in cycle.scheme_id.attribute_ids}
        wages = self.env.user.has_group(CONTRACT_READERS)
        for index, key in enumerate(keys[3:], 3):
            if key and key not in definitions:
                self._problem(problems, 2, index, key, key, self.env._("not an attribute of scheme %s",
                                                                     cycle.scheme_id.name))
            elif key in CONFIDENTIAL_ATTRIBUTES and not wages:
                self._problem(problems, 2, index, key, key, self.env._("a wage: it comes from the contract"))
        subjects = {cycle._subject_key(s): s for s in cycle._subjects()}
        changes = []
        for number, row in rows:
            subject = subjects.get(str(row[0]).strip() if row and row[0] is not None else "")
            if subject is None:
                self._problem(problems, number, 0, "key", row[0] if row else None,
                              self.env._("nobody of this cycle has this key"))
                continue
            for index, code in enumerate(keys[3:], 3):
                cell = row[index] if index < len(row) else None
                if code not in definitions or cell in (None, ""):
                    continue
                definition = definitions[code]
                text = _attribute_text(definition, cell)
                problem = definition._check_value_text(text)
                if problem:
                    self._problem(problems, number, index, code, cell, problem)
                    continue
                changes.append((subject, code, text))
        if problems:
            return 0
        for subject, code, text in changes:
            subject.set_perf_attribute(code, text)
        return len(changes)


def _key(appraisal):
    return ("D%d" % appraisal.department_id.id) if not appraisal.employee_id else ("E%d" % appraisal.employee_id.id)


def _shown(line, code):
    if not line or not line.rated or line.code != code:  # (an item not opened yet: its indicator's line)
        return None
    return line.value_list if line.is_list else line.value


def _attribute_text(definition, cell):
    """A cell as attribute text: a value's label (护师) is its code (senior_nurse); yes/no as true/false."""
    text = str(cell).strip() if not isinstance(cell, bool) else ("true" if cell else "false")
    if isinstance(cell, float) and cell.is_integer():
        text = str(int(cell))
    by_label = {v.label: v.code for v in definition.value_ids}
    if text in by_label:
        return by_label[text]
    if definition.type == "bool":
        lowered = text.lower()
        if lowered in ("是", "yes", "y", "1", "true"):
            return "true"
        if lowered in ("否", "no", "n", "0", "false"):
            return "false"
    return re.sub(r"\s*[,，;；]\s*", ",", text) if definition.type == "list" else text


def _csv_rows(env, raw):
    """(row number, cells) of a CSV file, one at a time; a cell's export quote (') taken off."""
    lines = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline="")  # decoded as read
    try:
        for number, row in enumerate(csv.reader(lines), 1):
            yield number, [csv_value(cell) for cell in row] if len(row) <= MAX_COLUMNS else row
    except UnicodeDecodeError:
        raise UserError(env._("The CSV file is not UTF-8 text.")) from None
    except csv.Error as exc:
        raise UserError(env._("The CSV file cannot be read: %s", exc)) from None


def _xlsx_rows(env, raw):
    """(row number, cells) of the first worksheet of an XLSX file (the active one unless it is a
    chart), one at a time, refused whole if it declares more than a sheet of this product holds."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a bad file
        raise UserError(env._("The file is not an Excel (XLSX) workbook: %s", exc)) from None
    sheet = book.active if hasattr(book.active, "iter_rows") else next(iter(book.worksheets), None)
    if sheet is None:
        raise UserError(env._("The workbook has no worksheet."))
    try:
        columns, rows = sheet.max_column or 0, sheet.max_row or 0
    except Exception:  # noqa: BLE001 - a malformed dimension: read the cells within the limits
        columns = rows = 0
    if columns > MAX_COLUMNS or columns * rows > MAX_CELLS:
        most = f"{MAX_CELLS:,}"
        raise UserError(env._("The sheet declares %(rows)s rows × %(columns)s columns; a sheet has at most "
                              "%(max)s columns and %(cells)s cells.", rows=rows, columns=columns, max=MAX_COLUMNS,
                              cells=most))
    try:
        for number, row in enumerate(sheet.iter_rows(max_col=columns or MAX_COLUMNS + 1, values_only=True), 1):
            yield number, list(row)
    except Exception as exc:  # noqa: BLE001 - a damaged sheet inside a valid archive
        raise UserError(env._("The file is not an Excel (XLSX) workbook: %s", exc)) from None
