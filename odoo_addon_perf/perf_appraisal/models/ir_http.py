import perfcore

from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _dispatch(cls, endpoint):
        """perfcore's messages (problems, reasons) in the language of the user of the request."""
        lang = request.env.context.get("lang") if request and request.env else None
        with perfcore.use_locale(lang):
            return super()._dispatch(endpoint)
