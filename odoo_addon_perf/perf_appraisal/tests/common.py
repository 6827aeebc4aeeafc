import base64
import io
from decimal import Decimal

import openpyxl

from odoo.tests import TransactionCase, new_test_user


# The shipped nursing example (data/examples/nursing.yaml), entered through the ORM.
NURSES = [
    # name, ward, title, post, base, scores, events
    ("张三", "ward-3", "senior_nurse", "ward_night", 1000, {"head_nurse": 92, "nursing_dept": 95, "patient": 90},
     [("praise", 1, None)]),
    ("李四", "ward-3", "nurse", "ward_day", 1000, {"head_nurse": 90, "nursing_dept": 96, "patient": 92},
     [("study_session", 3, None)]),
    ("王五", "ward-3", "intermediate", "ward_night", 1000, {"head_nurse": 95, "nursing_dept": 92, "patient": 93}, []),
    ("赵六", "ward-3", "trainee", "ward_day", 1000, {"head_nurse": 70, "nursing_dept": 80, "patient": 75},
     [("error_or_complaint", 1, "输液巡视不到位被投诉")]),
    ("钱七", "emergency", "senior_nurse", "emergency", 1200, {"head_nurse": 88, "nursing_dept": 90, "patient": 85},
     [("paper", 1, None)]),
    ("孙八", "emergency", "nurse", "emergency", 1200, {"head_nurse": 85, "nd_failing_cases": 1, "patient": 88}, []),
    ("周九", "emergency", "nurse", "infusion", 1200, {"head_nurse": 60, "nursing_dept": 70, "patient": 65},
     [("exam_fail", 1, None)]),
]

D = Decimal

# What the nursing example gives (perfcore's golden test derives it by hand): name → total, grade,
# rank, pay — e.g. 张三 92×.3 + 95×.3 + 90×.4 + 10 = 102.10, pay 102.10/100 × 1.2 × 1.5 × 1000 =
# 1837.80; 李四 excellent by band, capped to good in ward-3 (its excellent seat is 张三's).
NURSING_RESULTS = {
    "张三": (D("102.10"), "excellent", 1, D("1837.80")),
    "李四": (D("94.10"), "good", 2, D("1317.40")),
    "王五": (D("93.30"), "good", 3, D("1959.30")),
    "赵六": (D("65.00"), "pass", 4, D("728.00")),
    "钱七": (D("97.40"), "excellent", 1, D("1963.58")),
    "孙八": (D("90.10"), "good", 2, D("1513.68")),
    "周九": (D("60.00"), "pass", 3, D("864.00")),
}


class PerfFixture:
    """A company with two wards, a head nurse per ward, a director above them and seven nurses;
    HR officers, an administrator, role owners (护理部 quality officer, patient-survey clerk)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.nursing = cls.env["perf.scheme"].search([("code", "=", "nursing"), ("is_preset", "=", True)])
        cls.officer = new_test_user(cls.env, "perf_officer", groups="base.group_user,perf_appraisal.group_perf_officer")
        cls.perf_admin = new_test_user(cls.env, "perf_admin", groups="base.group_user,perf_appraisal.group_perf_admin")
        cls.quality_officer = new_test_user(cls.env, "nd_quality", groups="base.group_user")
        cls.survey_clerk = new_test_user(cls.env, "survey_clerk", groups="base.group_user")
        cls.director_user = new_test_user(cls.env, "perf_director", groups="base.group_user,perf_appraisal.group_perf_manager")
        cls.director = cls.env["hr.employee"].create({"name": "护理部主任", "user_id": cls.director_user.id})
        cls.nursing_dept = cls.env["hr.department"].create({"name": "护理部", "manager_id": cls.director.id})
        cls.wards, cls.heads, cls.head_users = {}, {}, {}
        for ward in ("ward-3", "emergency"):
            user = new_test_user(cls.env, f"head_{ward}", groups="base.group_user,perf_appraisal.group_perf_manager")
            head = cls.env["hr.employee"].create({"name": f"护士长 {ward}", "user_id": user.id,
                                                  "parent_id": cls.director.id})
            cls.wards[ward] = cls.env["hr.department"].create({"name": ward, "parent_id": cls.nursing_dept.id,
                                                               "manager_id": head.id})
            head.department_id = cls.wards[ward]
            cls.heads[ward], cls.head_users[ward] = head, user
        cls.nurses = cls.env["hr.employee"]
        cls.nurse_users = {}
        for index, (name, ward, title, post, base, _scores, _events) in enumerate(NURSES):
            user = new_test_user(cls.env, f"nurse{index}", groups="base.group_user")
            nurse = cls.env["hr.employee"].create({"name": name, "user_id": user.id, "department_id": cls.wards[ward].id,
                                                   "parent_id": cls.heads[ward].id})
            nurse.set_perf_attribute("title", title)
            nurse.set_perf_attribute("post", post)
            nurse.set_perf_attribute("bonus_base", base)
            cls.nurses |= nurse
            cls.nurse_users[name] = user

    @classmethod
    def role_owners(cls):
        """The users HR names for the nursing roles without an org-chart rater."""
        return [(0, 0, {"role": "nursing_dept", "user_id": cls.quality_officer.id}),
                (0, 0, {"role": "patient", "user_id": cls.survey_clerk.id})]

    @classmethod
    def make_cycle(cls, scheme, name="2024-05", date_from="2024-05-01", date_to="2024-05-31", **values):
        return cls.env["perf.cycle"].create({"name": name, "scheme_id": scheme.id, "date_from": date_from,
                                             "date_to": date_to, **values})

    def owner_sheet(self, user, cycle):
        """The XLSX score sheet ``user`` downloads from the cycle (her lines, a row per appraisee)."""
        wizard = self.env["perf.import.wizard"].with_user(user).create({"cycle_id": cycle.id, "kind": "scores"})
        action = wizard.action_export_template()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        return openpyxl.load_workbook(io.BytesIO(attachment.raw))

    def upload_sheet(self, user, cycle, book):
        """``book`` uploaded by ``user``; the import's result text."""
        buffer = io.BytesIO()
        book.save(buffer)
        wizard = self.env["perf.import.wizard"].with_user(user).create({
            "cycle_id": cycle.id, "kind": "scores", "data": base64.b64encode(buffer.getvalue()),
            "filename": "sheet.xlsx"})
        wizard.action_import()
        return wizard.result

    @classmethod
    def grade(cls, scheme, code):
        """The scheme's grade record (what HR picks by its label) for a grade code."""
        return scheme.grade_ids.filtered(lambda g: g.code == code)

    @staticmethod
    def publish(cycle):
        """Calibrate, send for approval, confirm and approve everything (as HR), publish."""
        cycle.action_calibrate()
        cycle.action_to_approval()
        cycle.appraisal_ids.action_confirm()
        cycle.appraisal_ids.action_approve()
        cycle.action_publish()
        return cycle

    @classmethod
    def enter_example_scores(cls, cycle):
        """The nursing example's scores of each nurse, entered in a started cycle (as their raters)."""
        for nurse, (_name, _ward, _t, _p, _b, scores, _events) in zip(cls.nurses, NURSES):
            appraisal = cycle.appraisal_ids.filtered(lambda a, n=nurse: a.employee_id == n)
            for code, value in scores.items():
                appraisal.set_score(code, value, None if code == "nd_failing_cases" else _rater(code))

    @classmethod
    def nursing_cycle(cls):
        """The nursing example entered through the ORM API and computed."""
        cycle = cls.make_cycle(cls.nursing, employee_ids=[(6, 0, cls.nurses.ids)], role_ids=cls.role_owners())
        cycle.action_start()
        cls.enter_example_scores(cycle)
        for nurse, (_name, _ward, _t, _p, _b, _scores, events) in zip(cls.nurses, NURSES):
            for code, count, note in events:
                cls.env["perf.event"].create({"scheme_id": cls.nursing.id, "employee_id": nurse.id, "code": code,
                                              "count": count, "note": note, "date": "2024-05-15"}).action_approve()
        cycle.action_compute()
        return cycle


class PerfCase(PerfFixture, TransactionCase):
    """The fixture in a TransactionCase."""


def _rater(code):
    return {"head_nurse": "superior", "nursing_dept": "nursing_dept", "patient": "patient"}[code]
