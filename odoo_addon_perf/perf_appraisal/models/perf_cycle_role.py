from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .cycle_terms import ROLE_RATERS
from .perf_workflow_mixin import workflow


class PerfCycleRole(models.Model):
    """The user HR names to enter the lines of a rater role that no org-chart position fills
    (the nursing department's quality officer, the clerk of the patient survey …)."""

    _name = "perf.cycle.role"
    _description = "Role Owner of a Cycle"
    _inherit = ["perf.workflow.mixin"]
    _order = "cycle_id, role"
    _perf_editable_fields = frozenset({"role", "user_id"})

    cycle_id = fields.Many2one("perf.cycle", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="cycle_id.company_id", store=True, index=True)
    role = fields.Char(string="Role Code", required=True, help="A rater role code of the scheme, e.g. nursing_dept or patient.")
    role_label = fields.Char(string="Role", compute="_compute_role_label",
                             help="The role as the scheme names it (护理部, 患者).")
    user_id = fields.Many2one("res.users", string="Entered by", required=True)

    _sql_constraints = [
        ("cycle_role_uniq", "unique(cycle_id, role)", "One owner per role and cycle."),
    ]

    @api.depends("role", "cycle_id.scheme_id")
    def _compute_role_label(self):
        for owner in self:
            roles = dict(owner.cycle_id._owner_roles()) if owner.cycle_id.scheme_id else {}
            owner.role_label = roles.get(owner.role) or owner.role

    @api.constrains("role", "cycle_id")
    def _check_role(self):
        for owner in self:
            scheme = owner.cycle_id.scheme_id._perfcore_scheme()
            roles = {r.code for i in scheme.all_indicators() for r in scheme.raters_of(i)}
            roles |= {m for i in scheme.all_indicators() for r in scheme.raters_of(i) for m in r.pool}
            roles -= set(ROLE_RATERS)
            if owner.role not in roles:
                raise ValidationError(self.env._("%(role)s is not a rater role of %(scheme)s that HR assigns "
                                                 "(roles: %(roles)s).", role=owner.role, scheme=scheme.id,
                                                 roles=", ".join(sorted(roles)) or "-"))

    def _check_open(self):
        for owner in self:
            if owner.cycle_id.state not in ("draft", "running", "rating"):
                raise UserError(self.env._("Role owners are set before calibration."))

    @api.model_create_multi
    def create(self, vals_list):
        self._perf_check_parent_writable("cycle_id", vals_list)
        owners = super().create(vals_list)
        owners._check_open()
        owners._assign_lines(self.env["res.users"])
        return owners

    def write(self, vals):
        previous = {owner.id: owner.user_id for owner in self}
        self._check_open()
        result = super().write(vals)
        if "user_id" in vals:
            for owner in self:
                owner._assign_lines(previous[owner.id])
        return result

    def _assign_lines(self, previous):
        """Unrated lines of the role, without a rater or with the previous owner, go to the owner —
        except on the owner's own appraisal, which HR enters."""
        for owner in self:
            lines = self.env["perf.score"].sudo().search([
                ("cycle_id", "=", owner.cycle_id.id), ("rater_role", "=", owner.role),
                ("rated", "=", False), ("rater_user_id", "in", [False] + previous.ids)])
            mine = lines.filtered(lambda s, u=owner.user_id: s.appraisal_id.user_id == u)
            with workflow():
                (lines - mine).write({"rater_user_id": owner.user_id.id})
                mine.write({"rater_user_id": False})
