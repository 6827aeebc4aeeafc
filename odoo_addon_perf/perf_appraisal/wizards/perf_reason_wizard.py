from odoo import api, fields, models
from odoo.exceptions import UserError

# The workflow steps that need a reason: (model, method) → what the dialog asks.
ACTIONS = {
    "exclude": ("perf.appraisal", "action_exclude"),
    "reverse": ("perf.event", "action_reverse"),
}


class PerfReasonWizard(models.TransientModel):
    """Asks the reason a workflow step records (excluding an appraisal, reversing an event) and
    calls that step; the step itself checks who may take it."""

    _name = "perf.reason.wizard"
    _description = "Reason for a Workflow Step"

    action = fields.Selection([("exclude", "Exclude from the cycle"), ("reverse", "Reverse the event")],
                              required=True, readonly=True)
    res_ids = fields.Char(required=True, readonly=True)
    reason = fields.Text(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "res_ids" in fields_list and self.env.context.get("active_ids"):
            values["res_ids"] = ",".join(str(i) for i in self.env.context["active_ids"])
        return values

    def action_confirm(self):
        self.ensure_one()
        model, method = ACTIONS[self.action]
        try:
            ids = [int(i) for i in self.res_ids.split(",") if i]
        except ValueError:
            raise UserError(self.env._("No records to act on.")) from None
        getattr(self.env[model].browse(ids), method)(self.reason)
        return {"type": "ir.actions.act_window_close"}
