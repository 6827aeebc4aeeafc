import json

from odoo.tests import HttpCase, tagged

from .trust import TrustFixture


@tagged("post_install", "-at_install")
class TestTrustRpc(TrustFixture, HttpCase):
    """Every finding of the trust review over JSON-RPC, each user with a real session."""

    def json_route(self, user, route, params):
        if getattr(self, "_session_user", None) != user:
            self.authenticate(user.login, user.login)
            self._session_user = user
        return self.make_jsonrpc_request(route, params)

    def rpc(self, user, model, method, args, kwargs):
        """(result, error) of /web/dataset/call_kw as ``user``; error is (exception name, message)."""
        if getattr(self, "_session_user", None) != user:
            self.authenticate(user.login, user.login)
            self._session_user = user
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1,
                   "params": {"model": model, "method": method, "args": args, "kwargs": kwargs}}
        response = self.url_open(f"/web/dataset/call_kw/{model}/{method}", data=json.dumps(payload),
                                 headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 200, response.text[:500])
        body = response.json()
        if "error" in body:
            return None, (body["error"]["data"]["name"], body["error"]["data"]["message"])
        return body["result"], None

    def test_attacks_over_json_rpc(self):
        """Each attack is answered with its clean Odoo error (not a server error) and changes nothing."""
        attacks = self.attacks()
        for attack in attacks:
            with self.subTest(attack=repr(attack)):
                self.env.invalidate_all()
                before = attack.watch(self.env)
                result, error = self.rpc(attack.user, attack.model, attack.method, attack.args, attack.kwargs)
                if attack.refused:
                    self.assertIsNotNone(error, f"not refused: {result!r}")
                    self.assertEqual(error[0], f"odoo.exceptions.{attack.refused.__name__}", error[1])
                else:
                    self.assertIsNone(error, error)
                    attack.expect(self, result)
                self.env.invalidate_all()
                self.assertEqual(attack.watch(self.env), before)

    def test_chatter_of_the_appraisee_hides_hr_discussion(self):
        """The appraisee's chatter (the web client's route) shows the publication notice, not HR's note."""
        zhang = self.may_by_name["张三"]
        result = self.json_route(self.nurse_users["张三"], "/mail/thread/messages",
                                 {"thread_model": "perf.appraisal", "thread_id": zhang.id})
        self.assertEqual(result["messages"], [self.notice])
        officer = self.json_route(self.officer, "/mail/thread/messages",
                                  {"thread_model": "perf.appraisal", "thread_id": zhang.id})
        self.assertIn(self.hr_note, officer["messages"])

    def test_scope_change_holds_from_the_next_request(self):
        """HR makes a head nurse manager of the nursing department and reverts it: each request sees the change."""
        head = self.head_users["ward-3"]
        emergency = {a.id for a in self.may.appraisal_ids if a.department_id == self.wards["emergency"]}

        def seen():
            result, error = self.rpc(head, "perf.appraisal", "search_read", [],
                                     {"domain": [("cycle_id", "=", self.may.id)], "fields": ["id"]})
            self.assertIsNone(error, error)
            return {row["id"] for row in result}

        self.assertFalse(seen() & emergency)
        _result, error = self.rpc(self.officer, "hr.department", "write",
                                  [self.nursing_dept.ids, {"manager_id": self.heads["ward-3"].id}], {})
        self.assertIsNone(error, error)
        self.assertEqual(seen() & emergency, emergency)
        _result, error = self.rpc(self.officer, "hr.department", "write",
                                  [self.nursing_dept.ids, {"manager_id": self.director.id}], {})
        self.assertIsNone(error, error)
        self.assertFalse(seen() & emergency)

    def test_workflow_over_rpc_keeps_answers_and_results_consistent(self):
        """Over JSON-RPC: an upheld appeal keeps HR's typed answer; computed results carry their final grade."""
        user = self.officer
        _r, error = self.rpc(user, "perf.appeal", "write", [self.li_appeal.ids, {"response": "同意复核"}], {})
        self.assertIsNone(error, error)
        _r, error = self.rpc(user, "perf.appeal", "action_uphold", [self.li_appeal.ids], {})
        self.assertIsNone(error, error)
        self.env.invalidate_all()
        appeal = self.li_appeal.sudo()
        self.assertEqual((appeal.state, appeal.answer), ("upheld", "同意复核"))
        _r, error = self.rpc(user, "perf.cycle", "action_compute", [self.may.ids], {})
        self.assertIsNone(error, error)
        rows, error = self.rpc(user, "perf.appraisal", "search_read", [],
                               {"domain": [("cycle_id", "=", self.may.id)], "fields": ["grade", "final_grade"]})
        self.assertIsNone(error, error)
        self.assertTrue(rows and all(row["final_grade"] == row["grade"] and row["grade"] for row in rows))
