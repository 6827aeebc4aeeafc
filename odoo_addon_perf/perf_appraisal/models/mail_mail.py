from odoo import api, models

from .batch_defaults import memoized_defaults


class MailMail(models.Model):
    _inherit = "mail.mail"

    @api.model
    def _add_missing_default_values(self, values):
        # the e-mails of a publication's notices: their defaults looked up once (see batch_defaults)
        return memoized_defaults(self, values, super()._add_missing_default_values)
