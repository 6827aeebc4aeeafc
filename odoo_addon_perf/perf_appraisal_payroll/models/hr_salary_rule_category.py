import re

from odoo import api, models

PERF = "PERF"
# OCA payroll's standard allowance category: GROSS and NET add it up (NET = BASIC + ALW + DED)
ALLOWANCE = "ALW"
NET = "NET"
_TERM = re.compile(r"""\b(?:categories|rules)\s*(?:\.\s*(\w+)|\[\s*['"](\w+)['"]\s*\])""")


class HrSalaryRuleCategory(models.Model):
    _inherit = "hr.salary.rule.category"

    @api.model
    def _perf_setup_payroll(self):
        """Put performance pay where the net counts it, on the payroll already set up: the PERF
        category under the allowances (ALW) and the PERF rule in each top structure that computes a
        NET (its child structures inherit it).  Run at install; a payroll set up later is told at
        confirmation what is missing (_perf_net_problem)."""
        category = self.env.ref("perf_appraisal_payroll.hr_salary_rule_category_perf")
        rule = self.env.ref("perf_appraisal_payroll.hr_salary_rule_perf")
        allowance = self.search([("code", "=", ALLOWANCE), ("id", "!=", category.id)], limit=1)
        if allowance and not category.parent_id:
            category.parent_id = allowance
        structures = self.env["hr.payroll.structure"].search([("parent_id", "=", False)])
        for structure in structures.filtered(lambda s: NET in s.rule_ids.mapped("code") and rule not in s.rule_ids):
            structure.rule_ids = [(4, rule.id)]

    def _perf_counted_codes(self):
        """The codes a rule may name to add up this category's lines: its own and its parents'."""
        codes, category = [], self
        while category:
            codes.append(category.code)
            category = category.parent_id
        return codes


def net_terms(rule):
    """The category and rule codes a salary rule's amount adds up (categories.X, rules.X)."""
    text = rule.amount_python_compute if rule.amount_select == "code" else (
        rule.amount_percentage_base if rule.amount_select == "percentage" else "")
    return [a or b for a, b in _TERM.findall(text or "")]
