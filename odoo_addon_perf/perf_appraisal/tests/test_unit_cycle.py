from odoo.tests import new_test_user, tagged

from .common import D, PerfCase

# Area points of four village clinics (basic_medical, public_health, coop_medical, integration,
# hr_finance, environment, satisfaction) and their agricultural population.
CLINICS = {
    "东村卫生室": ((24, 28, 9, 9, 9, 5, 9), 1800),   # 93 pass
    "西村卫生室": ((20, 25, 8, 8, 8, 4, 8), 1200),   # 81 pass
    "南村卫生室": ((18, 22, 7, 7, 7, 4, 7), 1200),   # 72 fail
    "北村卫生室": ((15, 20, 6, 6, 6, 3, 6), 600),    # 62 fail
}
AREAS = ("basic_medical", "public_health", "coop_medical", "integration", "hr_finance", "environment", "satisfaction")


@tagged("post_install", "-at_install")
class TestVillageClinicCycle(PerfCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scheme = cls.env["perf.scheme"].search([("code", "=", "village-clinic")])
        cls.clinics = cls.env["hr.department"]
        for name, (_points, population) in CLINICS.items():
            clinic = cls.env["hr.department"].create({"name": name})
            clinic.set_perf_attribute("ag_population", population)
            cls.clinics |= clinic
        cls.cycle = cls.make_cycle(cls.scheme, name="2024 上半年", date_from="2024-01-01", date_to="2024-06-30",
                                   department_ids=[(6, 0, cls.clinics.ids)])
        cls.cycle.action_start()
        for clinic in cls.clinics:
            appraisal = cls.cycle.appraisal_ids.filtered(lambda a: a.department_id == clinic)
            for code, value in zip(AREAS, CLINICS[clinic.name][0]):
                appraisal.set_score(code, value, "assessor")
        cls.cycle.action_compute()
        cls.by_name = {a.subject_name: a for a in cls.cycle.appraisal_ids}

    def test_unit_subjects(self):
        """Departments are the subjects of a unit scheme; the cycle period is a half-year."""
        self.assertEqual(self.cycle.period, "2024-H1")
        self.assertEqual(len(self.cycle.appraisal_ids), 4)
        self.assertFalse(self.cycle.appraisal_ids.employee_id)

    def test_totals_grades_flags_subsidy(self):
        """Points sum, 80 to pass, ranking flags and the half-year subsidy (pass full, fail × total/80)."""
        expected = {
            # 8000 × population / 1200 / 2; fail × total / 80
            "东村卫生室": (D("93"), "pass", {"excellent_clinic"}, D("6000.00")),
            "西村卫生室": (D("81"), "pass", {"excellent_clinic"}, D("4000.00")),
            "南村卫生室": (D("72"), "fail", {"criticism"}, D("3600.00")),          # 4000 × 72/80
            "北村卫生室": (D("62"), "fail", {"criticism", "head_warning"}, D("1550.00")),  # 2000 × 62/80
        }
        for name, (total, grade, flags, pay) in expected.items():
            appraisal = self.by_name[name]
            self.assertEqual(D(appraisal.total_exact), total, name)
            self.assertEqual(appraisal.grade, grade, name)
            self.assertEqual(set((appraisal.flags or "").split(",")) - {""}, flags, name)
            self.assertEqual(D(str(appraisal.pay_amount)).quantize(D("0.01")), pay, name)
        pays = self.env["perf.pay"].search([("cycle_id", "=", self.cycle.id)])
        self.assertEqual(set(pays.department_id.ids), set(self.clinics.ids))
        # a clinic's money is its subsidy, called so on the form and the notice, not 绩效工资
        east = self.by_name["东村卫生室"]
        self.assertEqual((east.pay_label, east._notice_values()["pay_label"]), ("村卫生室补助", "村卫生室补助"))

    def test_the_total_or_its_areas_settle_a_clinic(self):
        """The seven areas entered: the directly given total is not needed (4 clinics × 8 lines, all done);
        a clinic whose assessor gives only the total has its seven areas done by it."""
        self.assertEqual((self.cycle.done_count, self.cycle.line_count), (32, 32))
        self.assertTrue(all(self.cycle.appraisal_ids.score_ids.mapped("settled")))
        clinic = self.env["hr.department"].create({"name": "中村卫生室"})
        clinic.set_perf_attribute("ag_population", 1200)
        cycle = self.make_cycle(self.scheme, name="2024 下半年", date_from="2024-07-01", date_to="2024-12-31",
                                department_ids=[(6, 0, clinic.ids)])
        cycle.action_start()
        lines = cycle.appraisal_ids.score_ids
        self.assertFalse(any(lines.mapped("settled")))
        lines.filtered(lambda s: s.code == "total").value = 85
        self.assertTrue(all(lines.mapped("settled")))
        self.assertEqual((cycle.done_count, cycle.line_count), (8, 8))

    def test_the_towns_assessor_enters_the_areas_from_her_sheet(self):
        """The 镇考核组's owner (a plain user) downloads her sheet — a row per clinic, a column per area —
        fills the seven areas of the four clinics and uploads it: the totals are 93, 81, 72, 62 again."""
        assessor = new_test_user(self.env, "town_assessor", groups="base.group_user")
        cycle = self.make_cycle(self.scheme, name="2024 上半年（镇考核组）", date_from="2024-01-01",
                                date_to="2024-06-30", department_ids=[(6, 0, self.clinics.ids)],
                                role_ids=[(0, 0, {"role": "assessor", "user_id": assessor.id})])
        cycle.action_start()
        book = self.owner_sheet(assessor, cycle)
        sheet = book.active
        keys = [cell.value for cell in sheet[2]]
        rows = {row[2].value: row for row in sheet.iter_rows(min_row=3)}
        self.assertEqual(set(rows), set(CLINICS))
        for name, (points, _population) in CLINICS.items():
            for code, value in zip(AREAS, points):
                rows[name][keys.index(f"{code}|assessor|")].value = value
        self.assertIn("28", self.upload_sheet(assessor, cycle, book))  # 4 clinics × 7 areas
        cycle.action_compute()
        self.assertEqual({a.subject_name: D(a.total_exact) for a in cycle.appraisal_ids},
                         {"东村卫生室": D("93"), "西村卫生室": D("81"), "南村卫生室": D("72"), "北村卫生室": D("62")})

    def test_publication_tells_no_unit(self):
        """Four clinics published: nobody is told (a unit has no appraisee to notify), and the
        notification says 0, not 4."""
        self.cycle.action_calibrate()
        self.cycle.action_to_approval()
        self.cycle.appraisal_ids.action_confirm()
        self.cycle.appraisal_ids.action_approve()
        result = self.cycle.action_publish()
        self.assertIn(" 0 ", result["params"]["message"])
