from odoo import api, models

from .batch_defaults import memoized_defaults


class MailNotification(models.Model):
    _inherit = "mail.notification"

    @api.model
    def _add_missing_default_values(self, values):
        # the inbox and e-mail notifications of a publication's notices: defaults looked up once
        return memoized_defaults(self, values, super()._add_missing_default_values)
