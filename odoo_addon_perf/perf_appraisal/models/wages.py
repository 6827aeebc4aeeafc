"""Wages in appraisal: the attributes that are a wage, and who may read them — those who may read
contracts (hr_contract's contract readers), not every performance officer or manager."""

CONFIDENTIAL_ATTRIBUTES = frozenset({"current_wage", "post_salary_monthly"})
CONTRACT_READERS = "hr_contract.group_hr_contract_employee_manager"
