from . import perf_cycle
