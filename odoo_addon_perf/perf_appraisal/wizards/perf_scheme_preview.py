import functools
from collections import Counter

import perfcore
from markupsafe import Markup
from perfcore.decimals import fmt
from perfcore.presets import example_ids, example_path
from perfcore.yamlio import PERIOD_MAX_BYTES, load_document, parse_text

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..models.perf_workflow_mixin import ADMIN


def _examples(model):
    """The shipped examples by what they are: the preset's title and the example's period
    (护士绩效奖金 · 2024-05), not the file's name."""
    return [(name, _example_label(name)) for name in example_ids()]


@functools.cache
def _example_label(name):
    document = load_document(example_path(name))
    scheme_id, period = document.data.get("scheme"), document.data.get("period")
    try:
        title = perfcore.load_preset(scheme_id).title if scheme_id else name
    except perfcore.UnknownSchemeError:
        title = name
    return f"{title} · {period}" if period else title


class PerfSchemePreview(models.TransientModel):
    """Runs a scheme as designed on a shipped example period and shows what it gives — totals,
    grades, distribution, pay and each person's breakdown — before any cycle uses it."""

    _name = "perf.scheme.preview"
    _description = "Scheme Preview"

    scheme_id = fields.Many2one("perf.scheme", required=True, readonly=True, ondelete="cascade")
    example = fields.Selection(_examples, required=True, help="A shipped example period (data/examples).")
    result_html = fields.Html(compute="_compute_result_html", sanitize=False, string="Results")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        scheme = self.env["perf.scheme"].browse(values.get("scheme_id") or self.env.context.get("default_scheme_id"))
        if "example" in fields_list and scheme:
            values["example"] = scheme._preview_example()
        return values

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.user.has_group(ADMIN):
            raise AccessError(self.env._("Only the performance administrator previews schemes."))
        return super().create(vals_list)

    @api.depends("scheme_id", "example")
    def _compute_result_html(self):
        for preview in self:
            preview.result_html = preview._render() if preview.scheme_id and preview.example else False

    def _render(self):
        env = self.env
        try:
            with perfcore.use_locale(env.lang):
                path = example_path(self.example)
                document = parse_text(path.read_text(encoding="utf-8"), path.name, max_bytes=PERIOD_MAX_BYTES)
                scheme = self.scheme_id._perfcore_scheme()
                document.data["scheme"] = scheme.id  # the example of the preset, for its copy
                evaluation = perfcore.evaluate(scheme, document, trace=True)
                rows = [(r, [line.reason for line in r.breakdown]) for r in evaluation.results]
        except perfcore.PerfcoreError as exc:
            # escaped: the problems quote the administrator's formulas and codes
            return Markup('<div class="alert alert-warning" role="alert"><p>%s</p><pre>%s</pre></div>') % (
                env._("The example does not fit the scheme as designed:"), str(exc))
        grades = Counter(r.grade_label or r.grade for r, _lines in rows if r.grade)
        html = Markup('<p class="text-muted">%s</p>') % env._(
            "%(count)s people of the example %(example)s; grades: %(grades)s", count=len(rows), example=self.example,
            grades=", ".join(f"{label} {count}" for label, count in grades.items()) or "-")
        html += Markup('<table class="table table-sm o_perf_preview"><thead><tr>%s</tr></thead><tbody>') % Markup(
            "").join(Markup("<th>%s</th>") % title for title in (
                env._("Person"), env._("Group"), env._("Total"), env._("Grade"), env._("Rank"), env._("Pay"),
                env._("Flags"), env._("Breakdown")))
        for result, lines in rows:
            cells = (result.name or result.id, result.group or "", fmt(result.total, 2) if result.total is not None
                     else (result.excluded_reason or ""), result.grade_label or result.grade or "",
                     result.rank or "", fmt(result.pay.amount, 2) if result.pay else "", ", ".join(result.flags))
            html += Markup("<tr>%s<td><small>%s</small></td></tr>") % (
                Markup("").join(Markup("<td>%s</td>") % cell for cell in cells),
                Markup("<br/>").join(lines))
        return html + Markup("</tbody></table>")
