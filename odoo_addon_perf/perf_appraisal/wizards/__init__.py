from . import perf_reason_wizard
