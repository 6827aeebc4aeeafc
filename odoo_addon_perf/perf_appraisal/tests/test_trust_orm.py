from odoo.tests import TransactionCase, tagged

from .trust import TrustFixture, call


@tagged("post_install", "-at_install")
class TestTrustOrm(TrustFixture, TransactionCase):
    """Every finding of the trust review, through the ORM as the user (``with_user``)."""

    def test_attacks_are_refused_and_change_nothing(self):
        """Each attack raises exactly its clean error (or reads nothing it may not) and leaves the data unchanged."""
        attacks = [a for a in self.attacks() if not a.rpc_only]
        self.assertGreaterEqual(len({a.finding for a in attacks}), 17)
        for attack in attacks:
            with self.subTest(attack=repr(attack)):
                self.env.invalidate_all()
                before = attack.watch(self.env)
                if attack.refused:
                    with self.assertRaises(attack.refused) as info:
                        call(self.env, attack)
                    self.assertIs(type(info.exception), attack.refused, info.exception)
                else:
                    attack.expect(self, call(self.env, attack))
                self.env.invalidate_all()
                self.assertEqual(attack.watch(self.env), before)
