import re

from odoo import models
from odoo.exceptions import AccessError, UserError

from .perf_workflow_mixin import OFFICER


class PerfAttributeMixin(models.AbstractModel):
    """``set_perf_attribute`` and batched reading, shared by employees and departments."""

    _name = "perf.attribute.mixin"
    _description = "Performance Attribute Holder"

    def _perf_attribute_field(self):
        return "employee_id" if self._name == "hr.employee" else "department_id"

    def set_perf_attribute(self, code, value):
        """Set (or clear, with ``None``) one performance attribute on these records (HR only)."""
        if not (self.env.su or self.env.user.has_group(OFFICER)):
            raise AccessError(self.env._("Only HR (performance officers) set performance attributes."))
        if not isinstance(code, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", code):
            raise UserError(self.env._("An attribute code is lower-case letters, digits and _, not %r.", code))
        self.check_access("read")  # records of the caller's companies only
        key = self._perf_attribute_field()
        Attribute = self.env["perf.attribute"]
        existing = Attribute.search([(key, "in", self.ids), ("code", "=", code)])
        if value is None:
            existing.unlink()
            return True
        text = str(value).lower() if isinstance(value, bool) else str(value)
        by_record = {line[key].id: line for line in existing}
        existing.write({"value": text})
        Attribute.create([{key: record.id, "code": code, "value": text} for record in self if record.id not in by_record])
        return True

    def _perf_attribute_values(self):
        """{record id: {code: text}} for these records, in one query."""
        key = self._perf_attribute_field()
        out = {record.id: {} for record in self}
        for line in self.env["perf.attribute"].sudo().search_read([(key, "in", self.ids)], [key, "code", "value"],
                                                                  load=None):
            out[line[key]][line["code"]] = line["value"]
        return out
