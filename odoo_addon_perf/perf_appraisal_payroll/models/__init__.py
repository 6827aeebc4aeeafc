from . import hr_payslip
from . import hr_payslip_input
from . import perf_pay
