from . import perf_reason_wizard
from . import perf_import_wizard
from . import perf_scheme_preview
