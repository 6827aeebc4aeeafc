from . import test_cycle_jobs
