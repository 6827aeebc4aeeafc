"""Installing an app hands no employee the wages (models/res_users.py)."""

from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.perf_appraisal.models.wages import CONTRACT_READERS


@tagged("post_install", "-at_install")
class TestTemplateRights(TransactionCase):

    def test_an_app_installed_later_gives_no_employee_the_contracts(self):
        """With Odoo's Default Access Rights on, an app installed later adds its rights to the user
        template (OCA payroll: Payroll Manager, which reads every contract) and Odoo gives them to
        every existing internal user. She gets the template's new rights but those reading contracts."""
        self.env["ir.config_parameter"].sudo().set_param("base_setup.default_user_rights", True)
        nurse = new_test_user(self.env, "nurse_template", groups="base.group_user,perf_appraisal.group_perf_user")
        readers = self.env.ref(CONTRACT_READERS)
        payroll_like = self.env["res.groups"].create({"name": "薪酬管理员", "implied_ids": [(4, readers.id)]})
        survey_like = self.env["res.groups"].create({"name": "问卷用户"})
        template = self.env.ref("base.default_user")
        template.write({"groups_id": [(4, payroll_like.id), (4, survey_like.id)]})
        self.assertIn(survey_like, nurse.groups_id)
        self.assertFalse((payroll_like | readers) & nurse.groups_id)
        self.assertFalse(self.env["hr.contract"].with_user(nurse).has_access("read"))
        # the template keeps what was written (new users get it as the administrator set it)
        self.assertIn(payroll_like, template.groups_id)
        # and without Default Access Rights nothing is given, as in Odoo
        self.env["ir.config_parameter"].sudo().set_param("base_setup.default_user_rights", False)
        other = self.env["res.groups"].create({"name": "考勤用户"})
        template.write({"groups_id": [(4, other.id)]})
        self.assertNotIn(other, nurse.groups_id)
