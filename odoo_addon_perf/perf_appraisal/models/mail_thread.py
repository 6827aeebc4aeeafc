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

    # -- searching by what one may not read -------------------------------------------------------------
    # message_ids and activity_ids are auto_join (their records' rules are not applied in a search),
    # and message_partner_ids searches the followers as the superuser: on a record she may read, a
    # nurse's search_count([('id', '=', own), ('message_ids.body', 'ilike', 'non-renewal')]) would
    # spell HR's internal note word by word. On performance records, for all but HR, such a leaf is
    # answered from the messages, activities and followers the caller may read herself.
    # field → (model searched, its field naming the document's model, the path there, own only):
    # followers and to-dos of a performance record are HR's to know, but one's own (a rater's to-do
    # names who rates, and peers rate anonymously)
    _PERF_HIDDEN_PATHS = {
        "message_ids": ("mail.message", "model", "", False),
        "message_follower_ids": ("mail.followers", "res_model", "", True),
        "message_partner_ids": ("mail.followers", "res_model", "partner_id", True),
        "activity_ids": ("mail.activity", "res_model", "", True),
        "activity_user_id": ("mail.activity", "res_model", "user_id", True),
        "activity_type_id": ("mail.activity", "res_model", "activity_type_id", True),
        "activity_date_deadline": ("mail.activity", "res_model", "date_deadline", True),
        "activity_summary": ("mail.activity", "res_model", "summary", True),
    }

    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        if self._name.startswith("perf.") and not self.env.su and domain \
                and not self.env.user.has_group("perf_appraisal.group_perf_officer"):
            domain = [self._perf_readable_leaf(leaf) for leaf in domain]
        return super()._search(domain, offset=offset, limit=limit, order=order, **kwargs)

    def _perf_readable_leaf(self, leaf):
        if not isinstance(leaf, (list, tuple)) or len(leaf) != 3 or not isinstance(leaf[0], str):
            return leaf
        head, _dot, rest = leaf[0].partition(".")
        if head not in self._PERF_HIDDEN_PATHS:
            return leaf
        comodel, model_field, target, own_only = self._PERF_HIDDEN_PATHS[head]
        operator, value = leaf[1], leaf[2]
        path = ".".join(part for part in (target, rest) if part)
        positive = True
        if path:
            sub = [(path, operator, value)]
        elif operator in ("any", "not any"):
            sub, positive = list(value), operator == "any"
        elif operator in ("=", "!=") and value is False:
            sub, positive = [], operator == "!="
        else:
            sub = [("id", operator, value)]
        if own_only:
            sub = [("partner_id" if comodel == "mail.followers" else "user_id", "=",
                    self.env.user.partner_id.id if comodel == "mail.followers" else self.env.uid)] + sub
        if head in ("message_ids", "activity_ids", "message_follower_ids"):  # the field's own domain
            sub = self._fields[head].get_domain_list(self) + sub
        found = self.env[comodel]._search([(model_field, "=", self._name)] + sub)  # with the caller's rules
        return ("id", "in" if positive else "not in", found.subselect("res_id"))
