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

    @api.model
    def _perf_check_linkable(self, commands):
        """Evidence linked to a performance record (an appeal, an event) is what the caller may read
        herself: nobody links someone else's documents, by id, to read them through her record."""
        if not commands or self.env.su:
            return
        ids = set()
        for command in commands:
            if isinstance(command, int):
                ids.add(command)
            elif isinstance(command, (list, tuple)) and command and command[0] == 6:
                ids.update(command[2] or [])
            elif isinstance(command, (list, tuple)) and command and command[0] == 4:
                ids.add(command[1])
            elif isinstance(command, (list, tuple)) and command and command[0] == 0:
                raise AccessError(self.env._("Evidence is uploaded, then attached."))
        attachments = self.browse(sorted(i for i in ids if isinstance(i, int))).exists()
        if len(attachments) != len(ids):
            raise AccessError(self.env._("Evidence must be documents that exist."))
        attachments.check_access("read")
        attachments.check("read")  # (the documents' own records: Odoo checks them on read, not in check_access)

    def _perf_adopt(self, record):
        """Documents uploaded in a form before its record existed carry no record (Odoo's upload
        widget gives them res_id 0: their uploader alone reads them).  Once linked they are the
        record's, read by whoever reads it — and hidden from its appraisee when someone else
        attached them, as an attachment created on the record would be."""
        loose = self.sudo().filtered(lambda a: not a.res_id and a.create_uid == self.env.user)
        if not loose:
            return
        values = {"res_model": record._name, "res_id": record.id}
        if record._name in PRIVATE_CHATTER_MODELS:
            owner = record.sudo()._perf_private_user()
            if owner and owner != self.env.user:
                values["perf_private_user_id"] = owner.id
        loose.write(values)

