from decimal import Decimal

from odoo.tests import TransactionCase, tagged

from odoo.addons.perf_appraisal.models.perf_workflow_mixin import workflow
from odoo.addons.perf_appraisal.tests.common import PerfFixture

D = Decimal


class PayrollFixture(PerfFixture):
    """The nursing example with contracts on OCA payroll's standard structure (its demo data, as a
    payroll officer sets it up: BASIC, ALW, DED, GROSS = BASIC + ALW, NET = BASIC + ALW + DED) — set
    up before the bridge places performance pay in it, as in a database that already pays salaries."""

    @classmethod
    def oca_standard_structure(cls):
        category = cls.env["hr.salary.rule.category"]
        cats = {code: category.create({"name": name, "code": code}) for code, name in (
            ("BASIC", "Basic"), ("ALW", "Allowance"), ("GROSS", "Gross"), ("DED", "Deduction"), ("NET", "Net"))}
        rules = cls.env["hr.salary.rule"].create([{
            "name": name, "code": code, "sequence": sequence, "category_id": cats[code].id, "condition_select": "none",
            "amount_select": "code", "amount_python_compute": formula} for code, name, sequence, formula in (
            ("BASIC", "Basic Salary", 1, "result = contract.wage"),
            ("GROSS", "Gross", 100, "result = categories.BASIC + categories.ALW"),
            ("NET", "Net Salary", 200, "result = categories.BASIC + categories.ALW + categories.DED"))])
        return cls.env["hr.payroll.structure"].create({
            "name": "Base for new structures", "code": "BASE", "rule_ids": [(6, 0, rules.ids)]})

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("payroll.allow_cancel_payslips", True)
        cls.base_structure = cls.oca_standard_structure()
        cls.env["hr.salary.rule.category"]._perf_setup_payroll()  # what the install does
        cls.structure = cls.env["hr.payroll.structure"].create({
            "name": "护理人员", "code": "NURSE", "parent_id": cls.base_structure.id})
        cls.contracts = cls.env["hr.contract"].create([{
            "name": f"合同 {nurse.name}", "employee_id": nurse.id, "wage": 5000, "struct_id": cls.structure.id,
            "date_start": "2024-01-01", "state": "open"} for nurse in cls.nurses])
        cls.cycle = cls.nursing_cycle()
        cls.amounts = {a.employee_id: D(str(a.pay_amount)).quantize(D("0.01")) for a in cls.cycle.appraisal_ids}


@tagged("post_install", "-at_install")
class TestPerfPayroll(PayrollFixture, TransactionCase):
    def payslip(self, employee, date_from="2024-05-01", date_to="2024-05-31"):
        """A payslip made as in the form: the employee onchange fetches contract, structure and inputs."""
        payslip = self.env["hr.payslip"].create({"employee_id": employee.id, "date_from": date_from, "date_to": date_to})
        payslip.onchange_employee()
        payslip.compute_sheet()
        return payslip

    @staticmethod
    def perf_line(payslip):
        return D(str(sum(payslip.line_ids.filtered(lambda line: line.code == "PERF").mapped("total")))).quantize(D("0.01"))

    def paid_overall(self, employee):
        """What the done (non-refund) payslips of the employee paid through PERF."""
        slips = self.env["hr.payslip"].search([("employee_id", "=", employee.id), ("state", "=", "done"),
                                               ("credit_note", "=", False)])
        return sum((self.perf_line(s) for s in slips), D(0))

    def test_single_payslip_pays_the_result(self):
        """A confirmed nursing appraisal: the payslip's PERF line equals the perf.pay amount, linked both ways."""
        self.publish(self.cycle)
        nurse = self.nurses[0]  # 张三: 102.10 / 100 × 1.2 × 1.5 × 1000 = 1837.80
        payslip = self.payslip(nurse)
        self.assertEqual(self.perf_line(payslip), D("1837.80"))
        payslip.action_payslip_done()
        pay = self.env["perf.pay"].search([("employee_id", "=", nurse.id)])
        self.assertEqual((pay.state, pay.payslip_id), ("paid", payslip))
        self.assertEqual(payslip.perf_pay_count, 1)

    @staticmethod
    def line_total(payslip, code):
        return D(str(sum(payslip.line_ids.filtered(lambda line: line.code == code).mapped("total")))).quantize(D("0.01"))

    def test_net_pays_it_exactly_once_and_a_refund_takes_it_back(self):
        """On OCA's standard structure the install put PERF under ALW and into the base structure:
        NET = BASIC 5,000.00 + ALW (PERF 1,837.80) + DED 0 = 6,837.80, GROSS the same — and the
        refund, a credit note of the same lines (OCA counts a credit note's lines negative), nets
        6,837.80 − 6,837.80 = 0."""
        perf = self.env.ref("perf_appraisal_payroll.hr_salary_rule_perf")
        self.assertIn(perf, self.base_structure.rule_ids)
        self.assertEqual(self.env.ref("perf_appraisal_payroll.hr_salary_rule_category_perf").parent_id.code, "ALW")
        self.publish(self.cycle)
        nurse = self.nurses[0]  # 张三: 102.10 / 100 × 1.2 × 1.5 × 1000 = 1837.80
        payslip = self.payslip(nurse)
        self.assertEqual((self.line_total(payslip, "PERF"), self.line_total(payslip, "GROSS"),
                          self.line_total(payslip, "NET")), (D("1837.80"), D("6837.80"), D("6837.80")))
        payslip.action_payslip_done()
        self.assertEqual(self.env["perf.pay"].search([("employee_id", "=", nurse.id)]).state, "paid")
        payslip.refund_sheet()
        refund = payslip.refunded_id
        self.assertEqual((refund.credit_note, refund.state, self.line_total(refund, "NET")), (True, "done", D("6837.80")))
        signed = sum((-1 if slip.credit_note else 1) * self.line_total(slip, "NET") for slip in payslip | refund)
        self.assertEqual(signed, D("0.00"))

    def test_not_marked_paid_when_net_leaves_it_out(self):
        """A structure whose NET does not count the PERF category: confirming is refused, saying
        what to add, and the result stays to pay (5,000.00 net would not hold the 1,837.80)."""
        from odoo.exceptions import UserError

        self.env.ref("perf_appraisal_payroll.hr_salary_rule_category_perf").parent_id = False
        self.publish(self.cycle)
        nurse = self.nurses[0]
        payslip = self.payslip(nurse)
        self.assertEqual((self.line_total(payslip, "PERF"), self.line_total(payslip, "NET")),
                         (D("1837.80"), D("5000.00")))
        with self.assertRaisesRegex(UserError, "categories.PERF"):
            payslip.action_payslip_done()
        self.assertEqual(self.env["perf.pay"].search([("employee_id", "=", nurse.id)]).state, "to_pay")

    def test_counted_twice_is_refused(self):
        """NET = BASIC + ALW + DED + PERF counts the pay twice (8,675.60): refused."""
        from odoo.exceptions import UserError

        net = self.base_structure.rule_ids.filtered(lambda r: r.code == "NET")
        net.amount_python_compute = "result = categories.BASIC + categories.ALW + categories.DED + categories.PERF"
        self.publish(self.cycle)
        payslip = self.payslip(self.nurses[0])
        self.assertEqual(self.line_total(payslip, "NET"), D("8675.60"))  # 5000 + 1837.80 × 2
        with self.assertRaisesRegex(UserError, "2 times"):
            payslip.action_payslip_done()

    def test_unpublished_results_are_not_paid(self):
        """Before publication the results are drafts: the payslip gets no PERF input."""
        payslip = self.payslip(self.nurses[0])
        self.assertEqual(self.perf_line(payslip), D(0))

    def test_batch_wizard_pays_each_its_own(self):
        """OCA's batch wizard (get_inputs on an empty recordset) gives each employee exactly their amount."""
        extra = self.env["hr.employee"].create([
            {"name": f"护士{i}", "department_id": self.wards["emergency"].id, "parent_id": self.heads["emergency"].id}
            for i in range(3)])
        extra.set_perf_attribute("title", "nurse")
        extra.set_perf_attribute("post", "outpatient")
        extra.set_perf_attribute("bonus_base", 1000)
        self.env["hr.contract"].create([{"name": f"合同 {e.name}", "employee_id": e.id, "wage": 5000,
                                         "struct_id": self.structure.id, "date_start": "2024-01-01", "state": "open"}
                                        for e in extra])
        cycle = self.make_cycle(self.nursing, name="2024-05 补", employee_ids=[(6, 0, extra.ids)])
        cycle.action_start()
        for appraisal, score in zip(cycle.appraisal_ids.sorted("id"), (80, 70, 90)):
            for line in appraisal.score_ids.filtered(lambda s: s.code in ("head_nurse", "nursing_dept", "patient")):
                line.value = score
        cycle.action_compute()
        for c in (self.cycle, cycle):
            self.publish(c)
        employees = self.nurses | extra
        run = self.env["hr.payslip.run"].create({"name": "2024-05", "date_start": "2024-05-01", "date_end": "2024-05-31"})
        wizard = self.env["hr.payslip.employees"].create({"employee_ids": [(6, 0, employees.ids)]})
        wizard.with_context(active_id=run.id).compute_sheet()
        self.assertEqual(len(run.slip_ids), 10)
        expected = {a.employee_id: D(str(a.pay_amount)).quantize(D("0.01"))
                    for a in (self.cycle | cycle).appraisal_ids}
        # the three extra nurses: 80, 70, 90 → × 1.0 × 1.0 × 1000 / 100 = 800, 700, 900
        self.assertEqual(sorted(expected[e] for e in extra), [D("700.00"), D("800.00"), D("900.00")])
        for slip in run.slip_ids:
            self.assertEqual(self.perf_line(slip), expected[slip.employee_id], slip.employee_id.name)

    def test_paid_exactly_once(self):
        """Recompute twice, refetch, confirm, cancel, re-confirm, refund: paid once overall, never twice."""
        self.cycle.action_compute()
        self.cycle.action_compute()  # unpaid results are replaced, not added
        self.publish(self.cycle)
        nurse = self.nurses[1]  # 李四: 94.10 / 100 × 1.0 × 1.4 × 1000 = 1317.40
        amount = D("1317.40")
        self.assertEqual(self.amounts[nurse], amount)
        payslip = self.payslip(nurse)
        payslip.onchange_employee()  # fetching the inputs again keeps one PERF input
        self.assertEqual(len(payslip.input_line_ids.filtered(lambda i: i.code == "PERF")), 1)
        payslip.compute_sheet()
        payslip.action_payslip_done()
        self.assertEqual(self.paid_overall(nurse), amount)
        # a second payslip of the same month finds nothing left to pay
        self.assertEqual(self.perf_line(self.payslip(nurse)), D(0))
        payslip.action_payslip_cancel()
        pay = self.env["perf.pay"].search([("employee_id", "=", nurse.id)])
        self.assertEqual((pay.state, pay.payslip_id.id), ("to_pay", False))
        self.assertEqual(self.paid_overall(nurse), D(0))
        payslip.action_payslip_draft()
        payslip.onchange_employee()
        payslip.compute_sheet()
        payslip.action_payslip_done()
        self.assertEqual(self.paid_overall(nurse), amount)
        payslip.refund_sheet()
        refund = payslip.refunded_id
        self.assertTrue(refund.credit_note)
        self.assertFalse(refund.perf_pay_ids)  # a credit note links nothing
        self.assertEqual(pay.payslip_id, payslip)
        self.assertEqual(self.paid_overall(nurse), amount)
        # the next month's payslip does not pay May's result again
        self.assertEqual(self.perf_line(self.payslip(nurse, "2024-06-01", "2024-06-30")), D(0))

    def test_withheld_until_the_interview(self):
        """"No interview, no pay": withheld results stay out of payslips until both acknowledge."""
        with workflow():  # the rule as the scheme had it when the cycle started (it is frozen since)
            self.nursing.interview_required_for_pay = True
        self.publish(self.cycle)
        nurse = self.nurses[0]
        appraisal = self.cycle.appraisal_ids.filtered(lambda a: a.employee_id == nurse)
        self.assertEqual(self.perf_line(self.payslip(nurse)), D(0))
        appraisal.with_user(self.nurse_users["张三"]).action_acknowledge()
        appraisal.with_user(self.head_users["ward-3"]).action_acknowledge()
        self.assertEqual(self.perf_line(self.payslip(nurse)), D("1837.80"))

    def test_quarterly_result_paid_in_the_month_of_its_pay_date(self):
        """A quarterly result is paid in the payslip whose period contains the cycle's pay date."""
        self.cycle.pay_date = "2024-06-05"
        self.cycle.action_compute()
        self.publish(self.cycle)
        nurse = self.nurses[0]
        self.assertEqual(self.perf_line(self.payslip(nurse)), D(0))
        self.assertEqual(self.perf_line(self.payslip(nurse, "2024-06-01", "2024-06-30")), D("1837.80"))

    def test_confirming_a_stale_payslip_is_refused(self):
        """Two payslips fetched before either is confirmed: the second cannot pay the result again."""
        self.publish(self.cycle)
        nurse = self.nurses[0]
        first, second = self.payslip(nurse), self.payslip(nurse)
        first.action_payslip_done()
        from odoo.exceptions import UserError

        with self.assertRaises(UserError):
            second.action_payslip_done()
        self.assertEqual(self.paid_overall(nurse), D("1837.80"))

    def test_zh_cn_terms(self):
        """The bridge's zh_CN translation names the PERF rule and the payslip button in Chinese."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["perf_appraisal_payroll"], ["zh_CN"], overwrite=True)
        zh = self.env(context=dict(self.env.context, lang="zh_CN"))
        self.assertEqual(zh.ref("perf_appraisal_payroll.hr_salary_rule_perf").name, "绩效工资")
        self.assertEqual(zh["ir.model.fields"]._get("hr.payslip", "perf_pay_count").field_description,
                         "绩效工资笔数")
