"""A domain filters only on what its caller may read: a nurse counting her own records by their
chatter, to-dos and followers learns nothing of HR's notes, the raters' to-dos or who follows."""

from odoo.tests import TransactionCase, tagged

from .trust import TrustFixture

TOKEN = "不续签合同"


@tagged("post_install", "-at_install")
class TestSearchOracles(TrustFixture, TransactionCase):

    def oracles(self, record, peer):
        """Domains over the hidden parts of ``record``: its messages, to-dos and followers."""
        own = [("id", "=", record.id)]
        return {
            "message body": own + [("message_ids.body", "ilike", TOKEN)],
            "message any": own + [("message_ids", "any", [("body", "ilike", TOKEN)])],
            **({} if "activity_ids" not in record._fields else {
            "activity summary": own + [("activity_ids.summary", "ilike", TOKEN)],
            "activity any": own + [("activity_ids", "any", [("user_id", "=", peer.id)])],
            "activity user": own + [("activity_user_id", "=", peer.id)],
            "activity summary field": own + [("activity_summary", "ilike", TOKEN)]}),
            "follower partner": own + [("message_partner_ids", "in", peer.partner_id.ids)],
            "follower record": own + [("message_follower_ids.partner_id", "=", peer.partner_id.id)],
            "not followed": own + ["!", ("message_partner_ids", "in", peer.partner_id.ids)],
        }

    def test_counts_do_not_depend_on_what_is_hidden(self):
        """For each performance record a nurse (and a head nurse) reads: the counts of every oracle
        domain are the same before and after HR writes a note, gives a colleague a to-do and makes
        her follow the record — and the nurse's own filters (my to-dos, followed by me) still work."""
        zhang, head = self.nurse_users["张三"], self.head_users["ward-3"]
        peer = self.nurse_users["王五"]
        for user in (zhang, head):
            models = sorted(name for name in self.env.registry if name.startswith("perf.")
                            and not self.env[name]._abstract and "message_ids" in self.env[name]._fields
                            and name != "perf.scheme")  # the administrator's (everybody reads its rules)
            checked = 0
            for model in models:
                readable = self.env[model].with_user(user).search([], limit=1)
                if not readable:
                    continue
                checked += 1
                with self.subTest(user=user.login, model=model):
                    before = {name: self.env[model].with_user(user).search_count(domain)
                              for name, domain in self.oracles(readable, peer).items()}
                    record = readable.with_user(self.officer).sudo()  # HR acts
                    readable.with_user(self.officer).message_post(body=f"HR：{TOKEN}", subtype_xmlid="mail.mt_note")
                    if "activity_ids" in record._fields:
                        record.activity_schedule("mail.mail_activity_data_todo", summary=TOKEN, user_id=peer.id)
                    record.message_subscribe(partner_ids=peer.partner_id.ids)
                    self.env.flush_all()
                    after = {name: self.env[model].with_user(user).search_count(domain)
                             for name, domain in self.oracles(readable, peer).items()}
                    if user == head:  # a head nurse reads HR's notes on her ward's records: not hidden from her
                        after = {k: v for k, v in after.items() if not k.startswith("message ")}
                        before = {k: v for k, v in before.items() if not k.startswith("message ")}
                    self.assertEqual(after, before)
                    # her own: a to-do of hers and her following are found
                    if "activity_ids" not in record._fields:
                        continue
                    record.activity_schedule("mail.mail_activity_data_todo", summary="我的待办", user_id=user.id)
                    record.message_subscribe(partner_ids=user.partner_id.ids)
                    mine = self.env[model].with_user(user)
                    self.assertEqual(mine.search_count([("id", "=", record.id), ("activity_user_id", "=", user.id)]), 1)
                    if user.partner_id in record.message_partner_ids:  # (raters never follow an appraisal)
                        self.assertEqual(mine.search_count([("id", "=", record.id), ("message_is_follower", "=", True)]), 1)
            self.assertGreaterEqual(checked, 2, user.login)

    def test_hr_still_searches_everything(self):
        """HR's own search over its note finds the appraisal (HR reads the note)."""
        zhang = self.may_by_name["张三"]
        self.assertEqual(self.env["perf.appraisal"].with_user(self.officer).search_count(
            [("id", "=", zhang.id), ("message_ids.body", "ilike", "不续签")]), 1)
