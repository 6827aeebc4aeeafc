import base64
import binascii
import difflib
import hashlib
import html
import json
from collections import OrderedDict

import perfcore
from perfcore.decimals import fmt
from perfcore.presets import example_ids, preset_path
from perfcore.yamlio import SCHEME_MAX_BYTES, parse_text

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.translate import LazyTranslate

from ..lib.scheme_document import (
    ADVANCED_KEYS,
    ADVANCED_PAY_KEYS,
    ATTRIBUTE,
    COMPONENT,
    DOCUMENT_FIELDS,
    EVENT,
    GRADE,
    HEADER,
    INDICATOR,
    INPUT,
    PARAMETER,
    PERIOD_KINDS,
    RATER,
    RULE,
    document_values,
    dump_text,
    export_document,
    to_text,
)
from ..lib.scheme_summary import period_kinds_label, summary_html
from .perf_scheme_design_mixin import design_batch, in_design_batch
from .perf_workflow_mixin import ADMIN, in_workflow, workflow
from .wages import CONFIDENTIAL_ATTRIBUTES

_lt = LazyTranslate(__name__)

#: The designer's sections, by the document key of a problem's path.
_SECTION_LABELS = {
    "indicators": _lt("Indicators"), "raters": _lt("Rater Roles"), "events": _lt("Events"), "grades": _lt("Grades"),
    "attributes": _lt("Attributes"), "inputs": _lt("Inputs"), "parameters": _lt("Parameters"), "pay": _lt("Pay"),
    "cross_period": _lt("Cross-Period Rules"), "distribution": _lt("Forced Distribution"),
    "advanced": _lt("Advanced (YAML)"),
}
_PLACE_MODELS = {
    "indicators": "perf.scheme.indicator", "raters": "perf.scheme.rater", "events": "perf.scheme.event",
    "grades": "perf.scheme.grade", "attributes": "perf.scheme.attribute", "inputs": "perf.scheme.input",
    "parameters": "perf.scheme.parameter", "pay": "perf.scheme.pay.component", "cross_period": "perf.scheme.rule",
}


def _design_depends():
    line_fields = {model: [field for _key, field, _kind in table] for model, table in DOCUMENT_FIELDS.items()}
    depends = [field for _key, field, _kind in HEADER] + [f"period_{kind}" for kind in PERIOD_KINDS] + [
        "code", "distribution_mode", "distribution_scope", "pay_basis", "pay_name", "advanced_yaml"]
    indicator = line_fields["perf.scheme.indicator"] + ["scale_min", "scale_max", "own_raters", "sequence"]
    rater = line_fields["perf.scheme.rater"] + ["sequence"]
    for prefix in ("top_indicator_ids", "top_indicator_ids.child_ids", "top_indicator_ids.child_ids.child_ids"):
        depends += [f"{prefix}.{field}" for field in indicator]
        depends += [f"{prefix}.rater_ids.{field}" for field in rater]
    depends += [f"scheme_rater_ids.{field}" for field in rater]
    for o2m, model, extra in (
            ("input_ids", "perf.scheme.input", []), ("event_type_ids", "perf.scheme.event", ["range_min", "range_max"]),
            ("grade_ids", "perf.scheme.grade", ["quota"]), ("attribute_ids", "perf.scheme.attribute",
                                                           ["default_value", "value_ids.code", "value_ids.label"]),
            ("pay_component_ids", "perf.scheme.pay.component", ["split_pool", "split_weight", "split_scope"]),
            ("rule_ids", "perf.scheme.rule", []), ("parameter_ids", "perf.scheme.parameter", ["name", "default_value"])):
        depends += [f"{o2m}.{field}" for field in line_fields[model] + extra + ["sequence"]]
    depends += ["pay_rate_ids.table", "pay_rate_ids.key", "pay_rate_ids.value", "pay_rate_ids.sequence"]
    return tuple(depends)


_DESIGN_DEPENDS = _design_depends()

# Parsed schemes by (record id, source digest, parameter values), most recently used last:
# parsing is cheap but not free, and a long-running server must not keep every version.
_PARSED = OrderedDict()
_PARSED_SIZE = 64

#: The designer's fields of the scheme itself (its lines are models of their own).
DESIGN_FIELDS = frozenset({field for _key, field, _kind in HEADER} | {f"period_{kind}" for kind in PERIOD_KINDS} | {
    "code", "distribution_mode", "distribution_scope", "pay_basis", "pay_name", "advanced_yaml", "top_indicator_ids",
    "scheme_rater_ids", "input_ids", "grade_ids", "event_type_ids", "attribute_ids", "pay_rate_ids",
    "pay_component_ids", "rule_ids", "parameter_ids"})
#: What decides a cycle's results: fixed once a cycle with the scheme has started (code and company
#: too: a scheme's versions, whose events count, are found by them).
RULE_FIELDS = DESIGN_FIELDS | {"source_yaml", "source_file", "interview_required_for_pay", "company_id"}


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
    _perf_workflow_fields = frozenset({"is_preset", "period_kinds", "pay_confidential", "version",
                                       "previous_version_id", "preset_source_hash"})
    _perf_editable_fields = DESIGN_FIELDS | {"name", "sequence", "active", "company_id", "source_yaml", "source_file",
                                             "source_filename", "interview_required_for_pay"}

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, index=True, help="The perfcore scheme id, e.g. nursing.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    is_preset = fields.Boolean(readonly=True, help="Shipped with perfcore; refreshed on upgrade.")
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to share the scheme with every company."
    )
    source_yaml = fields.Text(string="Scheme Source (YAML)",
                              help="perfcore's document of the scheme: written by the designer, or pasted / uploaded "
                                   "(the designer then shows it).")
    source_file = fields.Binary(string="Upload Scheme File", attachment=False, store=False,
                                help="A perfcore scheme file (.yaml); replaces the source when saved.")
    source_filename = fields.Char(store=False)
    # -- the designer's header (perfcore's top-level keys) --
    title = fields.Char(help="The scheme's title in its document.")
    description = fields.Text()
    seed = fields.Char(help="The source documents it was read from.")
    subject_kind = fields.Selection(
        [("employee", "Employees"), ("unit", "Departments")], default="employee", string="Appraises"
    )
    period_week = fields.Boolean(string="Weekly")
    period_month = fields.Boolean(string="Monthly")
    period_quarter = fields.Boolean(string="Quarterly")
    period_half_year = fields.Boolean(string="Half-yearly")
    period_year = fields.Boolean(string="Yearly")
    total_max = fields.Char(string="Total At Most", help="Highest total (the indicators' points sum to it).")
    direct_total = fields.Char(help="An input that, when given, is the total itself.")
    event_note_required = fields.Boolean(string="Events Need A Reason")
    event_max_count = fields.Integer(string="Most Occurrences Per Entry", default=100)
    event_max_points = fields.Char(string="Most Points Per Occurrence", default="100")
    veto_grade = fields.Char(help="The grade a veto (一票否决) gives.")
    tie_break = fields.Char(help="Indicator codes that rank equal totals, comma-separated.")
    distribution_mode = fields.Selection([("forced", "Forced (exact quotas)"), ("cap", "Capped (at most)")],
                                         string="Forced Distribution")
    distribution_scope = fields.Selection([("group", "Per group"), ("all", "Whole cycle")], default="group")
    pay_basis = fields.Char(help="absolute or relative (to the group mean), or a $parameter.")
    pay_name = fields.Char(string="Pay Called",
                           help="What the money is called when it is not performance pay (a clinic's 补助); "
                                "empty: performance pay.")
    advanced_yaml = fields.Text(string="Advanced (YAML)",
                                help="Parts of the scheme the forms do not show (sub-periods, KPI cards, eligibility, "
                                     "annual roll-up, year-end pools …), as perfcore YAML.")
    top_indicator_ids = fields.One2many("perf.scheme.indicator", "scheme_id", string="Indicators",
                                        domain=[("parent_id", "=", False)])
    indicator_ids = fields.One2many("perf.scheme.indicator", "scheme_id", string="All Indicators")
    scheme_rater_ids = fields.One2many("perf.scheme.rater", "scheme_id", string="Rater Roles",
                                       domain=[("indicator_id", "=", False)])
    rater_ids = fields.One2many("perf.scheme.rater", "scheme_id", string="All Rater Roles")
    input_ids = fields.One2many("perf.scheme.input", "scheme_id", string="Inputs")
    pay_rate_ids = fields.One2many("perf.scheme.pay.rate", "scheme_id", string="Pay Tables")
    pay_component_ids = fields.One2many("perf.scheme.pay.component", "scheme_id", string="Pay Components")
    rule_ids = fields.One2many("perf.scheme.rule", "scheme_id", string="Cross-Period Rules")
    design_problems = fields.Text(compute="_compute_design_problems",
                                  help="What perfcore finds wrong in the scheme as designed, each at its place.")
    preset_source_hash = fields.Char(readonly=True, copy=False,
                                     help="SHA-256 of the preset file this record was last loaded from.")
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
        compute="_compute_pay_confidential", store=True, help="The pay formulas read a wage: pay results and their breakdown are read only by the "
                            "appraisee, contract readers and payroll.")
    cycle_ids = fields.One2many("perf.cycle", "scheme_id")
    cycle_count = fields.Integer(compute="_compute_cycle_count")
    version = fields.Integer(default=1, readonly=True, copy=False, required=True)
    previous_version_id = fields.Many2one("perf.scheme", readonly=True, copy=False,
                                          index=True, ondelete="restrict")
    content_hash = fields.Char(compute="_compute_content_hash",
                               help="SHA-256 (first 12 hex digits) of the scheme document and its parameter values: "
                                    "the exact rules its cycles run with.")
    frozen = fields.Boolean(compute="_compute_frozen",
                            help="A cycle with this version has started: its rules are fixed, changes go into a new "
                                 "version.")
    version_ids = fields.Many2many("perf.scheme", compute="_compute_version_ids", string="Versions",
                                   context={"active_test": False})
    version_diff_html = fields.Html(compute="_compute_version_diff_html", sanitize=False, string="Changes",
                                    help="What this version changed in the previous one's document and parameters.")

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id, version)",
         "A scheme code must be unique per company and version."),
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
        if in_design_batch():
            return  # the designer checks the whole document once its lines are written
        for scheme in self:
            try:
                scheme._perfcore_scheme()
            except perfcore.PerfcoreError as exc:
                raise ValidationError(self.env._("The scheme %(code)s is invalid:\n%(problems)s",
                                                 code=scheme.code, problems=str(exc))) from None

    # -- document → designer ---------------------------------------------------------------
    def _sync_from_source(self):
        """The designer's records (and the read-only facts) from the YAML source, updated by code."""
        for scheme in self:
            try:
                document = parse_text(scheme.source_yaml or "", f"perf.scheme {scheme.code}")
                parsed = perfcore.parse_scheme(document)
            except perfcore.PerfcoreError as exc:
                raise ValidationError(str(exc)) from None
            data = document.data
            with workflow(), design_batch():
                scheme.write(scheme._document_vals(data, parsed))
                scheme._import_indicators(data)

    def _document_vals(self, data, parsed):
        values = document_values(HEADER, data)
        values.update({f"period_{kind}": kind in (data.get("periods") or []) for kind in PERIOD_KINDS})
        values.update({
            "code": parsed.id,
            "title": parsed.title,
            "subject_kind": parsed.subject,
            "event_max_count": parsed.event_max_count,
            "event_max_points": to_text(data.get("event_max_points", parsed.event_max_points)),
            "period_kinds": ", ".join(parsed.periods),
        })
        distribution = data.get("distribution") or {}
        values["distribution_mode"] = distribution.get("mode") or False
        values["distribution_scope"] = distribution.get("scope") or "group"
        quotas = {q["grade"]: to_text(q["percent"]) for q in distribution.get("quotas") or []}
        pay = data.get("pay") or {}
        values["pay_basis"] = to_text(pay.get("basis")) if pay.get("basis") is not None else False
        values["pay_name"] = pay.get("name") or False
        advanced = {key: data[key] for key in ADVANCED_KEYS if key in data}
        if any(key in pay for key in ADVANCED_PAY_KEYS):
            advanced["pay"] = {key: pay[key] for key in ADVANCED_PAY_KEYS if key in pay}
        values["advanced_yaml"] = dump_text(advanced) if advanced else False

        existing = {p.name: p for p in self.parameter_ids}
        commands = []
        for index, (name, spec) in enumerate((data.get("parameters") or {}).items()):
            spec = spec if isinstance(spec, dict) else {"value": spec}
            default = _text(spec.get("value"))
            meta = {"sequence": index, "default_value": default, **document_values(PARAMETER, spec)}
            if name in existing:
                line = existing.pop(name)
                if line.value in (False, line.default_value) and not self.frozen:  # not overridden: follow
                    meta["value"] = default
                commands.append(fields.Command.update(line.id, meta))
            else:
                commands.append(fields.Command.create({"name": name, "value": default, **meta}))
        values["parameter_ids"] = commands + [fields.Command.delete(line.id) for line in existing.values()]
        values["attribute_ids"] = self._attribute_commands(data.get("attributes") or [])
        values["grade_ids"] = self._mirror_commands(self.grade_ids, [
            {**document_values(GRADE, g), "quota": quotas.get(g.get("code"), False)} for g in data.get("grades") or []])
        values["event_type_ids"] = self._mirror_commands(self.event_type_ids, [
            {**document_values(EVENT, e), "kind": e.get("kind") or "points", "level": e.get("level") or "total",
             "scope": e.get("scope") or "period",
             "range_min": to_text(e["range"][0]) if e.get("range") else False,
             "range_max": to_text(e["range"][1]) if e.get("range") else False} for e in data.get("events") or []])
        values["input_ids"] = self._mirror_commands(self.input_ids, [
            document_values(INPUT, i) for i in data.get("inputs") or []])
        values["pay_component_ids"] = self._mirror_commands(self.pay_component_ids, [
            {**document_values(COMPONENT, c), "split_pool": (c.get("split") or {}).get("pool", False),
             "split_weight": (c.get("split") or {}).get("weight", False),
             "split_scope": (c.get("split") or {}).get("scope", "group")} for c in pay.get("components") or []])
        values["pay_rate_ids"] = self._mirror_commands(self.pay_rate_ids, [
            {"table": table, "key": str(key), "value": to_text(value)}
            for table, rows in (pay.get("tables") or {}).items() for key, value in rows.items()],
            key=lambda row: (row["table"], row["key"]))
        values["rule_ids"] = self._mirror_commands(self.rule_ids, [
            document_values(RULE, r) for r in data.get("cross_period") or []], key=lambda row: row["sequence"])
        return values

    @staticmethod
    def _mirror_commands(existing, rows, key=lambda row: row["code"]):
        """Commands that make ``existing`` equal ``rows``, updated by key (records others refer to keep their id)."""
        by_key, commands = {}, []
        for record in existing:
            if key(record) in by_key:  # a duplicate key: one record per key
                commands.append(fields.Command.delete(record.id))
            else:
                by_key[key(record)] = record
        for index, row in enumerate(rows):
            row = {**row, "sequence": index}
            record = by_key.pop(key(row), None)
            commands.append(fields.Command.update(record.id, row) if record else fields.Command.create(row))
        return commands + [fields.Command.delete(record.id) for record in by_key.values()]

    def _attribute_commands(self, attributes):
        """The scheme's attributes as definitions (type, bounds, values with their labels), updated by code."""
        rows = []
        for attribute in attributes:
            labels = attribute.get("labels") or {}
            default = attribute.get("default")
            rows.append({
                **document_values(ATTRIBUTE, attribute), "type": attribute.get("type") or "text",
                "default_value": (", ".join(map(str, default)) or "[]" if isinstance(default, list) else _text(default))
                if default is not None else False,
                "value_ids": [fields.Command.clear()] + [
                    fields.Command.create({"sequence": i, "code": str(v), "label": labels.get(v, v)})
                    for i, v in enumerate(attribute.get("values") or [])],
            })
        return self._mirror_commands(self.attribute_ids, rows)

    def _import_indicators(self, data):
        """The indicator tree and the rater roles, updated by code (one record per node)."""
        Indicator, Rater = self.env["perf.scheme.indicator"], self.env["perf.scheme.rater"]
        indicators = {i.code: i for i in self.indicator_ids}
        raters = {(r.indicator_id.code or "", r.code): r for r in self.rater_ids}
        kept_indicators, kept_raters = Indicator, Rater

        def save(records, model, key, values):
            record = records.pop(key, None)
            if record:
                record.write(values)
                return record
            return model.create(values)

        def roles(rows, indicator):
            nonlocal kept_raters
            for index, row in enumerate(rows):
                kept_raters |= save(raters, Rater, (indicator.code or "", row["code"]), {
                    **document_values(RATER, row), "sequence": index, "scheme_id": self.id,
                    "indicator_id": indicator.id or False})

        def walk(rows, parent):
            nonlocal kept_indicators
            for index, row in enumerate(rows):
                scale = row.get("scale")
                indicator = save(indicators, Indicator, row["code"], {
                    **document_values(INDICATOR, row), "sequence": index, "scheme_id": self.id,
                    "parent_id": parent.id or False, "own_raters": row.get("raters") is not None,
                    "scale_min": to_text(scale[0]) if scale else False,
                    "scale_max": to_text(scale[1]) if scale else False})
                kept_indicators |= indicator
                roles(row.get("raters") or [], indicator)
                walk(row.get("items") or [], indicator)

        roles(data.get("raters") or [], Indicator)
        walk(data.get("indicators") or [], Indicator)
        (self.rater_ids - kept_raters).unlink()
        (self.indicator_ids - kept_indicators).unlink()

    # -- designer → document ---------------------------------------------------------------
    def _design_document(self):
        """(document, problems): the perfcore document of the designer's records and what perfcore
        finds wrong with it, each problem as text naming the record and field it concerns."""
        self.ensure_one()
        document, places, problems = export_document(self)
        texts = [self._design_place(places, path) + message for path, message in problems]
        if not texts:
            try:
                perfcore.parse_scheme(document, self._parameter_overrides())
            except perfcore.PerfcoreError as exc:
                for problem in exc.problems:
                    texts.append(self._design_place(places, problem.location) + problem.detail())
        return document, texts

    def _design_place(self, places, path):
        """'指标 护士长考核 › 权重: ' for the path of a problem: the deepest record that holds it."""
        best, label = (), ""
        for place, name in places:
            if path[:len(place)] == place and len(place) >= len(best):
                best, label = place, name
        rest = [part for part in path[len(best):] if not isinstance(part, int)]
        section = _SECTION_LABELS.get(best[0] if best else "", "")
        words = [self.env._(section) if section else "", label if label not in _SECTION_LABELS else ""]
        if rest:
            words.append(self._design_field_label(best, rest[0]))
        return " › ".join(w for w in words if w) + ": " if any(words) else ""

    def _design_field_label(self, place, key):
        model = _PLACE_MODELS.get(place[0] if place else "", "perf.scheme")
        if place and place[0] == "indicators" and "raters" in place:
            model = "perf.scheme.rater"
        for doc_key, field, _kind in DOCUMENT_FIELDS.get(model, ()):
            if doc_key == key:
                return self.env[model]._fields[field]._description_string(self.env)
        return key

    def _design_rebuild(self):
        """Write the designer's records into the YAML source, once perfcore accepts them."""
        for scheme in self:
            document, problems = scheme._design_document()
            if problems:
                raise ValidationError(self.env._("The scheme %(name)s cannot be saved so:\n%(problems)s",
                                                 name=scheme.name, problems="\n".join(problems)))
            try:
                current = parse_text(scheme.source_yaml or "", "current").data
            except perfcore.PerfcoreError:
                current = None
            if current == document:
                continue  # the same rules: keep the source as written (its comments)
            with workflow(), design_batch():
                # the source follows the records: not read back into them
                scheme.write({"source_yaml": dump_text(document), "period_kinds": ", ".join(document["periods"])})

    @api.depends(lambda self: _DESIGN_DEPENDS)
    def _compute_design_problems(self):
        for scheme in self:
            scheme.design_problems = "\n".join(scheme._design_document()[1]) or False

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
            if not vals.get("source_yaml"):
                vals.setdefault("title", vals.get("name"))
        # the lines come with the scheme: the document is written and checked once, at the end
        with design_batch():
            schemes = super().create(vals_list)
        from_source = schemes.filtered("source_yaml")
        from_source._sync_from_source()
        (schemes - from_source)._design_rebuild()
        return schemes

    def write(self, vals):
        if not in_workflow() and RULE_FIELDS & set(vals):
            self._check_not_frozen()
        vals = self._source_from_upload(dict(vals))
        designing = not in_workflow() and bool(DESIGN_FIELDS & set(vals)) and "source_yaml" not in vals
        if designing:
            with design_batch():
                result = super().write(vals)
        else:
            result = super().write(vals)
        if "source_yaml" in vals and not in_design_batch():
            self._sync_from_source()
        elif designing:
            self._design_rebuild()
        return result

    # -- versions ------------------------------------------------------------------------
    def _check_not_frozen(self):
        for scheme in self.filtered("frozen"):
            raise UserError(self.env._(
                "%(scheme)s (version %(version)s) is used by started cycles (%(cycles)s): its rules are fixed, so that "
                "their results and pay never change. Create a new version to change them.",
                scheme=scheme.name, version=scheme.version,
                cycles=", ".join(scheme.sudo().cycle_ids.filtered(lambda c: c.state != "draft")[:5].mapped("name"))))

    def action_new_version(self):
        """A new version of this scheme to edit (perf admin): this one stays, frozen, for the cycles
        that started with it; draft cycles move to the new one."""
        self._perf_one()
        if not self._perf_has_group(ADMIN):
            raise AccessError(self.env._("Only the performance administrator creates scheme versions."))
        self.check_access("write")
        new = self._new_version()
        return {"type": "ir.actions.act_window", "res_model": "perf.scheme", "res_id": new.id, "view_mode": "form",
                "target": "current"}

    def _new_version(self, source=None):
        """Version n+1 with this one's document (or ``source``) and parameter values; this version is
        archived (its cycles keep it), the draft cycles follow the new one."""
        scheme = self.sudo()
        newer = scheme.with_context(active_test=False).search([("previous_version_id", "=", scheme.id)], limit=1)
        if newer:
            raise UserError(self.env._("%(scheme)s already has a newer version (%(version)s): edit that one.",
                                       scheme=scheme.name, version=newer.version))
        latest = max(scheme._all_versions().mapped("version"))
        values = {p.name: p.value for p in scheme.parameter_ids if p.value != p.default_value}
        with workflow():
            new = scheme.copy({"version": latest + 1, "previous_version_id": scheme.id, "is_preset": scheme.is_preset,
                               "source_yaml": source or scheme.source_yaml})
            for parameter in new.parameter_ids.filtered(lambda p: p.name in values):
                parameter.value = values[parameter.name]
            scheme.cycle_ids.filtered(lambda c: c.state == "draft" and not c.step_running).write({"scheme_id": new.id})
            scheme.active = False
        scheme.message_post(body=self.env._("Version %(version)s created by %(user)s; this version stays with its "
                                            "cycles.", version=new.version, user=self.env.user.name))
        return new

    @api.depends("source_yaml", "parameter_ids.value")
    def _compute_pay_confidential(self):
        for scheme in self:
            try:  # with the parameter values: a text parameter may be a formula that reads a wage
                scheme.pay_confidential = bool(_pay_names(scheme._perfcore_scheme()) & CONFIDENTIAL_ATTRIBUTES)
            except perfcore.PerfcoreError:
                scheme.pay_confidential = True  # unreadable rules: treat the pay as confidential

    @api.depends("source_yaml", "parameter_ids.value")
    def _compute_content_hash(self):
        for scheme in self:
            document = (scheme.source_yaml or "") + "\n" + json.dumps(
                sorted(scheme._parameter_overrides().items()), ensure_ascii=False)
            scheme.content_hash = hashlib.sha256(document.encode()).hexdigest()[:12]

    def _compute_frozen(self):
        started = self.env["perf.cycle"].sudo()._read_group(
            [("scheme_id", "in", self.ids), "|", ("state", "!=", "draft"), ("step_running", "!=", False)],
            ["scheme_id"], ["__count"])
        frozen = {scheme.id for scheme, _count in started}
        for scheme in self:
            scheme.frozen = scheme.id in frozen

    def _all_versions(self):
        """Every version of this scheme (same code and company), newest first."""
        self.ensure_one()
        return self.sudo().with_context(active_test=False).search(
            [("code", "=", self.code), ("company_id", "=", self.company_id.id)], order="version desc")

    def _compute_version_ids(self):
        for scheme in self:
            scheme.version_ids = scheme._all_versions().with_env(self.env)

    @api.depends("source_yaml", "parameter_ids.value", "previous_version_id")
    def _compute_version_diff_html(self):
        for scheme in self:
            previous = scheme.previous_version_id.sudo()
            if not previous:
                scheme.version_diff_html = False
                continue
            lines = list(difflib.unified_diff((previous.source_yaml or "").splitlines(),
                                              (scheme.source_yaml or "").splitlines(),
                                              f"v{previous.version}", f"v{scheme.version}", lineterm="", n=1))
            before, after = previous._parameter_overrides(), scheme._parameter_overrides()
            lines += [f"{name}: {before.get(name, '-')} → {after.get(name, '-')}"
                      for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name)]
            # escaped: the document is the administrator's text
            scheme.version_diff_html = "<pre>%s</pre>" % html.escape("\n".join(lines) or self.env._("No change."))

    @api.model
    def _code_of(self, source):
        try:
            return perfcore.parse_scheme(parse_text(source, "upload")).id
        except perfcore.PerfcoreError as exc:
            raise ValidationError(str(exc)) from None

    @api.model
    def _load_presets(self):
        """Create or refresh the perfcore presets; idempotent (run on install and upgrade only:
        private, so that nobody reverts the administrator's edits over RPC).  A preset the
        administrator changed in the designer keeps the changes: a new file version is only posted."""
        Scheme = self.with_context(active_test=False).sudo()
        for sequence, scheme_id in enumerate(perfcore.preset_ids()):
            source = preset_path(scheme_id).read_text(encoding="utf-8")
            digest = hashlib.sha256(source.encode()).hexdigest()
            existing = Scheme.search([("code", "=", scheme_id), ("is_preset", "=", True)], order="version desc",
                                     limit=1)
            if existing:
                if existing.preset_source_hash == digest:
                    continue
                edited = existing.preset_source_hash and existing.source_yaml != existing._preset_text_loaded()
                if edited and existing.source_yaml != source:
                    existing.message_post(body=self.env._(
                        "The shipped preset %(code)s changed; this scheme keeps your changes. Duplicate the preset "
                        "to see the shipped rules.", code=scheme_id))
                elif existing.source_yaml != source:
                    # a preset that started cycles keeps its rules for them: the new rules are a new version
                    existing = existing._new_version(source) if existing.frozen else existing
                    if existing.source_yaml != source:
                        with workflow():
                            existing.write({"source_yaml": source})
                with workflow():
                    existing.write({"preset_source_hash": digest})
                continue
            title = perfcore.parse_scheme(parse_text(source, scheme_id)).title
            with workflow():  # shipped, not created by anyone: no "created" note (in the install's language)
                Scheme.with_context(mail_create_nolog=True).create({
                    "name": title, "code": scheme_id, "source_yaml": source, "is_preset": True,
                    "sequence": sequence, "preset_source_hash": digest})
        # what a new version of the addon reads from every scheme (attribute definitions …)
        schemes = Scheme.search([("source_yaml", "!=", False)])
        schemes._sync_from_source()
        schemes.modified(["source_yaml"])  # and what it derives from them (pay confidentiality)
        return True

    def _preset_text_loaded(self):
        """The source as last loaded from the preset file, when it is unchanged (else None)."""
        text = self.source_yaml or ""
        return text if hashlib.sha256(text.encode()).hexdigest() == self.preset_source_hash else None

    # -- designer actions --------------------------------------------------------------------
    def _preview_example(self):
        """The shipped example to try the scheme on: its own, or the preset it was duplicated from."""
        names = example_ids()
        code = self.code or ""
        while code and code not in names:
            code = code.rpartition("-")[0]
        return code or (names[0] if names else False)

    def action_preview(self):
        """Try the scheme as designed on a shipped example (perf admin)."""
        self._perf_one()
        if not self._perf_has_group(ADMIN):
            raise AccessError(self.env._("Only the performance administrator previews schemes."))
        preview = self.env["perf.scheme.preview"].create({"scheme_id": self.id, "example": self._preview_example()})
        return {"type": "ir.actions.act_window", "res_model": "perf.scheme.preview", "res_id": preview.id,
                "view_mode": "form", "target": "new", "name": self.env._("Preview: %s", self.name)}

    def action_duplicate(self):
        """A copy of this scheme (a preset, typically) under a new code, to adapt in the designer."""
        self._perf_one()
        if not self._perf_has_group(ADMIN):
            raise AccessError(self.env._("Only the performance administrator designs schemes."))
        self.check_access("read")
        scheme = self.sudo()
        codes = set(self.with_context(active_test=False).sudo().search([("code", "=like", f"{scheme.code}-%")]).mapped(
            "code"))
        code = next(f"{scheme.code}-{n}" for n in range(2, 1000) if f"{scheme.code}-{n}" not in codes)
        document = parse_text(scheme.source_yaml, scheme.code).data
        document["id"] = code
        copy = self.create({
            "name": self.env._("%(name)s (copy)", name=scheme.name), "code": code, "source_yaml": dump_text(document),
            "company_id": self.env.company.id, "interview_required_for_pay": scheme.interview_required_for_pay})
        return {"type": "ir.actions.act_window", "res_model": "perf.scheme", "res_id": copy.id, "view_mode": "form",
                "target": "current"}

    # -- display -------------------------------------------------------------------------
    @api.depends("name", "version")
    def _compute_display_name(self):
        for scheme in self:
            scheme.display_name = f"{scheme.name} v{scheme.version}" if scheme.version > 1 else scheme.name

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
