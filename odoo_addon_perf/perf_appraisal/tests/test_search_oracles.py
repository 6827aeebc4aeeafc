"""A domain filters only on what its caller may read: a nurse counting her own records by their
chatter, to-dos and followers learns nothing of HR's notes, the raters' to-dos or who follows."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.perf_appraisal.models.perf_workflow_mixin import workflow

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

    def test_a_head_nurse_cannot_tell_her_own_peers(self):
        """A head nurse appraised in her own ward: HR makes 王五 her anonymous peer and 张三's peer
        李四. Were the ward's peer lines hers to read, the member rating none she sees (王五) would
        be hers. Every count she can take of the ward's lines and appraisals, by rater, is the same
        before and after HR assigns the peers; she still reads the ward's other lines."""
        head = self.head_users["ward-3"]
        members = self.june.appraisal_ids.user_id - head
        wang, li = self.nurse_users["王五"], self.nurse_users["李四"]
        zhang = self.june_by_name.get("张三") or (self.june.appraisal_ids - self.head_appraisal)[0]
        self.assertIn(wang, members)

        def counts():
            Score, Appraisal = self.env["perf.score"].with_user(head), self.env["perf.appraisal"].with_user(head)
            return {(model, domain_name, user.login): model_env.search_count(domain)
                    for user in members
                    for model, model_env, domain_name, domain in (
                        ("score", Score, "rater", [("rater_user_id", "=", user.id)]),
                        ("score", Score, "peer rater", [("rater_role", "=", "peer"), ("rater_user_id", "=", user.id)]),
                        ("appraisal", Appraisal, "rated by", [("score_ids.rater_user_id", "=", user.id)]),
                        ("appraisal", Appraisal, "peer of", [("score_ids", "any", [
                            ("rater_role", "=", "peer"), ("rater_user_id", "=", user.id)])]))}

        before = counts()
        with workflow():  # as a start makes them
            self.env["perf.score"].create([
                {"appraisal_id": self.head_appraisal.id, "code": "patient", "rater_role": "peer", "rater_user_id": wang.id},
                {"appraisal_id": zhang.id, "code": "patient", "rater_role": "peer", "rater_user_id": li.id}])
        self.env.flush_all()
        self.assertEqual(counts(), before)
        Score = self.env["perf.score"].with_user(head)
        self.assertFalse(Score.search([("rater_role", "=", "peer")]))
        self.assertTrue(Score.search([("appraisal_id", "=", zhang.id), ("rater_role", "!=", "peer")]))
        # HR reads both peers, each peer her own line
        self.assertEqual(self.env["perf.score"].with_user(self.officer).search_count(
            [("cycle_id", "=", self.june.id), ("rater_role", "=", "peer")]), 2)
        self.assertEqual(self.env["perf.score"].with_user(wang).search(
            [("rater_role", "=", "peer")]).appraisal_id, self.head_appraisal)
