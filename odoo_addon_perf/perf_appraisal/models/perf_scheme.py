import base64
import binascii
import hashlib
import html
from collections import OrderedDict

import perfcore
from perfcore.decimals import fmt
from perfcore.presets import preset_path
from perfcore.yamlio import SCHEME_MAX_BYTES, parse_text

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .perf_cycle import CONFIDENTIAL_ATTRIBUTES
from .perf_workflow_mixin import workflow
from .scheme_summary import period_kinds_label, summary_html

# Parsed schemes by (record id, source digest, parameter values), most recently used last:
# parsing is cheap but not free, and a long-running server must not keep every version.
_PARSED = OrderedDict()
_PARSED_SIZE = 64


def _text(value):
    """A parameter value as the text the parameter form shows."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "quantize"):
        return fmt(value)
    return "" if value is None else str(value)


class PerfScheme(models.Model):
    _name = "perf.scheme"
    _description = "Appraisal Scheme"
    _inherit = ["mail.thread", "perf.workflow.mixin"]
    _order = "sequence, code"
    _perf_workflow_fields = frozenset({"is_preset", "seed", "subject_kind", "period_kinds", "attribute_ids",
                                       "grade_ids", "event_type_ids", "pay_confidential"})
    _perf_editable_fields = frozenset({"name", "code", "sequence", "active", "company_id", "source_yaml", "source_file",
                                       "source_filename", "parameter_ids", "interview_required_for_pay"})

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, index=True, help="The perfcore scheme id, e.g. nursing.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    is_preset = fields.Boolean(readonly=True, help="Shipped with perfcore; refreshed on upgrade.")
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to share the scheme with every company."
    )
    source_yaml = fields.Text(string="Scheme Source (YAML)", required=True)
    source_file = fields.Binary(string="Upload Scheme File", attachment=False, store=False,
                                help="A perfcore scheme file (.yaml); replaces the source when saved.")
    source_filename = fields.Char(store=False)
    seed = fields.Char(readonly=True)
    subject_kind = fields.Selection(
        [("employee", "Employees"), ("unit", "Departments")], readonly=True, default="employee"
    )
    period_kinds = fields.Char(readonly=True, string="Period Codes")
    period_kinds_label = fields.Char(string="Periods", compute="_compute_period_kinds_label")
    parameter_ids = fields.One2many("perf.scheme.parameter", "scheme_id", string="Parameters")
    attribute_ids = fields.One2many("perf.scheme.attribute", "scheme_id", string="Attributes")
    grade_ids = fields.One2many("perf.scheme.grade", "scheme_id", string="Grades")
    event_type_ids = fields.One2many("perf.scheme.event", "scheme_id", string="Event Types")
    summary_html = fields.Html(compute="_compute_summary_html", sanitize=False, string="Summary")
    interview_required_for_pay = fields.Boolean(
        string="No Interview, No Pay",
        help="不面谈不发奖金: withhold performance pay until both sides acknowledge the interview.",
    )
    pay_confidential = fields.Boolean(
        readonly=True, help="The pay formulas read a wage: pay results and their breakdown are read only by the "
                            "appraisee, contract readers and payroll.")
    cycle_ids = fields.One2many("perf.cycle", "scheme_id")
    cycle_count = fields.Integer(compute="_compute_cycle_count")

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "A scheme code must be unique per company."),
    ]

    # -- perfcore ----------------------------------------------------------------------
    def _parameter_overrides(self):
        return {p.name: p.value for p in self.parameter_ids if p.value not in (False, None)}

    def _perfcore_scheme(self):
        """The perfcore Scheme of this record, with its parameter values applied."""
        self.ensure_one()
        overrides = self._parameter_overrides()
        source = self.source_yaml or ""
        key = (self.id, hashlib.sha256(source.encode()).hexdigest(), tuple(sorted(overrides.items())))
        scheme = _PARSED.get(key)
        if scheme is None:
            document = parse_text(source, f"perf.scheme {self.code}")
            scheme = perfcore.parse_scheme(document, overrides)
            _PARSED[key] = scheme
            while len(_PARSED) > _PARSED_SIZE:
                _PARSED.popitem(last=False)
        else:
            _PARSED.move_to_end(key)
        return scheme

    @api.constrains("source_yaml", "parameter_ids")
    def _check_source_yaml(self):
        for scheme in self:
            try:
                scheme._perfcore_scheme()
            except perfcore.PerfcoreError as exc:
                raise ValidationError(self.env._("The scheme %(code)s is invalid:\n%(problems)s",
                                                 code=scheme.code, problems=str(exc))) from None

    def _sync_from_source(self):
        """Refresh the read-only facts and the parameter list from the YAML source."""
        for scheme in self:
            try:
                document = parse_text(scheme.source_yaml or "", f"perf.scheme {scheme.code}")
                parsed = perfcore.parse_scheme(document)
            except perfcore.PerfcoreError as exc:
                raise ValidationError(str(exc)) from None
            values = {
                "seed": parsed.seed,
                "subject_kind": parsed.subject,
                "period_kinds": ", ".join(parsed.periods),
                "pay_confidential": bool(_pay_names(parsed) & CONFIDENTIAL_ATTRIBUTES),
            }
            if scheme.code != parsed.id:
                values["code"] = parsed.id
            existing = {p.name: p for p in scheme.parameter_ids}
            commands = []
            for index, (name, parameter) in enumerate(parsed.parameters.items()):
                default = _text(parameter.value)
                meta = {
                    "sequence": index,
                    "default_value": default,
                    "assumption": parameter.assumption,
                    "source": parameter.source,
                    "description": parameter.description,
                }
                if name in existing:
                    line = existing.pop(name)
                    if line.value == line.default_value:  # not edited: follow the new default
                        meta["value"] = default
                    commands.append(fields.Command.update(line.id, meta))
                else:
                    commands.append(fields.Command.create({"name": name, "value": default, **meta}))
            commands += [fields.Command.delete(line.id) for line in existing.values()]
            values["parameter_ids"] = commands
            values["attribute_ids"] = scheme._attribute_commands(parsed)
            values["grade_ids"] = scheme._mirror_commands(scheme.grade_ids, [
                {"code": g.code, "label": g.label or g.code, "minimum": fmt(g.min) if g.min is not None else False,
                 "condition": g.when or False, "quota": _quota(parsed, g.code)} for g in parsed.grades])
            values["event_type_ids"] = scheme._mirror_commands(scheme.event_type_ids, [
                {"code": e.code, "name": e.name or e.code, "kind": e.kind, "note_required": e.note_required,
                 "explicit_points": e.kind == "points" and e.points is None,
                 "scope": e.scope, "points": _event_points(e)} for e in parsed.events])
            with workflow():
                scheme.write(values)

    @staticmethod
    def _mirror_commands(existing, rows):
        """Commands that make ``existing`` (records with a code) equal ``rows``, updated by code."""
        by_code = {record.code: record for record in existing}
        commands = []
        for index, row in enumerate(rows):
            row = {**row, "sequence": index}
            record = by_code.pop(row["code"], None)
            commands.append(fields.Command.update(record.id, row) if record else fields.Command.create(row))
        return commands + [fields.Command.delete(record.id) for record in by_code.values()]

    def _attribute_commands(self, parsed):
        """The scheme's attributes as definitions (type, bounds, values with their labels), updated by code."""
        existing = {a.code: a for a in self.attribute_ids}
        commands = []
        for index, attribute in enumerate(parsed.attributes):
            meta = {
                "sequence": index, "code": attribute.code, "name": attribute.name or attribute.code,
                "type": attribute.type, "required": attribute.required,
                "minimum": fmt(attribute.min) if attribute.min is not None else False,
                "maximum": fmt(attribute.max) if attribute.max is not None else False,
                "default_value": _text(attribute.default) if attribute.default not in (None, []) else False,
                "value_ids": [fields.Command.clear()] + [
                    fields.Command.create({"sequence": i, "code": v, "label": attribute.labels.get(v, v)})
                    for i, v in enumerate(attribute.values or [])],
            }
            if attribute.code in existing:
                commands.append(fields.Command.update(existing.pop(attribute.code).id, meta))
            else:
                commands.append(fields.Command.create(meta))
        return commands + [fields.Command.delete(a.id) for a in existing.values()]

    @api.model
    def _source_from_upload(self, vals):
        """A scheme file uploaded in the form becomes the YAML source (UTF-8 text only)."""
        data = vals.pop("source_file", None)
        vals.pop("source_filename", None)
        if data:
            # base64 is 4 characters per 3 bytes: refuse a large upload before decoding it
            if len(data) * 3 // 4 > SCHEME_MAX_BYTES + 3:
                raise self._too_large(len(data) * 3 // 4)
            try:
                vals["source_yaml"] = base64.b64decode(data).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError) as exc:
                raise ValidationError(self.env._("The uploaded scheme file is not UTF-8 text: %s", exc)) from None
        source = vals.get("source_yaml")
        if source and len(source.encode("utf-8")) > SCHEME_MAX_BYTES:
            raise self._too_large(len(source.encode("utf-8")))
        return vals

    def _too_large(self, size):
        most, size = format(SCHEME_MAX_BYTES, ","), format(size, ",")
        return ValidationError(self.env._("A scheme may have at most %(most)s bytes (1 MiB); this one has %(size)s.",
                                          most=most, size=size))

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._source_from_upload(dict(vals)) for vals in vals_list]
        for vals in vals_list:
            if vals.get("source_yaml") and not vals.get("code"):
                vals["code"] = self._code_of(vals["source_yaml"])
        schemes = super().create(vals_list)
        schemes._sync_from_source()
        return schemes

    def write(self, vals):
        vals = self._source_from_upload(dict(vals))
        result = super().write(vals)
        if "source_yaml" in vals:
            self._sync_from_source()
        return result

    @api.model
    def _code_of(self, source):
        try:
            return perfcore.parse_scheme(parse_text(source, "upload")).id
        except perfcore.PerfcoreError as exc:
            raise ValidationError(str(exc)) from None

    @api.model
    def _load_presets(self):
        """Create or refresh the perfcore presets; idempotent (run on install and upgrade only:
        private, so that nobody reverts the administrator's edits over RPC)."""
        Scheme = self.with_context(active_test=False).sudo()
        for sequence, scheme_id in enumerate(perfcore.preset_ids()):
            source = preset_path(scheme_id).read_text(encoding="utf-8")
            existing = Scheme.search([("code", "=", scheme_id), ("is_preset", "=", True)], limit=1)
            if existing:
                if existing.source_yaml != source:
                    existing.write({"source_yaml": source})
                continue
            title = perfcore.parse_scheme(parse_text(source, scheme_id)).title
            with workflow():
                Scheme.create({"name": title, "code": scheme_id, "source_yaml": source,
                               "is_preset": True, "sequence": sequence})
        # what a new version of the addon reads from every scheme (attribute definitions …)
        Scheme.search([("source_yaml", "!=", False)])._sync_from_source()
        return True

    # -- display -------------------------------------------------------------------------
    def _compute_cycle_count(self):
        counts = dict(self.env["perf.cycle"]._read_group([("scheme_id", "in", self.ids)], ["scheme_id"], ["__count"]))
        for scheme in self:
            scheme.cycle_count = counts.get(scheme, 0)

    @api.depends("period_kinds")
    def _compute_period_kinds_label(self):
        for scheme in self:
            scheme.period_kinds_label = period_kinds_label(self.env, (scheme.period_kinds or "").replace(" ", "").split(",")
                                                           if scheme.period_kinds else [])

    @api.depends("source_yaml", "parameter_ids.value")
    def _compute_summary_html(self):
        for scheme in self:
            try:
                scheme.summary_html = summary_html(self.env, scheme._perfcore_scheme())
            except perfcore.PerfcoreError as exc:
                scheme.summary_html = f"<pre>{html.escape(str(exc))}</pre>"


def _quota(scheme, code):
    quota = next((q for q in scheme.distribution.quotas if q.grade == code), None) if scheme.distribution else None
    return fmt(quota.percent) if quota else False


def _event_points(event):
    if event.points is not None:
        return ("+" if event.points > 0 else "") + fmt(event.points)
    if event.range is not None:
        return f"{fmt(event.range[0])} … {fmt(event.range[1])}"
    if event.amount is not None:
        return f"¥{fmt(event.amount)}"
    if event.percent is not None:
        return f"{fmt(event.percent)}%"
    return False


def _pay_names(scheme):
    """Every name the scheme's pay formulas read."""
    pay = scheme.pay
    if pay is None:
        return set()
    sources = list(pay.variables.values())
    for component in pay.components:
        sources += [component.formula, component.when] + (
            [component.split.pool, component.split.weight] if component.split else [])
    return {name for source in sources if source for name in perfcore.compile_formula(source).names}
