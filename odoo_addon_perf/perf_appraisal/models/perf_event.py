from odoo import api, fields, models
from odoo.exceptions import ValidationError


class PerfEvent(models.Model):
    _name = "perf.event"
    _description = "Performance Event (加减分)"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    scheme_id = fields.Many2one("perf.scheme", required=True, index=True)
    employee_id = fields.Many2one("hr.employee", index=True)
    department_id = fields.Many2one("hr.department", index=True, string="Unit")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    code = fields.Char(required=True, help="An event code of the scheme, e.g. praise or late.")
    count = fields.Integer(default=1)
    points = fields.Float(digits=(16, 4), help="Explicit points, for ranged or free events.")
    note = fields.Text(help="The reason; some schemes require it.")
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence")
    state = fields.Selection([("draft", "Draft"), ("approved", "Approved"), ("refused", "Refused")],
                             default="draft", required=True, tracking=True)

    @api.constrains("code", "scheme_id", "count")
    def _check_code(self):
        for event in self:
            scheme = event.scheme_id._perfcore_scheme()
            if scheme.event(event.code) is None:
                raise ValidationError(self.env._("%(code)s is not an event of scheme %(scheme)s (known: %(known)s).",
                                                 code=event.code, scheme=scheme.id,
                                                 known=", ".join(e.code for e in scheme.events)))
            if event.count < 1:
                raise ValidationError(self.env._("An event counts at least once."))

    @api.constrains("employee_id", "department_id")
    def _check_subject(self):
        for event in self:
            if bool(event.employee_id) == bool(event.department_id):
                raise ValidationError(self.env._("An event belongs to one employee or one unit."))

    def action_approve(self):
        self.write({"state": "approved"})
        return True

    def action_refuse(self):
        self.write({"state": "refused"})
        return True
