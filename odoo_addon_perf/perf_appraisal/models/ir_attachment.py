from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .mail_message import HR_CHATTER_MODELS, PRIVATE_CHATTER_MODELS


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    perf_private_user_id = fields.Many2one(
        "res.users", readonly=True, index="btree_not_null",
        help="Attached to an appraisal (appeal, event, plan) by someone else: hidden from its appraisee "
             "(a record rule) — HR's documents about them are HR's.")
    perf_hr_only = fields.Boolean(readonly=True, help="Attached to a cycle: read by HR and its uploader only.")

    @api.model_create_multi
    def create(self, vals_list):
        wanted = defaultdict(set)
        for vals in vals_list:
            if vals.get("res_model") in PRIVATE_CHATTER_MODELS and vals.get("res_id"):
                wanted[vals["res_model"]].add(vals["res_id"])
        users = {}
        for model, ids in wanted.items():
            for record in self.env[model].sudo().browse(list(ids)).exists():
                users[model, record.id] = record._perf_private_user()
        for vals in vals_list:
            user = users.get((vals.get("res_model"), vals.get("res_id")))
            if user and user != self.env.user:  # what the appraisee attaches, they read
                vals["perf_private_user_id"] = user.id
            if vals.get("res_model") in HR_CHATTER_MODELS:
                vals["perf_hr_only"] = True
        return super().create(vals_list)

    def write(self, vals):
        if {"perf_private_user_id", "perf_hr_only"} & set(vals) and not self.env.su:
            raise AccessError(self.env._("Who may read an attachment of a performance record is not edited."))
        return super().write(vals)
