from odoo import models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _message_compute_author(self, author_id=None, email_from=None, raise_on_email=True):
        """Performance records speak in their chatter for the user who acts (started, computed,
        published, answered) — and a hospital's first users (HR, head nurses) often have no e-mail
        address in Odoo: Odoo would refuse the step itself.  On a performance record the message is
        hers, without an address; whoever is notified is notified in Odoo (mail_message.py)."""
        if self._name.startswith("perf."):
            raise_on_email = False
        return super()._message_compute_author(author_id, email_from, raise_on_email=raise_on_email)
