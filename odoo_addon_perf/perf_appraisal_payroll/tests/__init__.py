from . import test_perf_payroll
