from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .perf_workflow_mixin import OFFICER


class PerfAttribute(models.Model):
    _name = "perf.attribute"
    _description = "Performance Attribute"
    _order = "employee_id, department_id, code"

    employee_id = fields.Many2one("hr.employee", ondelete="cascade", index=True)
    department_id = fields.Many2one("hr.department", ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", compute="_compute_company_id", store=True, index=True)
    code = fields.Char(required=True, help="The attribute code a scheme reads, e.g. title, post, bonus_base.")
    value = fields.Char()

    _sql_constraints = [
        ("employee_code_uniq", "unique(employee_id, department_id, code)", "One value per attribute and subject."),
    ]

    @api.depends("employee_id.company_id", "department_id.company_id")
    def _compute_company_id(self):
        for line in self:
            line.company_id = line.employee_id.company_id or line.department_id.company_id

    @api.constrains("employee_id", "department_id")
    def _check_subject(self):
        for line in self:
            if bool(line.employee_id) == bool(line.department_id):
                raise ValidationError(self.env._("An attribute belongs to an employee or to a department."))


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
