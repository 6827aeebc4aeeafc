from . import perf_reason_wizard
from . import perf_import_wizard
from . import perf_scheme_preview
from . import perf_worksheet_wizard
from . import perf_worksheet_wizard_line
