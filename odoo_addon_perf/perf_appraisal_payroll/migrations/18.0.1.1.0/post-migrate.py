from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """PERF among the allowances (before GROSS adds them up) and placed where NET counts it; the
    rule and category are noupdate data, so an upgrade changes them only here."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    rule = env.ref("perf_appraisal_payroll.hr_salary_rule_perf", raise_if_not_found=False)
    if rule and rule.sequence == 150:
        rule.sequence = 50
    env["hr.salary.rule.category"]._perf_setup_payroll()
