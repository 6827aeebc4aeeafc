import math
import re

import perfcore
from perfcore.decimals import fmt

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_repr

from .perf_workflow_mixin import OFFICER, in_workflow, workflow

#: Rater roles several people hold on one appraisal, anonymously (its peers): the appraisee
#: never learns who gave them, and only HR and the peer herself read a peer line.
ANONYMOUS_ROLES = frozenset({"peer"})
# States in which scores are entered; calibration may still correct them (the results then
# have to be computed again before they are sent for approval).
RATING_STATES = ("running", "rating", "calibration")
#: The most items beyond the plan a work sheet counts in one line (其他工作, 合理化建议).
MAX_WORKSHEET_COUNT = 999


class PerfScore(models.Model):
    _name = "perf.score"
    _description = "Appraisal Score"
    _inherit = ["perf.workflow.mixin"]
    _order = "appraisal_id, sequence, code, rater_role, id"
    # the structure of a line is set when the cycle starts; its value is its rater's
    _perf_workflow_fields = frozenset({"appraisal_id", "code", "name", "rater_role", "sequence", "rated", "subperiod",
                                       "is_list", "settled", "company_id", "cycle_id"})

    appraisal_id = fields.Many2one("perf.appraisal", required=True, ondelete="cascade", index=True)
    # the appraisal's, set when the line is created (an appraisal never changes cycle or company):
    # columns of the INSERT, not related fields computed line by line and UPDATEd after it
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    cycle_id = fields.Many2one("perf.cycle", readonly=True, index=True)
    state = fields.Selection(related="appraisal_id.state")
    subject_name = fields.Char(related="appraisal_id.subject_name")
    sequence = fields.Integer()
    code = fields.Char(required=True, help="Indicator or input code of the scheme.")
    name = fields.Char(string="Indicator")
    rater_role = fields.Char(help="Rater role code (self, superior, peer …); empty for plain inputs.")
    rater_role_label = fields.Char(string="Rater Role", compute="_compute_scale_text",
                                   help="The rater role as the scheme names it (护士长, 患者 …).")
    rater_user_id = fields.Many2one("res.users", string="Rater", index=True)
    subperiod = fields.Char(string="Sub-period", index=True,
                            help="The month of a quarter (2024-04) or the ISO week (2024-W18) this line scores.")
    value = fields.Float(digits=(16, 4), copy=False)
    value_input = fields.Char(string="Score", compute="_compute_value_input", inverse="_inverse_value_input",
                              help="The value as entered; empty until the line is rated.")
    value_list = fields.Char(string="Values", copy=False,
                             help="Several numbers for a list input (e.g. each item of a weekly plan): 20, 30, 50.")
    is_list = fields.Boolean(readonly=True, help="The input takes several numbers (entered as Values).")
    rated = fields.Boolean(readonly=True, copy=False, help="Set once a value is entered; unrated lines are not sent.")
    settled = fields.Boolean(
        string="Done", readonly=True, copy=False, index=True,
        help="Rated, or not needed any more: its alternative was entered (the indicator's own score instead of its "
             "items, a score instead of the count its formula reads), or the scheme has a default for it.")
    scale_text = fields.Char(string="Scale", compute="_compute_scale_text",
                             help="The values the scheme accepts for this line.")
    items_available = fields.Boolean(
        string="Checklist Available", compute="_compute_scale_text",
        help="The indicator may be scored by its checklist items instead, and they are not open yet for this rater.")
    # a rater may score by a work sheet (general-quarterly's 工作计划表): the statuses and extras
    # as perfcore reads them, the items' descriptions beside them; the value is the sheet's total
    worksheet = fields.Json(string="Work Sheet", copy=False, readonly=True)
    worksheet_items = fields.Json(string="Work Sheet Items", copy=False, readonly=True)
    worksheet_available = fields.Boolean(
        string="Work Sheet Available", compute="_compute_scale_text",
        help="The scheme scores this line from a work sheet (planned items and their status) as well as by a number.")

    @api.depends("code", "rater_role", "subperiod", "appraisal_id.scheme_id", "appraisal_id.score_ids")
    def _compute_scale_text(self):
        """What the scheme says of the line: its scale, its rater role's name, whether its checklist may be opened."""
        schemes = {}
        for line in self:
            scheme_record = line.sudo().appraisal_id.scheme_id
            if scheme_record.id not in schemes:
                schemes[scheme_record.id] = scheme_record._perfcore_scheme() if scheme_record else None
            line.scale_text = _scale(schemes[scheme_record.id], line.code)
            line.rater_role_label = _role_label(schemes[scheme_record.id], line.code, line.rater_role)
            line.items_available = bool(line._missing_items(schemes[scheme_record.id]))
            line.worksheet_available = bool(line._worksheet_spec(schemes[scheme_record.id]))

    def _line_label(self, name=None):
        """What a sheet column or a dialog calls this line: 月度工作 · 自评 · 2024-06 (``name`` for
        one of its checklist items instead of the indicator)."""
        return " · ".join(filter(None, [name or self.name or self.code, self.rater_role_label, self.subperiod]))

    def _worksheet_spec(self, scheme):
        """The scheme's work sheet of this line's indicator (perfcore ``Worksheet``), if it has one."""
        indicator = scheme.indicator(self.code) if scheme is not None and self.rater_role else None
        return indicator.worksheet if indicator is not None else None

    def _checklist(self, scheme):
        """(the items of this line's indicator when they are opened on demand, the item lines that
        exist for its rater: same appraisal, rater role and sub-period)."""
        indicator = scheme.indicator(self.code) if scheme is not None else None
        codes = set(on_demand_items(scheme, indicator)) if indicator is not None else set()
        if not codes:
            return [], self.browse()
        lines = self.sudo().appraisal_id.score_ids.filtered(
            lambda s: s.code in codes and s.rater_role == self.rater_role and s.subperiod == self.subperiod)
        return indicator.items, lines.with_env(self.env)

    def _missing_items(self, scheme):
        """The checklist items of this line's indicator (scored "given, or from its items", items
        opened on demand) that this line's rater has no line for yet, in the scheme's order."""
        if self.rated:  # a given score counts, not items beside it
            return []
        items, lines = self._checklist(scheme)
        present = set(lines.mapped("code"))
        return [item for item in items if item.code not in present]

    @api.depends("value", "rated", "is_list", "value_list")
    def _compute_value_input(self):
        for line in self:
            if line.is_list:
                line.value_input = line.value_list or False
            else:
                line.value_input = fmt(perfcore.D(float_repr(line.value, 4))) if line.rated else False

    def _inverse_value_input(self):
        pass  # write() turns value_input into value / value_list before any check

    @api.onchange("value_input")
    def _onchange_value_input_validity(self):
        """A score the scheme will not count as given (自评超过 90 分无效) is said so while typing."""
        number = _number(self.value_input) if self.value_input and not self.is_list else None
        note = self._validity_note(number) if isinstance(number, (int, float)) and not isinstance(number, bool) else False
        if note:
            return {"warning": {"title": self.env._("This score will be replaced"), "message": note}}
        return None

    def _validity_role(self):
        """(rater role, its replacement role) of this line when the scheme limits the valid scores of
        its role (general-quarterly's self: at most 90, else the superior's − 10), else (None, None)."""
        scheme = self.sudo().appraisal_id.scheme_id._perfcore_scheme() if self.sudo().appraisal_id else None
        indicator = scheme.indicator(self.code) if scheme is not None and self.rater_role else None
        roles = scheme.raters_of(indicator) if indicator is not None else []
        role = next((r for r in roles if r.code == self.rater_role and r.max_valid is not None), None)
        other = next((r for r in roles if role is not None and r.code == role.replace_with), None)
        return role, other

    def _validity_rule(self):
        """The scheme's rule on this line's role when it limits valid scores (自评超过 90 分无效 …), else False."""
        role, other = self._validity_role()
        if role is None:
            return False
        args = {"role": role.name or role.code, "limit": fmt(role.max_valid)}
        if other is None:
            return self.env._("A %(role)s score above %(limit)s is invalid.", **args)
        return self.env._("A %(role)s score above %(limit)s is invalid: the %(other)s's score %(sign)s %(offset)s "
                          "counts instead.", other=other.name or other.code,
                          sign="+" if role.replace_offset >= 0 else "−", offset=fmt(abs(role.replace_offset)), **args)

    def _validity_note(self, value):
        """The rule, and ``value``, when ``value`` lies above this line's valid maximum; else False."""
        role, _other = self._validity_role()
        if role is None or value <= role.max_valid:
            return False
        return self.env._("%(rule)s (got %(value)s)", rule=self._validity_rule(),
                          value=fmt(perfcore.D(float_repr(value, 4))))

    # -- who may enter what -------------------------------------------------------------------------
    def _check_may_rate(self):
        """The line's rater enters it; a line without a rater is HR's (or its role owner's, who is
        then its rater).  Nobody rates their own appraisal except its self lines."""
        if self.env.su:
            return
        user = self.env.user
        officer = self._perf_is_officer()
        for line in self:
            appraisee = line.appraisal_id.sudo().user_id
            if line.rater_role != "self" and appraisee and appraisee == user:
                raise AccessError(self.env._("Nobody rates their own appraisal: %(line)s of %(name)s is not yours.",
                                             line=line.name or line.code, name=line.subject_name))
            if line.rater_user_id == user:
                continue
            if not line.rater_user_id and officer:
                continue
            if officer:  # HR may know who rates whom; anybody else learns nothing from a refusal
                raise AccessError(self.env._("%(line)s of %(name)s is rated by %(rater)s, not by you.",
                                             line=line.name or line.code, name=line.subject_name,
                                             rater=line.rater_user_id.sudo().name))
            raise AccessError(self.env._("Score line %s is not yours to rate.", line.id))

    def _writable_by(self, user):
        """The lines ``user`` enters (as ``_check_may_rate`` decides, without raising)."""
        officer = user.has_group(OFFICER)
        lines = self.sudo()
        return self.filtered(lambda s, u=user: (
            s.sudo().appraisal_id.state in RATING_STATES
            and (s.rater_role == "self" or s.sudo().appraisal_id.user_id != u)
            and (s.rater_user_id == u or (not s.rater_user_id and officer)))) if lines else self

    def _check_import(self, cells):
        """{line: reason} for the cells (line → value as a sheet gives it) that cannot be entered."""
        problems = {}
        mine = self._writable_by(self.env.user)
        for line, cell in cells.items():
            if line not in mine:
                problems[line] = self.env._("you do not enter this line (or it is frozen)")
                continue
            try:
                if line.is_list:
                    line._check_value_list(_list_text(cell))
                else:
                    line._check_values(_number(cell))
            except ValidationError as exc:
                problems[line] = exc.args[0]
        return problems

    def _import_values(self, cells):
        """Enter many values at once (a sheet): checked as one by one, written in one batch, logged."""
        problems = self._check_import(cells)
        if problems:
            raise ValidationError("\n".join(f"{line.subject_name} {line.name}: {reason}" for line, reason in problems.items()))
        lines = self.sudo()
        old = {line.id: (line.value, line.value_list, line.rated) for line in lines}
        with workflow():
            for line in lines.with_context(tracking_disable=True):
                cell = cells[self.browse(line.id)]
                if line.is_list:
                    text = ", ".join(line._check_value_list(_list_text(cell)))
                    line.write({"value_list": text or False, "rated": bool(text)})
                else:
                    line.write({"value": _number(cell), "rated": True, "worksheet": False, "worksheet_items": False})
        lines.with_env(self.env)._log_changes(old)
        lines.appraisal_id._mark_inputs_changed()
        lines.appraisal_id.score_ids._settle()
        self._close_done_todos()
        return len(lines)

    def action_rate_by_items(self):
        """Score these indicators by their checklist: their items are added for the same rater,
        empty; once all items are in, the indicator's own score is not needed (and not both)."""
        self.check_access("write")  # the record rules (company, the lines one rates) before any sudo
        self._check_may_rate()
        self._check_state()
        lines = self.sudo()._open_items()
        if not lines:
            raise UserError(self.env._("These lines have no checklist to open (it is open already, or the "
                                       "indicator is rated: its score counts, not the items)."))
        return True

    def action_open_sheet(self):
        """To Rate ▸ 表格录入: the XLSX/CSV sheet of the lines one enters — a role owner (the patient-
        survey clerk) reads no cycle form, this is her way to the sheet. The cycle is that of the
        selected lines, else of her open lines when they are in one cycle."""
        lines = self or self.search([("rater_user_id", "=", self.env.uid), ("state", "in", ("running", "rating"))])
        lines.check_access("read")  # the record rules: only lines she sees name a cycle
        cycles = lines.sudo().cycle_id
        if not cycles:
            raise UserError(self.env._("You have no score lines to enter in a running cycle."))
        if len(cycles) > 1:
            raise UserError(self.env._("Your lines are in several cycles (%s): select lines of one cycle, then "
                                       "click again.", "、".join(cycles.mapped("name"))))
        return {"type": "ir.actions.act_window", "res_model": "perf.import.wizard", "view_mode": "form",
                "target": "new", "name": self.env._("Enter by Sheet"),
                "context": {"default_cycle_id": cycles.id, "default_kind": "scores"}}

    def action_open_worksheet(self):
        """The work sheet of this line (工作计划表), filled as it was entered, in a dialog."""
        self.ensure_one()
        self._check_worksheet_opener()
        lines = self.env["perf.worksheet.wizard"]._lines_for(self)
        wizard = self.env["perf.worksheet.wizard"].create({
            "score_id": self.id,
            "item_ids": [fields.Command.create(vals) for vals in lines if vals["kind"] == "item"],
            "extra_ids": [fields.Command.create(vals) for vals in lines if vals["kind"] == "extra"]})
        return {"type": "ir.actions.act_window", "res_model": "perf.worksheet.wizard", "res_id": wizard.id,
                "view_mode": "form", "target": "new", "name": self.env._("Work Sheet")}

    def _check_worksheet_opener(self):
        """A work sheet is opened by whoever may enter the line, while scores are open."""
        if not self:
            raise UserError(self.env._("A work sheet belongs to a score line."))
        self.check_access("write")  # the record rules (company, the lines one rates) before any sudo
        self._check_may_rate()
        self._check_state()
        for line in self:
            if not line.sudo().worksheet_available:
                raise UserError(self.env._("%s is scored by a number; it has no work sheet.", line.name or line.code))

    def _open_items(self):
        """Create the missing checklist lines of these indicator lines (checked by the caller)."""
        vals_list, planned = [], set()
        for line in self:
            scheme = line.appraisal_id.scheme_id._perfcore_scheme()
            items = [item for item in line._missing_items(scheme)
                     if (line.appraisal_id.id, item.code, line.rater_role, line.subperiod) not in planned]
            if not items:
                continue
            # the eager layout's numbering: items one level (100) below their indicator's level
            level = line.sequence - line.sequence % 100
            positions = {item.code: index for index, item in enumerate(scheme.indicator(line.code).items)}
            for item in items:
                planned.add((line.appraisal_id.id, item.code, line.rater_role, line.subperiod))
                vals_list.append({"appraisal_id": line.appraisal_id.id, "cycle_id": line.cycle_id.id,
                                  "company_id": line.company_id.id, "code": item.code, "name": item.name or item.code,
                                  "rater_role": line.rater_role, "rater_user_id": line.rater_user_id.id,
                                  "subperiod": line.subperiod, "sequence": level + 100 + positions[item.code]})
        with workflow():
            created = self.create(vals_list)
        (self | created).appraisal_id.score_ids._settle()
        return created

    def _indicator_of_opened_item(self):
        """The indicator line whose checklist (opened on demand) holds this item line, if any."""
        self.ensure_one()
        line = self.sudo()
        scheme = line.appraisal_id.scheme_id._perfcore_scheme()
        for parent in line.appraisal_id.score_ids.filtered(
                lambda s: s.id != line.id and s.rater_role == line.rater_role and s.subperiod == line.subperiod):
            indicator = scheme.indicator(parent.code)
            if indicator is not None and line.code in on_demand_items(scheme, indicator):
                return parent.with_env(self.env)
        return self.browse()

    def _opened_items(self):
        """The checklist lines opened on demand for these indicator lines (same rater role and sub-period)."""
        found = self.browse()
        for line in self:
            found |= line._checklist(line.sudo().appraisal_id.scheme_id._perfcore_scheme())[1]
        return found - self

    def _check_state(self):
        for line in self.sudo():  # a rater may not read the appraisal itself
            if line.appraisal_id.state not in RATING_STATES:
                raise UserError(self.env._("Scores of %s are frozen: the appraisal went to approval.",
                                           line.with_env(self.env)._subject_for_caller()))

    def _subject_for_caller(self):
        """The appraisee's name for those who may know it (HR, the line's rater, the appraisee),
        else the line's number: a refusal names nobody to a caller probing ids."""
        user = self.env.user
        line = self.sudo()
        if self.env.su or self._perf_is_officer() or user in (line.rater_user_id | line.appraisal_id.user_id):
            return line.subject_name
        return self.env._("score line %s", line.id)

    def _check_values(self, value):
        """The scale is checked at entry, by perfcore, naming the indicator and its scale."""
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ValidationError(self.env._("A score is a number, not %r.", type(value).__name__))
        if isinstance(value, int) and abs(value) >= 10**15:
            raise ValidationError(self.env._("A score must lie within ±10^15."))
        if not math.isfinite(value):
            raise ValidationError(self.env._("A score must be a finite number, not %s.", value))
        for line in self.sudo():
            line._check_entry(float_repr(value, 4))

    def _check_worksheet(self, given):
        """A filled work sheet checked by perfcore as it binds one; its total (a float, the stored value)."""
        if not isinstance(given, dict):
            raise ValidationError(self.env._("A work sheet is a mapping of its sections and extras, not %r.",
                                             type(given).__name__))
        totals = set()
        for line in self.sudo():
            scheme = line.appraisal_id.scheme_id._perfcore_scheme()
            sheet = line._worksheet_spec(scheme)
            if sheet is None:
                raise ValidationError(self.env._("%s is scored by a number; it has no work sheet.", line.name or line.code))
            problems = perfcore.check_score(scheme, line.code, given, line.rater_role, subperiod=bool(line.subperiod))
            for extra in sheet.extras:  # a typo of 2**31 is not a month's work
                if not problems and extra.code in given and perfcore.D(given[extra.code]) > MAX_WORKSHEET_COUNT:
                    raise ValidationError(self.env._("%(line)s of %(name)s: %(extra)s counts at most %(max)s (got %(value)s).",
                                                     line=line.name or line.code, name=line.subject_name,
                                                     extra=extra.name or extra.code, max=MAX_WORKSHEET_COUNT,
                                                     value=given[extra.code]))
            if problems:
                raise ValidationError("\n".join(
                    self.env._("%(line)s of %(name)s: %(problem)s (got %(value)s).", line=line.name or line.code,
                               name=line.subject_name, problem=problem.message,
                               value=problem.value if problem.has_value else "-") for problem in problems))
            totals.add(sheet.total(given))
        if len(totals) != 1:
            raise ValidationError(self.env._("Enter one work sheet per line."))
        return float(totals.pop())

    def _worksheet_items(self, items):
        """The descriptions of a sheet's items, {section: [text, …]}: plain short texts, or nothing."""
        if not items:
            return False
        if not isinstance(items, dict) or len(items) > 20 or not all(
                isinstance(texts, list) and len(texts) <= 100 and all(isinstance(t, str) and len(t) <= 500 for t in texts)
                for texts in items.values()):
            raise ValidationError(self.env._("A work sheet's items are lists of short texts, one list per section."))
        return {str(section)[:64]: texts for section, texts in items.items()}

    def _check_value_list(self, text):
        """Several numbers for a list input, each checked like a single one."""
        if text is not False and not isinstance(text, str):
            raise ValidationError(self.env._("Values are numbers separated by commas, not %r.", text))
        numbers = [n for n in re.split(r"[\s,，;；]+", text or "") if n]
        if len(numbers) > 100:
            raise ValidationError(self.env._("At most 100 values in one line (got %s).", len(numbers)))
        for line in self.sudo():
            if not line.is_list:
                raise ValidationError(self.env._("%s takes one value, not a list.", line.name or line.code))
            for number in numbers:
                line._check_entry(number)
        return numbers

    def _check_entry(self, text):
        scheme = self.appraisal_id.scheme_id._perfcore_scheme()
        indicator = scheme.indicator(self.code)
        rater = self.rater_role if self.rater_role and indicator and scheme.raters_of(indicator) else None
        problems = perfcore.check_score(scheme, self.code, text, rater, subperiod=bool(self.subperiod))
        if problems:
            raise ValidationError(self.env._("%(line)s of %(name)s: %(problem)s (got %(value)s).",
                                             line=self.name or self.code, name=self.subject_name,
                                             problem=problems[0].message, value=_shown(text)))

    def _check_rater(self, user_id):
        for line in self:
            appraisee = line.appraisal_id.sudo().user_id
            if user_id and line.rater_role != "self" and appraisee.id == user_id:
                raise ValidationError(self.env._("%s cannot rate their own appraisal.", appraisee.name))
            if user_id and line.rater_role == "self" and appraisee.id != user_id:
                raise ValidationError(self.env._("A self-assessment line is rated by the appraisee only."))
            if line.rated and line.rater_user_id.id != user_id:
                raise UserError(self.env._("%s is already rated; its rater stays.", line.name or line.code))

    # -- CRUD ---------------------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # HR adds lines (a second peer, say); their values are entered by their raters afterwards.
        if not in_workflow() and not self.env.su:
            self._perf_check_officer(self.env._("add score lines"))
            for vals in vals_list:
                if {"value", "value_list", "rated"} & set(vals):
                    raise AccessError(self.env._("A new score line starts empty; its rater enters the value."))
                appraisal = self.env["perf.appraisal"].browse(vals.get("appraisal_id")).sudo()
                if appraisal.user_id == self.env.user:
                    raise AccessError(self.env._("Nobody adds score lines to their own appraisal."))
        for vals in vals_list:
            if "value" in vals:
                vals.setdefault("rated", True)
        set_appraisal_scope(self.env, vals_list)
        checked = not in_workflow()
        with workflow():  # the caller was checked above; the line's structure is checked below
            lines = super().create(vals_list)
        if checked:
            lines._check_state()
            lines._check_structure()
            for line in lines:
                line._check_rater(line.rater_user_id.id)
        return lines

    def _check_structure(self):
        for line in self.sudo():
            scheme = line.appraisal_id.scheme_id._perfcore_scheme()
            indicator = scheme.indicator(line.code)
            if indicator is None and line.code not in {i.code for i in scheme.inputs}:
                raise ValidationError(self.env._("%(code)s is not an indicator or input of scheme %(scheme)s.",
                                                 code=line.code, scheme=scheme.id))
            roles = scheme.raters_of(indicator) if indicator else []
            allowed = {r.code for r in roles} | {m for r in roles for m in r.pool}
            if (line.rater_role or None) not in (allowed or {None}):
                raise ValidationError(self.env._("%(role)s is not a rater of %(code)s (raters: %(roles)s).",
                                                 role=line.rater_role or "-", code=line.code,
                                                 roles=", ".join(sorted(allowed)) or "-"))

    def write(self, vals):
        if "value_input" in vals:
            vals = self._value_from_input(vals)
        if in_workflow():
            return super().write(vals)
        self._perf_refuse_workflow_fields(vals)
        unknown = set(vals) - {"value", "value_list", "rater_user_id", "worksheet", "worksheet_items"}
        if unknown:
            raise AccessError(self.env._("%(fields)s of a score line cannot be edited.", fields=", ".join(sorted(unknown))))
        self._check_state()
        if "rater_user_id" in vals:
            self._perf_check_officer(self.env._("assign raters"))
            if not self.env.su and self.sudo().appraisal_id.user_id & self.env.user:
                raise AccessError(self.env._("Nobody chooses who rates their own appraisal."))
            self._check_rater(vals["rater_user_id"])
            for line in self:
                indicator = line._indicator_of_opened_item()
                if indicator and indicator not in self:
                    raise UserError(self.env._(
                        "%(item)s is an item of %(indicator)s's checklist: its rater is the indicator's. "
                        "Reassign %(indicator)s.", item=line.name or line.code, indicator=indicator.name or indicator.code))
            # an opened checklist goes with its indicator: one rater either way
            items = self._opened_items()
            if items:
                with workflow():  # checked above, on the indicator
                    items.write({"rater_user_id": vals["rater_user_id"]})
            self.env["perf.score.log"].sudo().create([
                {"score_id": line.id, "user_id": self.env.uid, "old_rater_id": line.rater_user_id.id,
                 "new_rater_id": vals["rater_user_id"] or False, "old_value": False, "new_value": False}
                for line in self if line.rater_user_id.id != vals["rater_user_id"]])
        if "worksheet_items" in vals and "worksheet" not in vals:
            raise ValidationError(self.env._("A work sheet's items are written with the sheet."))
        if "value" not in vals and "value_list" not in vals and "worksheet" not in vals:
            return super().write(vals)
        self._check_may_rate()
        if "worksheet" in vals:
            vals = {**vals, "value": self._check_worksheet(vals["worksheet"]),
                    "worksheet_items": self._worksheet_items(vals.get("worksheet_items"))}
        elif "value" in vals:
            self._check_values(vals["value"])
            vals = {**vals, "worksheet": False, "worksheet_items": False}  # a number replaces a sheet
        if "value_list" in vals:
            numbers = self._check_value_list(vals["value_list"])
            vals = {**vals, "value_list": ", ".join(numbers) or False}
        old = {line.id: (line.value, line.value_list, line.rated) for line in self}
        with workflow():
            result = super().write({**vals, "rated": bool(vals.get("value_list", True))})
        self._log_changes(old)
        self.sudo().appraisal_id._mark_inputs_changed()
        self.sudo().appraisal_id.score_ids._settle()
        self._close_done_todos()
        return result

    def _value_from_input(self, vals):
        """The text a person typed, as value (or value_list for list inputs); empty leaves an unrated line alone."""
        vals = dict(vals)
        text = vals.pop("value_input")
        if isinstance(text, str) and not text.strip():
            text = False
        if all(line.is_list for line in self):
            vals["value_list"] = text
        elif text is False:
            if any(line.rated for line in self):
                raise ValidationError(self.env._("A rated score is corrected, not emptied: enter a number."))
        elif any(line.is_list for line in self):
            raise ValidationError(self.env._("Enter list values and single values separately."))
        else:
            vals["value"] = _number(text)
        return vals

    def _settle(self):
        """Mark which of these lines (all lines of their appraisals) are done: rated, or not needed
        since an alternative was entered.  Written in two batches, only where it changed."""
        lines = self.sudo()
        done = lines.browse()
        for scheme_record in lines.appraisal_id.scheme_id:
            alternatives, optional = _alternatives(scheme_record._perfcore_scheme())
            of_scheme = lines.filtered(lambda s, r=scheme_record: s.appraisal_id.scheme_id == r)
            rated = {}
            for line in of_scheme:
                rated.setdefault((line.appraisal_id.id, line.code, line.subperiod), []).append(line)
            for line in of_scheme:
                if line.rated or line.code in optional:
                    done |= line
                    continue
                for group in alternatives.get(line.code, ()):
                    matching = [[other for other in rated.get((line.appraisal_id.id, code, line.subperiod), [])
                                 if not (other.rater_role and line.rater_role) or other.rater_role == line.rater_role]
                                for code in group]
                    if all(found and all(o.rated for o in found) for found in matching):
                        done |= line
                        break
        with workflow():
            (done - done.filtered("settled")).write({"settled": True})
            (lines - done).filtered("settled").write({"settled": False})

    def _close_done_todos(self):
        """A rater's to-do on a cycle is done when none of their lines of that cycle is left to fill."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        lines = self.sudo().filtered("rater_user_id")
        for cycle in lines.cycle_id:
            raters = lines.filtered(lambda s, c=cycle: s.cycle_id == c).rater_user_id
            left = self.sudo()._read_group([("cycle_id", "=", cycle.id), ("settled", "=", False),
                                            ("rater_user_id", "in", raters.ids)], ["rater_user_id"], ["__count"])
            busy = {user for user, _count in left}
            done = cycle.activity_ids.filtered(
                lambda a, r=raters, b=busy: a.user_id in r and a.user_id not in b
                and (not todo or a.activity_type_id == todo))
            done.unlink()  # no "done" message: it would show on the cycle who rated

    def _log_changes(self, old):
        """Who changed which score when, old → new (HR reads the log; raters stay anonymous to appraisees)."""
        changes = []
        for line in self:
            value, values, rated = old[line.id]
            if rated and (value, values) == (line.value, line.value_list):
                continue
            changes.append({"score_id": line.id, "user_id": self.env.uid,
                            "old_value": value if rated else False, "new_value": line.value,
                            "old_values": values if rated else False, "new_values": line.value_list})
        self.env["perf.score.log"].sudo().create(changes)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_unrated_by_hr(self):
        if in_workflow() or self.env.su:
            return
        self._perf_check_officer(self.env._("remove score lines"))
        for line in self:
            if line.rated or line.appraisal_id.state not in RATING_STATES:
                raise UserError(self.env._("%s is rated (or frozen) and stays.", line.name or line.code))


def _number(cell):
    """A sheet's cell as a number: numbers as they are, text parsed (a bad one is refused by the checks)."""
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, (int, float)):
        return cell
    try:
        return float(str(cell).strip().replace(",", ""))
    except ValueError:
        return str(cell)


def _shown(text):
    """A checked number as the person typed it (250, not the stored 250.0000)."""
    try:
        return fmt(perfcore.D(text))
    except (ValueError, ArithmeticError, TypeError):
        return text


def _list_text(cell):
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def set_appraisal_scope(env, vals_list, names=("cycle_id", "company_id")):
    """The cycle and company (``names``) of each new line's appraisal: the workflow may give them
    (it knows them); anybody else's values are replaced (the record rules read them)."""
    missing = [vals for vals in vals_list if not (in_workflow() and all(name in vals for name in names))]
    appraisals = env["perf.appraisal"].sudo().browse({vals.get("appraisal_id") for vals in missing} - {None, False})
    by_id = {appraisal.id: appraisal for appraisal in appraisals}  # records sharing one prefetch
    for vals in missing:
        appraisal = by_id.get(vals.get("appraisal_id"), appraisals.browse())
        vals.update({name: appraisal[name].id for name in names})


def on_demand_items(scheme, indicator):
    """The item codes of ``indicator`` that are opened on demand (``action_rate_by_items``) rather
    than created with the appraisal: those of an indicator scored "given, or from its items" whose
    items are plain scores rated by the same roles as the indicator — its rater picks either way."""
    if indicator.resolved_source != "given_or_items" or not indicator.items:
        return []
    roles = [(r.code, tuple(r.pool)) for r in scheme.raters_of(indicator)]
    # one rater per appraisal: with several roles, pool members or peers, one rater's checklist
    # would stand for (or be dropped beside) another's score — those items are created at start
    if len(roles) > 1 or any(pool or code in ANONYMOUS_ROLES for code, pool in roles):
        return []
    if any(item.items or item.resolved_source != "given" or
           [(r.code, tuple(r.pool)) for r in scheme.raters_of(item)] != roles for item in indicator.items):
        return []
    return [item.code for item in indicator.items]


def _alternatives(scheme):
    """({code: [[codes that together make it unneeded], …]}, {codes never needed}) of a scheme.

    An indicator scored "given, or from its items" is settled by its items, and each item by the
    indicator; one scored "given, or by formula" by the inputs its formula reads (when nothing else
    reads them), and those inputs by the indicator; a scheme's direct total by its indicators, and
    they by it.  Inputs with a default are never needed."""
    alternatives = {}
    readers = {}
    sources = [i.formula for i in scheme.all_indicators() if i.formula] + list(scheme.variables.values())
    sources += [g.when for g in scheme.grades if g.when] + [r.when for r in scheme.flag_rules]
    if scheme.pay:
        sources += list(scheme.pay.variables.values()) + [c.formula for c in scheme.pay.components if c.formula]
    for source in sources:
        for name in perfcore.compile_formula(source).names:
            readers[name] = readers.get(name, 0) + 1
    inputs = {i.code for i in scheme.inputs}
    for indicator in scheme.all_indicators():
        source = indicator.resolved_source
        if source == "given_or_items" and indicator.items:
            items = [item.code for item in indicator.items]
            alternatives.setdefault(indicator.code, []).append(items)
            for code in items:
                alternatives.setdefault(code, []).append([indicator.code])
        elif source == "given_or_formula" and indicator.formula:
            read = [n for n in perfcore.compile_formula(indicator.formula).names if n in inputs]
            if read:
                alternatives.setdefault(indicator.code, []).append(read)
            for code in read:
                if readers.get(code) == 1:
                    alternatives.setdefault(code, []).append([indicator.code])
    if scheme.direct_total:  # the total given directly (village clinics) or every indicator scored
        codes = [indicator.code for indicator in scheme.indicators]
        alternatives.setdefault(scheme.direct_total, []).append(codes)
        for indicator in scheme.all_indicators():
            alternatives.setdefault(indicator.code, []).append([scheme.direct_total])
    optional = {i.code for i in scheme.inputs if i.default is not None}
    return alternatives, optional


def _role_label(scheme, code, role):
    """The scheme's name of a rater role of an indicator (or of a pool member), else the code."""
    if scheme is None or not role:
        return role or False
    indicator = scheme.indicator(code)
    for rater in scheme.raters_of(indicator) if indicator else []:
        if rater.code == role:
            return rater.name or role
        if role in rater.pool:
            return f"{rater.name or rater.code} · {rater.pool_names.get(role) or role}"
    return role


def _scale(scheme, code):
    """"0–100", "0–10", "≥ 0" … for a line's code (indicators by their scale, inputs by their bounds)."""
    if scheme is None:
        return False
    indicator = scheme.indicator(code)
    if indicator is not None:
        low, high = indicator.resolved_scale
        return f"{fmt(low)}–{fmt(high)}"
    spec = next((i for i in scheme.inputs if i.code == code), None)
    if spec is None:
        return False
    if spec.min is not None and spec.max is not None:
        return f"{fmt(spec.min)}–{fmt(spec.max)}"
    if spec.min is not None:
        return f"≥ {fmt(spec.min)}"
    return f"≤ {fmt(spec.max)}" if spec.max is not None else False
