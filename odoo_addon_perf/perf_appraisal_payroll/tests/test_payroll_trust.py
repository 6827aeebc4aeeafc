import json

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from odoo.addons.perf_appraisal.tests.trust import Attack, call, count, record_values

from .test_perf_payroll import PayrollFixture


class PayrollTrust(PayrollFixture):
    """Payroll users read performance pay to pay it; nobody edits it, nobody else reads payslip inputs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.payroll_user = new_test_user(cls.env, "payroll_clerk", groups="base.group_user,payroll.group_payroll_user")
        cls.publish(cls.cycle)

    @classmethod
    def attacks(cls):
        pays = cls.env["perf.pay"].search([("cycle_id", "=", cls.cycle.id)])
        watch = record_values("perf.pay", pays.ids, ["amount", "state"])
        nurse = cls.nurse_users["张三"]
        return [
            Attack(0, "payroll reads every published result to pay it", cls.payroll_user, "perf.pay", "search_count",
                   [[("cycle_id", "=", cls.cycle.id)]], refused=None,
                   expect=lambda case, result: case.assertEqual(result, 7)),
            Attack(0, "payroll does not change an amount", cls.payroll_user, "perf.pay", "write",
                   [pays[:1].ids, {"amount": 99999}], watch=watch),
            Attack(0, "payroll does not cancel a result", cls.payroll_user, "perf.pay", "action_cancel",
                   [pays[:1].ids], watch=watch),
            Attack(0, "payroll does not create one", cls.payroll_user, "perf.pay", "create",
                   [{"employee_id": nurse.employee_id.id, "company_id": cls.company.id, "period": "2024-05",
                     "date_from": "2024-05-01", "date_to": "2024-05-31", "pay_date": "2024-05-31", "amount": 1}],
                   watch=count("perf.pay", [])),
            Attack(0, "only payroll reads payslip inputs (and with them everybody's performance pay)", nurse,
                   "hr.payslip", "get_inputs", [cls.contracts.ids, "2024-05-01", "2024-05-31"]),
            Attack(0, "payroll calls it with contract ids, as JSON-RPC sends them", cls.payroll_user, "hr.payslip",
                   "get_inputs", [cls.contracts[:1].ids, "2024-05-01", "2024-05-31"], refused=None,
                   expect=lambda case, result: case.assertEqual(
                       [line["amount"] for line in result if line["code"] == "PERF"], [1837.8])),
        ]


@tagged("post_install", "-at_install")
class TestPayrollTrustOrm(PayrollTrust, TransactionCase):
    def test_attacks(self):
        """Each payroll attack, through the ORM as its user, is refused and changes nothing."""
        for attack in self.attacks():
            with self.subTest(attack=repr(attack)):
                before = attack.watch(self.env)
                if attack.refused:
                    with self.assertRaises(AccessError):
                        call(self.env, attack)
                else:
                    attack.expect(self, call(self.env, attack))
                self.env.invalidate_all()
                self.assertEqual(attack.watch(self.env), before)


@tagged("post_install", "-at_install")
class TestPayrollTrustRpc(PayrollTrust, HttpCase):
    def test_attacks(self):
        """Each payroll attack over JSON-RPC is answered with AccessError and changes nothing."""
        for attack in self.attacks():
            with self.subTest(attack=repr(attack)):
                self.authenticate(attack.user.login, attack.user.login)
                before = attack.watch(self.env)
                payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                    "model": attack.model, "method": attack.method, "args": attack.args, "kwargs": attack.kwargs}}
                body = self.url_open("/web/dataset/call_kw", data=json.dumps(payload),
                                     headers={"Content-Type": "application/json"}).json()
                if attack.refused:
                    self.assertEqual(body.get("error", {}).get("data", {}).get("name"), "odoo.exceptions.AccessError",
                                     body)
                else:
                    attack.expect(self, body["result"])
                self.env.invalidate_all()
                self.assertEqual(attack.watch(self.env), before)
