from . import hr_payslip
from . import perf_pay
