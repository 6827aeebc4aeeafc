import json

from odoo.tests import HttpCase, tagged

from .trust import TrustFixture


@tagged("post_install", "-at_install")
class TestTrustRpc(TrustFixture, HttpCase):
    """Every finding of the trust review over JSON-RPC, each user with a real session."""

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
