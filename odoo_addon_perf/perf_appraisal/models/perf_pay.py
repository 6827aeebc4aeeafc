import html
import json

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .cycle_terms import DONE_STATES
from .perf_workflow_mixin import in_workflow, workflow

REPLACEABLE = ("draft", "to_pay", "withheld")


def _payable_state(scheme, interview_done):
    """What publication makes of a result: payable, or withheld until the interview when the
    scheme says so (不面谈不发奖金)."""
    return "withheld" if scheme.interview_required_for_pay and not interview_done else "to_pay"


class PerfPay(models.Model):
    """Performance pay as perfcore computed it.  Nobody edits it: it is created by the computation,
    released by publication and the interview, paid by payroll, cancelled by HR."""

    _name = "perf.pay"
    _description = "Performance Pay Result"
    _inherit = ["perf.workflow.mixin"]
    _order = "pay_date desc, id desc"

    # name and scheme are written with the result (its subject's name and the cycle's scheme when
    # computed): columns of the INSERT, not computed row by row and UPDATEd after it
    name = fields.Char(readonly=True)
    employee_id = fields.Many2one("hr.employee", index=True)
    department_id = fields.Many2one("hr.department", index=True, help="The unit paid, for unit schemes.")
    appraisal_id = fields.Many2one("perf.appraisal", index=True, ondelete="restrict")
    cycle_id = fields.Many2one("perf.cycle", index=True, ondelete="restrict")
    scheme_id = fields.Many2one("perf.scheme", readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    period = fields.Char(required=True)
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    pay_date = fields.Date(required=True, index=True)
    # Exact cents from perfcore (rounded once, half-up): a numeric(16, 2) column shown in the currency. Not a
    # Monetary field, which would look the currency up row by row to round it again when results are created.
    amount = fields.Float(digits=(16, 2), required=True)
    components_json = fields.Text(string="Components", help="Named components as perfcore computed them.")
    confidential = fields.Boolean(readonly=True, help="Computed from a wage: read by the employee, contract readers "
                                                      "and payroll only.")
    components_html = fields.Html(compute="_compute_components_html", sanitize=False)
    state = fields.Selection([("draft", "Draft"), ("to_pay", "To Pay"), ("withheld", "Withheld"),
                              ("paid", "Paid"), ("cancelled", "Cancelled")], default="draft", required=True, index=True)

    # Every field is the workflow's (and payroll's, through the bridge): nobody creates or edits
    # a result by hand, whatever their group.
    @api.model_create_multi
    def create(self, vals_list):
        if not in_workflow():
            raise AccessError(self.env._("Performance pay is created by computing its cycle, not by hand."))
        return super().create(vals_list)

    def write(self, vals):
        if not in_workflow():
            raise AccessError(self.env._("Performance pay changes only through the workflow (publication, "
                                         "interview, payroll, cancellation), not by editing."))
        return super().write(vals)

    @api.depends("components_json", "scheme_id")
    def _compute_components_html(self):
        for pay in self:
            components = json.loads(pay.components_json or "{}")
            names = pay._component_names()
            rows = []
            for code, value in components.items():
                shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
                rows.append(f"<tr><td>{html.escape(names.get(code, code))}</td>"
                            f"<td class='text-end'>{html.escape(shown)}</td></tr>")
            pay.components_html = "<table class='table table-sm'>" + "".join(rows) + "</table>"

    def _component_names(self):
        """What each component is called: the scheme's name (绩效奖金), or words for the pools' parts."""
        scheme = self.sudo().scheme_id._perfcore_scheme() if self.sudo().scheme_id else None
        names = {"installments": self.env._("Installments"), "forfeited": self.env._("Forfeited"),
                 "consulting": self.env._("Consulting reward")}
        pools = {"contracts": self.env._("Contracts pool"), "commission": self.env._("Profit commission")}
        parts = {"gm": self.env._("general manager"), "market_manager": self.env._("market manager"),
                 "market_discretionary": self.env._("market, discretionary"),
                 "market_equal": self.env._("market, equal share"), "others_equal": self.env._("others, equal share"),
                 "others_discretionary": self.env._("others, discretionary")}
        for pool, pool_name in pools.items():
            for part, part_name in parts.items():
                names[f"{pool}.{part}"] = f"{pool_name} · {part_name}"
        if scheme is not None and scheme.pay:
            names.update({c.code: c.name for c in scheme.pay.components if c.name})
        return names

    @api.model
    def _sync_from_evaluation(self, cycle, evaluation, keys):
        """Make the cycle's unpaid results perfcore's; paid ones are never touched or doubled.

        An unpaid result is updated in place (only what changed is written: a calibration that moves
        a few grades rewrites a few amounts), created when new, deleted when gone.  A result is
        payable at once only for an appraisal that is published; a reopened one waits in draft
        until it is published again."""
        appraisal_ids = list(keys)
        existing = self.sudo().search([("appraisal_id", "in", appraisal_ids)])
        paid_for = set(existing.filtered(lambda p: p.state == "paid").appraisal_id.ids)
        current, stale = {}, self.sudo()
        for pay in existing.filtered(lambda p: p.state in REPLACEABLE):
            if pay.appraisal_id.id in current:
                stale |= pay
            else:
                current[pay.appraisal_id.id] = pay
        by_key = {r.id: r for r in evaluation.results}
        appraisals = self.env["perf.appraisal"].sudo().browse(appraisal_ids)
        subjects = {row["id"]: row for row in appraisals.read(
            ["employee_id", "department_id", "subject_name", "state", "interview_done"], load=None)}
        scheme = cycle.scheme_id
        unit = scheme.subject_kind == "unit"
        vals_list, updates = [], {}
        for appraisal_id, key in keys.items():
            result = by_key[key]
            if result.pay is None or appraisal_id in paid_for:
                continue
            components = {k: str(v) for k, v in result.pay.components.items()}
            if result.pay.installments is not None:
                components["installments"] = [str(v) for v in result.pay.installments]
                components["forfeited"] = str(result.pay.forfeited or 0)
            subject = subjects[appraisal_id]
            # what publication makes of a fresh (draft) result (see _release_after_publication)
            state = _payable_state(scheme, subject["interview_done"]) if subject["state"] in DONE_STATES else "draft"
            values = {
                "name": f"{subject['subject_name'] or ''} {cycle.period or ''}".strip(),
                "period": cycle.period, "date_from": cycle.date_from, "date_to": cycle.date_to,
                "pay_date": cycle.pay_date or cycle.date_to, "amount": float(result.pay.amount),
                "components_json": json.dumps(components, ensure_ascii=False),
                "confidential": scheme.pay_confidential, "state": state,
            }
            pay = current.pop(appraisal_id, None)
            if pay:
                changed = {name: value for name, value in values.items() if pay[name] != value}
                if changed:
                    updates[pay] = changed
                continue
            vals_list.append({
                **values, "employee_id": subject["employee_id"],
                "department_id": subject["department_id"] if unit else False,
                "appraisal_id": appraisal_id, "cycle_id": cycle.id, "scheme_id": scheme.id,
                "company_id": cycle.company_id.id})
        with workflow():
            (stale | self.sudo().union(*current.values())).unlink()
            for pay, changed in updates.items():
                pay.write(changed)
            pays = self.sudo().create(vals_list)
        return pays

    @api.model
    def _drop_unpaid(self, appraisals):
        """Excluded appraisals get no pay: their unpaid results go."""
        if appraisals:
            self.sudo().search([("appraisal_id", "in", appraisals.ids), ("state", "in", REPLACEABLE)]).unlink()

    def _release_after_publication(self):
        """Draft results become payable at publication, or withheld until the interview (不面谈不发奖金)."""
        drafts = self.filtered(lambda p: p.state == "draft")
        withheld = drafts.filtered(lambda p: _payable_state(p.scheme_id, p.appraisal_id.interview_done) == "withheld")
        with workflow():  # two writes, however many results
            withheld.write({"state": "withheld"})
            (drafts - withheld).write({"state": "to_pay"})

    def _release_after_interview(self):
        with workflow():
            self.filtered(lambda p: p.state == "withheld" and p.appraisal_id.interview_done).write({"state": "to_pay"})

    def action_cancel(self):
        """HR cancels an unpaid result (not their own)."""
        self._perf_check_officer(self.env._("cancel performance pay"))
        self.check_access("read")
        if not self.env.su and any(p.employee_id.user_id == self.env.user for p in self.sudo()):
            raise AccessError(self.env._("Nobody cancels (or keeps) their own performance pay."))
        if any(p.state == "paid" for p in self):
            raise UserError(self.env._("A paid result is cancelled from its payslip, not here."))
        with workflow():
            self.sudo().write({"state": "cancelled"})
        return True
