"""Numbers at the edge, for every field a perf addon defines on any model: a NaN, an infinity, 1e300
or 2**31 arrives over JSON-RPC as easily as 90.  Integers must fit the database's integer (int4),
floats and amounts be finite and within ±10^15 — else a ValidationError naming the model, the field
and the value, before anything is written (not "integer out of range" at the flush)."""

import math

from odoo import api, models
from odoo.exceptions import ValidationError

INT4 = 2**31
FLOAT_LIMIT = 10**15  # perfcore's bound on a number; no score, count or amount comes near it
PERF_MODULES = ("perf_appraisal",)  # and its extensions: perf_appraisal_payroll, perf_appraisal_queue …


class Base(models.AbstractModel):
    _inherit = "base"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._perf_check_numbers(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._perf_check_numbers(vals)
        return super().write(vals)

    def _perf_check_numbers(self, vals):
        for name, value in vals.items():
            field = self._fields.get(name)
            if (field is None or field.type not in ("integer", "float", "monetary") or value in (False, None)
                    or not (field._module or "").startswith(PERF_MODULES)):
                continue
            problem = _number_problem(field.type, value)
            if problem:
                raise ValidationError(self.env._("%(model)s, %(field)s: %(value)r — %(problem)s",
                                                 model=self._description or self._name,
                                                 field=field._description_string(self.env), value=value,
                                                 problem=problem(self.env)))


def _number_problem(kind, value):
    """Why ``value`` cannot be stored in a field of ``kind``, as a function of the env (translated), or None."""
    if isinstance(value, bool):
        return lambda env: env._("a number, not yes/no")
    if isinstance(value, str):
        try:
            value = float(value.strip()) if kind != "integer" else int(value.strip())
        except ValueError:
            return lambda env: env._("not a number")
    if not isinstance(value, (int, float)):
        return lambda env: env._("not a number")
    if isinstance(value, float) and not math.isfinite(value):
        return lambda env: env._("not a finite number")
    if kind == "integer":
        if isinstance(value, float) and not value.is_integer():
            return lambda env: env._("not a whole number")
        if not -INT4 <= value < INT4:
            return lambda env: env._("a whole number within ±2,147,483,647")
    elif abs(value) >= FLOAT_LIMIT:
        return lambda env: env._("a number within ±10^15")
    return None
