from odoo.tests import tagged

from .common import PerfCase


@tagged("post_install", "-at_install")
class TestAttributes(PerfCase):
    """HR gives an employee her attributes on the employee form as people name them."""

    def title(self):
        return self.nursing.attribute_ids.filtered(lambda a: a.code == "title")

    def test_a_label_is_stored_as_its_code(self):
        """护师 is what HR types for senior_nurse (the nursing scheme's label): stored as the code."""
        nurse = self.env["hr.employee"].create({"name": "新护士"})
        line = self.env["perf.attribute"].with_user(self.officer).create({
            "employee_id": nurse.id, "definition_id": self.title().id, "value": "护师"})
        self.assertEqual((line.code, line.value, line.value_label), ("title", "senior_nurse", "护师"))
        line.with_user(self.officer).value = "见习"
        self.assertEqual(line.value, "trainee")

    def test_the_choice_shows_before_saving_and_once(self):
        """Picking the attribute fills its code at once (the choice column appears); the choices are
        that scheme's own values, not one copy per scheme declaring 'title'."""
        line = self.env["perf.attribute"].with_user(self.officer).new({"definition_id": self.title().id})
        line._onchange_definition_id()  # as the form's onchange on picking the attribute
        self.assertEqual((line.code, line.value_type), ("title", "text"))
        labels = self.env["perf.scheme.attribute.value"].search([("attribute_id", "=", self.title().id)]).mapped("label")
        self.assertEqual(len(labels), len(set(labels)))
        self.assertNotIn("(title)", self.title().display_name)

    def test_a_unit_gets_its_attributes_on_the_department_form(self):
        """village-clinic appraises 村卫生室 as units: HR sets 辖区农业人口 on the department's 绩效 tab."""
        clinics = self.env["perf.scheme"].search([("code", "=", "village-clinic"), ("is_preset", "=", True)])
        population = clinics.attribute_ids.filtered(lambda a: a.code == "ag_population")
        arch = self.env["hr.department"].with_user(self.officer).get_view(view_type="form")["arch"]
        self.assertIn('name="perf_attribute_ids"', arch)
        clinic = self.env["hr.department"].create({"name": "南村卫生室"})
        clinic.with_user(self.officer).write({"perf_attribute_ids": [(0, 0, {"definition_id": population.id,
                                                                              "number_value": 1500})]})
        self.assertEqual(clinic._perf_attribute_values()[clinic.id]["ag_population"], "1500")
