from . import hr_payslip
from . import hr_payslip_employees
from . import perf_pay
