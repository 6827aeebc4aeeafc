"""perfcore: performance appraisal schemes (绩效考核) and pay linkage as data.

>>> from perfcore import load_preset, evaluate
>>> scheme = load_preset("nursing")
"""

from .decimals import D, round_money, round_score
from .distribution import hamilton_counts
from .engine import check_attribute, check_event, check_score, evaluate, refusal_reason, screen
from .errors import FileError, InputError, Location, PerfcoreError, Problem, SchemeError, UnknownSchemeError
from .formula import Formula, FormulaError, compile_formula
from .i18n import Message, current_locale, normalize_locale, render, use_locale
from .period import PeriodInput, load_period_input, parse_period, parse_period_input
from .presets import load_preset, preset_ids, resolve_scheme
from .result import BreakdownLine, Evaluation, Pay, SubjectResult
from .scheme import Scheme, load_scheme, parse_scheme

__all__ = [
    "BreakdownLine",
    "D",
    "Evaluation",
    "FileError",
    "Formula",
    "FormulaError",
    "InputError",
    "Location",
    "Message",
    "Pay",
    "PerfcoreError",
    "PeriodInput",
    "Problem",
    "Scheme",
    "SchemeError",
    "SubjectResult",
    "UnknownSchemeError",
    "check_attribute",
    "check_event",
    "check_score",
    "compile_formula",
    "current_locale",
    "evaluate",
    "hamilton_counts",
    "load_period_input",
    "load_preset",
    "load_scheme",
    "normalize_locale",
    "parse_period",
    "parse_period_input",
    "parse_scheme",
    "preset_ids",
    "refusal_reason",
    "render",
    "resolve_scheme",
    "round_money",
    "round_score",
    "screen",
    "use_locale",
]

__version__ = "0.1.0"
