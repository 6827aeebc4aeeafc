from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .batch_defaults import memoized_defaults

# Records whose chatter the subject reads: HR's discussion there is not for them.
PRIVATE_CHATTER_MODELS = ("perf.appraisal", "perf.appeal", "perf.event", "perf.improvement.plan")
# Records whose chatter is HR's: everybody appraised in a cycle may open it, its discussion is HR's.
HR_CHATTER_MODELS = ("perf.cycle",)


class MailMessage(models.Model):
    _inherit = "mail.message"

    perf_private_user_id = fields.Many2one(
        "res.users", readonly=True, index="btree_not_null",
        help="On an appraisal (appeal, event, plan): its appraisee, who reads only the messages they wrote "
             "or that are addressed to them (a record rule), never HR's internal discussion.")
    perf_hr_only = fields.Boolean(
        readonly=True, help="On a cycle: read by HR only (and by its author and those it is addressed to).")

    @api.model_create_multi
    def create(self, vals_list):
        wanted = defaultdict(set)
        for vals in vals_list:
            if vals.get("model") in PRIVATE_CHATTER_MODELS and vals.get("res_id"):
                wanted[vals["model"]].add(vals["res_id"])
        if wanted:
            users = {}
            for model, ids in wanted.items():
                for record in self.env[model].sudo().browse(list(ids)).exists():
                    users[model, record.id] = record._perf_private_user().id
            for vals in vals_list:
                user_id = users.get((vals.get("model"), vals.get("res_id")))
                if user_id:
                    vals["perf_private_user_id"] = user_id
        for vals in vals_list:
            if vals.get("model") in HR_CHATTER_MODELS:
                vals["perf_hr_only"] = True
        return super().create(vals_list)

    @api.model
    def _add_missing_default_values(self, values):
        # a publication's 20,000 notices: their defaults (type, date …) looked up once
        return memoized_defaults(self, values, super()._add_missing_default_values)

    def write(self, vals):
        if {"perf_private_user_id", "perf_hr_only"} & set(vals) and not self.env.su:
            raise AccessError(self.env._("Who may read a message of a performance record is not edited."))
        return super().write(vals)


def inbox_when_no_email(env, recipients):
    """Recipients who would be e-mailed but have no address (a ward nurse without a mailbox): told
    in their Odoo inbox instead, or they would be told nothing (the mail fails)."""
    emailed = [r for r in recipients if r.get("notif") == "email"]
    if emailed:
        has_email = {p["id"]: bool(p["email"]) for p in env["res.partner"].sudo().browse(
            [r["id"] for r in emailed]).read(["email"])}
        for recipient in emailed:
            if not has_email.get(recipient["id"]) and recipient.get("uid"):
                recipient["notif"] = "inbox"
    return recipients
