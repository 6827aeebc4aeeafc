import base64
import binascii
import difflib
import hashlib
import html
import json
from collections import OrderedDict

import perfcore
from perfcore.decimals import fmt
from perfcore.presets import preset_path
from perfcore.yamlio import SCHEME_MAX_BYTES, parse_text

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .perf_cycle import CONFIDENTIAL_ATTRIBUTES
from .perf_workflow_mixin import ADMIN, in_workflow, workflow
from .scheme_summary import period_kinds_label, summary_html

# Parsed schemes by (record id, source digest, parameter values), most recently used last:
# parsing is cheap but not free, and a long-running server must not keep every version.
_PARSED = OrderedDict()
_PARSED_SIZE = 64

#: What decides a cycle's results: fixed once a cycle with the scheme has started (code and company
#: too: a scheme's versions, whose events count, are found by them).
RULE_FIELDS = frozenset({"source_yaml", "source_file", "parameter_ids", "interview_required_for_pay", "code",
                         "company_id"})


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
                                       "grade_ids", "event_type_ids", "pay_confidential", "version",
                                       "previous_version_id"})
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
        if not in_workflow() and RULE_FIELDS & set(vals):
            self._check_not_frozen()
        vals = self._source_from_upload(dict(vals))
        result = super().write(vals)
        if "source_yaml" in vals:
            self._sync_from_source()
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
        private, so that nobody reverts the administrator's edits over RPC)."""
        Scheme = self.with_context(active_test=False).sudo()
        for sequence, scheme_id in enumerate(perfcore.preset_ids()):
            source = preset_path(scheme_id).read_text(encoding="utf-8")
            existing = Scheme.search([("code", "=", scheme_id), ("is_preset", "=", True)], order="version desc",
                                     limit=1)
            if existing:
                if existing.source_yaml != source:
                    # a preset that started cycles keeps its rules for them: the new rules are a new version
                    if existing.frozen:
                        existing._new_version(source)
                    else:
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
