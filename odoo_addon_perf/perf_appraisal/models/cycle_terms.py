"""The cycle's terms: its states, the rater roles the org chart fills, the HR fields read as
attributes, period texts — what the cycle's model and its steps (perf_cycle_*.py) share."""

import calendar
import datetime

from dateutil.relativedelta import relativedelta

# An appraisal's results that are its own (few appraisals share them): written one appraisal at a
# time; the others (status, grade, rank, flags …) once per set of appraisals that share them.
OWN_RESULTS = frozenset({"total", "total_exact", "pay_amount", "result_json"})

DONE_STATES = ("published", "closed")

#: The cycle's steps, as hr_holidays keeps its transitions: step → (the states it starts from, the
#: state it leaves the cycle in, or None where it stays). The steps' checks and the form's buttons
#: (the ``can_<step>`` flags of perf.cycle) read this table only.
TRANSITIONS = {
    "start": (("draft",), "running"),
    "reset_draft": (("running",), "draft"),
    "open_rating": (("running",), "rating"),
    "compute": (("running", "rating", "calibration", "approval", "published"), None),
    "calibrate": (("running", "rating"), "calibration"),
    "to_approval": (("calibration",), "approval"),
    "publish": (("approval",), "published"),
    "close": (("published",), "closed"),
}

CYCLE_STATES = [
    ("draft", "Draft"),
    ("running", "Running"),
    ("rating", "Rating"),
    ("calibration", "Calibration"),
    ("approval", "Approval"),
    ("published", "Published"),
    ("closed", "Closed"),
]

# Who rates for a role, from the appraisee's place in the org chart.  Other roles (peers,
# functional departments, patients …) are assigned by HR on the score lines.
def superior_of(employee):
    """The employee's manager.  Odoo makes a department's manager her own manager (an employee's
    manager defaults to her department's): for her it is the manager of the department above."""
    parent = employee.parent_id
    if not parent or parent == employee:
        parent = employee.department_id.parent_id.manager_id
    return parent if parent != employee else parent.browse()


#: Indicator sources a rater types a score for (the others are computed, or start full).
GIVEN_SOURCES = ("given", "given_or_items", "given_or_formula")

ROLE_RATERS = {
    "self": lambda employee: employee.user_id,
    "superior": lambda employee: superior_of(employee).user_id,
    "leader": lambda employee: superior_of(employee).user_id,
    "dm": lambda employee: superior_of(employee).user_id,
    "skip": lambda employee: superior_of(superior_of(employee)).user_id,
}

# HR fields a scheme attribute may come from when the subject has no value of its own.
HR_ATTRIBUTES = {
    "department": lambda employee: employee.department_id.name,
    "current_wage": lambda employee: employee.contract_id.wage or None,
    "post_salary_monthly": lambda employee: employee.contract_id.wage or None,
}


def period_text(date_from, date_to):
    """The perfcore period of a date range: 2024-05, 2024-Q2, 2024-H1, 2024 or 2024-W18."""
    if not date_from or not date_to:
        return False
    year = date_from.year
    last_day = calendar.monthrange(date_to.year, date_to.month)[1]
    if date_from.day == 1 and date_to.day == last_day and date_to.year == year:
        months = date_to.month - date_from.month + 1
        if months == 1:
            return f"{year}-{date_from.month:02d}"
        if months == 3 and date_from.month in (1, 4, 7, 10):
            return f"{year}-Q{(date_from.month - 1) // 3 + 1}"
        if months == 6 and date_from.month in (1, 7):
            return f"{year}-H{1 if date_from.month == 1 else 2}"
        if months == 12:
            return str(year)
    iso = date_from.isocalendar()
    if iso[2] == 1 and (date_to - date_from).days == 6:
        return f"{iso[0]}-W{iso[1]:02d}"
    return False



# Scalar facts of the year-end pools (001 篇1), entered on the cycle.
SCALAR_FACTS = frozenset({"operated_profit", "consulting_target_met", "consulting_budget", "consulting_actual_cost",
                          "consulting_profit"})

# Fields fixed when the cycle starts: its scheme, period, participants and company.
DRAFT_ONLY_FIELDS = ("scheme_id", "date_from", "date_to", "employee_ids", "department_ids", "company_id")


def period_end(start, kind):
    """The last day of the period of ``kind`` (month, quarter, half_year, year, week) that starts
    on ``start``'s month (or, for a week, on ``start``)."""
    month_end = {"month": start.month, "quarter": (start.month - 1) // 3 * 3 + 3,
                 "half_year": 6 if start.month <= 6 else 12, "year": 12}.get(kind)
    if kind == "week":
        return start + datetime.timedelta(days=6)
    if month_end is None:
        return None
    return datetime.date(start.year, month_end, 1) + relativedelta(day=31)


def _notify(env, message, kind="success", sticky=False):
    """What a workflow button returns: a notification of what it did, then the form reloaded."""
    return {"type": "ir.actions.client", "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": sticky,
                       "next": {"type": "ir.actions.act_window_close"}}}
