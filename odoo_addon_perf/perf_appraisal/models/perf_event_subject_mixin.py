from odoo import fields, models
from odoo.osv import expression

from .perf_workflow_mixin import OFFICER


class PerfEventSubjectMixin(models.AbstractModel):
    """Whom a user may record a 加减分 event about, as a field the event form's lists filter on
    (perf.event's create checks the same): HR anyone but herself, a manager the people and units of
    the departments she manages or is above. Each subject model says how in
    ``_perf_recordable_domain``."""

    _name = "perf.event.subject.mixin"
    _description = "Subject of Performance Events"

    perf_event_recordable = fields.Boolean(
        compute="_compute_perf_event_recordable", search="_search_perf_event_recordable",
        help="You may record a 加减分 event about it: HR, or a manager of its department or one above — "
             "never about yourself or your own unit.")

    def _compute_perf_event_recordable(self):
        allowed = self.search([("id", "in", self.ids), ("perf_event_recordable", "=", True)])
        for subject in self:
            subject.perf_event_recordable = subject in allowed

    def _search_perf_event_recordable(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValueError(self.env._("Unsupported search on %(field)s: %(operator)s %(value)r",
                                        field="perf_event_recordable", operator=operator, value=value))
        domain = expression.normalize_domain(self._perf_recordable_domain())
        return domain if (operator == "=") == value else ["!", *domain]

    def _perf_recordable_domain(self):
        raise NotImplementedError

    def _perf_is_event_officer(self):
        return self.env.user.has_group(OFFICER)

    def _perf_scope_departments(self):
        """The departments the user manages or is above (her record rules' scope), as a subquery."""
        return self.env["hr.department"].sudo()._search([("perf_scope_user_ids", "in", self.env.uid)])


class PerfEventPersonMixin(models.AbstractModel):
    """An employee as a subject (hr.employee, and hr.employee.public that a manager without HR
    rights reads): never oneself; a manager's own departments."""

    _name = "perf.event.person.mixin"
    _inherit = "perf.event.subject.mixin"
    _description = "Employee as Subject of Performance Events"

    def _perf_recordable_domain(self):
        domain = [("user_id", "!=", self.env.uid)]
        if not self._perf_is_event_officer():
            domain.append(("department_id", "in", self._perf_scope_departments()))
        return domain
