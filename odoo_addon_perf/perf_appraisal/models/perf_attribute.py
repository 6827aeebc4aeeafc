from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .wages import CONFIDENTIAL_ATTRIBUTES, CONTRACT_READERS


class PerfAttribute(models.Model):
    """An attribute of an employee (or department) that schemes read: 职称, 岗位, 奖金基数 …,
    typed by the schemes that declare it."""

    _name = "perf.attribute"
    _description = "Performance Attribute"
    _inherit = ["perf.workflow.mixin", "perf.attribute.value.mixin"]
    _order = "employee_id, department_id, code"
    _perf_editable_fields = frozenset({"employee_id", "department_id", "code", "definition_id", "value", "option_id",
                                       "bool_value", "number_value"})

    employee_id = fields.Many2one("hr.employee", ondelete="cascade", index=True)
    department_id = fields.Many2one("hr.department", ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", compute="_compute_company_id", store=True, index=True)
    code = fields.Char(required=True, help="The attribute code a scheme reads, e.g. title, post, bonus_base.")
    definition_id = fields.Many2one(
        "perf.scheme.attribute", string="Attribute", compute="_compute_definition_id", store=True, readonly=False,
        help="What the attribute means for a scheme: its type and allowed values.")
    value = fields.Char()

    _sql_constraints = [
        ("employee_code_uniq", "unique(employee_id, department_id, code)", "One value per attribute and subject."),
    ]

    @api.depends("employee_id.company_id", "department_id.company_id")
    def _compute_company_id(self):
        for line in self:
            line.company_id = line.employee_id.company_id or line.department_id.company_id

    @api.depends("code")
    def _compute_definition_id(self):
        for line in self:
            line.definition_id = line._perf_definitions()[:1]

    @api.onchange("definition_id")
    def _onchange_definition_id(self):
        # the form shows the value's input (a choice, yes/no, a number) as soon as the attribute is picked
        if self.definition_id:
            self.code = self.definition_id.code

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:  # picked in the form by its definition
            if vals.get("definition_id") and not vals.get("code"):
                vals["code"] = self.env["perf.scheme.attribute"].browse(vals["definition_id"]).code
            self._value_from_label(vals, vals.get("code"))
        if any(vals.get("code") in CONFIDENTIAL_ATTRIBUTES for vals in vals_list):
            self._check_contract_reader()
        lines = super().create(vals_list)
        lines._check_not_own()
        return lines

    def write(self, vals):
        if vals.get("definition_id") and "code" not in vals:
            vals = {**vals, "code": self.env["perf.scheme.attribute"].browse(vals["definition_id"]).code}
        if vals.get("value"):
            vals = dict(vals)
            for code in set(self.mapped("code")) if "code" not in vals else {vals["code"]}:
                self._value_from_label(vals, code)
        self._check_not_own()
        if vals.get("code") in CONFIDENTIAL_ATTRIBUTES or CONFIDENTIAL_ATTRIBUTES & set(self.sudo().mapped("code")):
            self._check_contract_reader()
        result = super().write(vals)
        self._check_not_own()
        return result

    def _check_contract_reader(self):
        """A wage (current_wage, post_salary_monthly) is as confidential as the contract it comes from."""
        if not (self.env.su or self.env.user.has_group(CONTRACT_READERS)):
            raise AccessError(self.env._("Wages are entered by users who may read contracts."))

    def _value_from_label(self, vals, code):
        """A value typed as people read it (护师) is stored as the code the schemes read (nurse)."""
        text = vals.get("value")
        if not code or not isinstance(text, str) or not text.strip():
            return
        values = self.env["perf.scheme.attribute.value"].sudo().search([("attribute_code", "=", code)])
        if text.strip() not in values.mapped("code"):
            by_label = {v.label: v.code for v in values if v.label}
            vals["value"] = by_label.get(text.strip(), text)

    @api.ondelete(at_uninstall=False)
    def _unlink_not_own(self):
        self._check_not_own()

    @api.constrains("code", "value")
    def _check_value(self):
        Definition = self.env["perf.scheme.attribute"].sudo()
        for line in self:
            if not Definition.search_count([("code", "=", line.code)], limit=1):
                known = sorted(code for (code,) in Definition._read_group([], ["code"]))
                raise ValidationError(self.env._("No scheme reads an attribute %(code)s (known: %(known)s).",
                                                 code=line.code, known=", ".join(known[:40])))
        self._perf_check_typed()

    def _check_not_own(self):
        """Attributes decide pay (奖金基数): nobody sets their own, nor those of the unit they manage."""
        if self.env.su:
            return
        for line in self.sudo():
            if self.env.user in (line.employee_id.user_id | line.department_id.manager_id.user_id):
                raise AccessError(self.env._("Nobody sets their own performance attributes (%s).", line.code))

    @api.constrains("employee_id", "department_id")
    def _check_subject(self):
        for line in self:
            if bool(line.employee_id) == bool(line.department_id):
                raise ValidationError(self.env._("An attribute belongs to an employee or to a department."))
