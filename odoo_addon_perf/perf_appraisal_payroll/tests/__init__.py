from . import test_perf_payroll
from . import test_payroll_trust
from . import test_click_everywhere
