from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_presets_loaded(self):
        """The 18 perfcore presets are schemes after install."""
        schemes = self.env["perf.scheme"].search([("is_preset", "=", True)])
        self.assertEqual(len(schemes), 18)
        nursing = schemes.filtered(lambda s: s.code == "nursing")
        self.assertEqual(nursing.name, "护士绩效奖金")
        self.assertIn("pay_basis", nursing.parameter_ids.mapped("name"))

    def test_load_presets_is_idempotent(self):
        """Loading presets again creates nothing and keeps edited parameter values."""
        nursing = self.env["perf.scheme"].search([("code", "=", "nursing")])
        parameter = nursing.parameter_ids.filtered(lambda p: p.name == "nd_points_per_failing_case")
        parameter.value = "3"
        self.env["perf.scheme"]._load_presets()
        self.assertEqual(self.env["perf.scheme"].search_count([("is_preset", "=", True)]), 18)
        self.assertEqual(parameter.value, "3")

    def test_bad_scheme_refused_with_perfcore_messages(self):
        """A scheme whose weights do not add up is refused, naming the sum."""
        from odoo.exceptions import ValidationError

        with self.assertRaises(ValidationError) as info:
            self.env["perf.scheme"].create({"name": "bad", "source_yaml": (
                "id: bad\ntitle: bad\nperiods: [month]\nindicators:\n"
                "  - {code: a, weight: 60}\n  - {code: b, weight: 35}\n")})
        self.assertIn("sum to 95, expected 100", str(info.exception))

    def test_bad_parameter_value_refused(self):
        """Editing a parameter to a value of the wrong type is refused by perfcore."""
        from odoo.exceptions import ValidationError

        nursing = self.env["perf.scheme"].search([("code", "=", "nursing")])
        with self.assertRaises(ValidationError):
            nursing.parameter_ids.filtered(lambda p: p.name == "nd_points_per_failing_case").value = "two"

    def test_upload_scheme_file(self):
        """An uploaded scheme file becomes a scheme; a bad one is refused with perfcore's message."""
        import base64

        from odoo.exceptions import ValidationError

        good = ("id: tiny\ntitle: 小方案\nperiods: [month]\nindicators:\n"
                "  - {code: a, weight: 60}\n  - {code: b, weight: 40}\n")
        scheme = self.env["perf.scheme"].create({"name": "x", "source_file": base64.b64encode(good.encode())})
        self.assertEqual((scheme.code, scheme.period_kinds), ("tiny", "month"))
        bad = good.replace("weight: 40", "weight: 45")
        with self.assertRaises(ValidationError) as info:
            scheme.write({"source_file": base64.b64encode(bad.encode())})
        self.assertIn("sum to 105, expected 100", str(info.exception))

    def test_zh_cn_terms(self):
        """The shipped zh_CN translation names menus, fields and messages in Chinese."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["perf_appraisal"], ["zh_CN"], overwrite=True)
        zh = self.env(context=dict(self.env.context, lang="zh_CN"))
        self.assertEqual(zh.ref("perf_appraisal.perf_menu_cycles").name, "考核周期")
        self.assertEqual(zh["ir.model.fields"]._get("perf.appraisal", "final_grade").field_description, "最终等级")
        # a message raised in code, with its placeholders kept
        self.assertEqual(zh._("%(grade)s is not a grade of this scheme (%(codes)s).", grade="X", codes="A, B"),
                         "X 不是本方案的等级（A, B）。")
