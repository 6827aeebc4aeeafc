import re

from lxml import etree

from odoo.tests import tagged

from .common import PerfCase

HIDDEN = ("1", "True", "true")


def shown_fields(arch):
    """The fields a view may show (those hidden for good are left out), top level only."""
    root = etree.fromstring(arch)
    names = []
    for node in root.iter("field"):
        hidden = [a for a in ("invisible", "column_invisible") if node.get(a) in HIDDEN]
        inside_subview = any(p.tag in ("list", "kanban", "form") and p is not root for p in node.iterancestors())
        if not hidden and not inside_subview and node.get("name") not in names:
            names.append(node.get("name"))
    return names


@tagged("post_install", "-at_install")
class TestLabels(PerfCase):
    """Where a scheme names a code (grades, events, rater roles, flags, attributes), people read the name."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")  # the views are read in Chinese (a fresh database has only en_US)
        cls.cycle = cls.nursing_cycle()
        cls.cycle.action_calibrate()
        scheme = cls.nursing._perfcore_scheme()
        cls.codes = ({g.code for g in scheme.grades} | {e.code for e in scheme.events} | {a.code for a in scheme.attributes}
                     | {r.code for i in scheme.all_indicators() for r in scheme.raters_of(i)}
                     | {f for a in cls.cycle.appraisal_ids for f in (a.flags or "").split(",") if f}
                     | {"self_score_replaced", "tie_at_boundary", "incomplete"})

    def displayed(self, model, records, view_type, view_ref=None):
        """Every value the view shows for ``records``, as text (many2one by display name, selections by label)."""
        Model = self.env[model].with_context(lang="zh_CN")
        view = Model.get_views([(self.env.ref(view_ref).id if view_ref else False, view_type)])["views"][view_type]
        names = [n for n in shown_fields(view["arch"]) if n in Model._fields]
        texts = []
        for record in records.with_context(lang="zh_CN"):
            for name in names:
                field = Model._fields[name]
                value = record[name]
                if field.type == "many2one":
                    texts.append(value.display_name or "")
                elif field.type == "selection":
                    texts.append(dict(field._description_selection(self.env)).get(value) or "")
                elif field.type in ("char", "text"):
                    texts.append(value or "")
        return names, texts

    def assertNoCode(self, names, texts, where):
        for text in texts:
            tokens = set(re.split(r"[\s,、·:()]+", text))
            self.assertFalse(tokens & self.codes, f"{where} shows the code {tokens & self.codes} ({text!r}); "
                                                  f"fields {names}")

    def test_appraisal_views_show_labels(self):
        """List, kanban, form and calibration of a computed nursing cycle show grade labels (优秀), no codes."""
        appraisals = self.cycle.appraisal_ids
        for view_type, ref in (("list", None), ("kanban", None), ("form", None),
                               ("list", "perf_appraisal.perf_appraisal_view_list_calibration")):
            names, texts = self.displayed("perf.appraisal", appraisals, view_type, ref)
            self.assertNoCode(names, texts, f"perf.appraisal {view_type} {ref or ''}")
            if view_type != "form":
                self.assertTrue({"优秀", "良好", "合格"} & set(texts), f"{view_type}: grade labels shown")
        zhang = appraisals.filtered(lambda a: a.subject_name == "张三")
        self.assertEqual(zhang.final_grade_id.display_name, "优秀")
        self.assertEqual(zhang.band_grade_label, "优秀")

    def test_lines_and_events_show_names(self):
        """Score lines show the rater role's name (护士长), events the event's name (表扬)."""
        lines = self.cycle.appraisal_ids.score_ids
        self.assertEqual(set(lines.mapped("rater_role_label")) - {False}, {"护士长", "护理部", "患者"})
        events = self.env["perf.event"].search([("scheme_id", "=", self.nursing.id)])
        names, texts = self.displayed("perf.event", events, "list")
        self.assertNoCode(names, texts, "perf.event list")
        self.assertIn("表扬 (+10)", texts)

    def test_unrated_is_empty_not_zero(self):
        """An unrated line shows nothing (not 0.0000); a rated one its number as entered."""
        cycle = self.make_cycle(self.nursing, name="2024-06", date_from="2024-06-01", date_to="2024-06-30",
                                employee_ids=[(6, 0, self.nurses[:1].ids)], role_ids=self.role_owners())
        cycle.action_start()
        line = cycle.appraisal_ids.score_ids.filtered(lambda s: s.code == "head_nurse")
        self.assertFalse(line.value_input)
        line.with_user(self.head_users["ward-3"]).value_input = "92.5"
        self.assertEqual((line.value, line.rated, line.value_input), (92.5, True, "92.5"))
        appraisal = cycle.appraisal_ids
        self.assertEqual(appraisal.status, "pending")  # the kanban shows the status, not "0.00 · · #0"

    def test_pay_components_by_name(self):
        """A pay result lists its components by the scheme's names: 绩效奖金, not bonus."""
        pay = self.cycle.appraisal_ids.pay_ids[:1]
        self.assertIn("绩效奖金", pay.components_html)
        self.assertNotIn(">bonus<", pay.components_html)


@tagged("post_install", "-at_install")
class TestNoCodeColumns(PerfCase):
    """No view of the addons shows a code where its label exists (the employee form's history
    listed "excellent", the score log nursing_dept)."""

    CODE_FIELDS = {"perf.appraisal": {"grade", "final_grade", "band_grade", "grade_override"},
                   "perf.score.log": {"code", "rater_role"}}

    def test_codes_are_never_shown(self):
        data = self.env["ir.model.data"].search([("module", "like", "perf_appraisal%"), ("model", "=", "ir.ui.view")])
        shown = []
        for view in self.env["ir.ui.view"].browse(data.mapped("res_id")):
            root = etree.fromstring(view.arch_db.encode())
            for node in root.iter("field"):
                # the model a field belongs to: its view's, or the comodel of the x2many it is listed in
                holder = next((p for p in node.iterancestors("field")), None)
                model = self.env[view.model]
                if holder is not None and holder.get("name") in model._fields:
                    model = self.env[model._fields[holder.get("name")].comodel_name or model._name]
                hidden = node.get("invisible") in HIDDEN or node.get("column_invisible") in HIDDEN
                if node.get("name") in self.CODE_FIELDS.get(model._name, ()) and not hidden:
                    shown.append(f"{view.xml_id}: {model._name}.{node.get('name')}")
        self.assertFalse(shown, "codes shown instead of their labels")

    def test_a_pool_is_summarised_by_its_members_names(self):
        """general-quarterly's 职能部门 is the mean of 财务部 and 行政部, not of finance and admin."""
        scheme = self.env["perf.scheme"].search([("code", "=", "general-quarterly"), ("is_preset", "=", True)])
        self.assertIn("职能部门 30% (财务部、行政部)", str(scheme.summary_html))

    def test_the_summary_reads_formulas_by_their_terms_names(self):
        """HR reads 护理部专项 as max(0, 100 − 每例不合格扣分 × 护理部专项检查不合格例数) and the bonus as
        绩效得分 ÷ 100 × 职称系数 × 岗位系数 × 奖金基数; the written formula stays below it for the editor; the
        parameters' notes are Chinese (原文：护理部专项检查每发现一例不合格扣2分)."""
        self.env["res.lang"]._activate_lang("zh_CN")
        nursing = self.env["perf.scheme"].search([("code", "=", "nursing"), ("is_preset", "=", True)])
        summary = str(nursing.with_context(lang="zh_CN").summary_html)
        self.assertIn("max(0, 100 − 每例不合格扣分 × 护理部专项检查不合格例数)", summary)
        self.assertIn("<code>max(0, 100 - nd_points_per_failing_case * nd_failing_cases)</code>", summary)
        self.assertIn("绩效得分 ÷ 100 × 职称系数 × 岗位系数 × 奖金基数", summary)
        self.assertIn("原文：护理部专项检查每发现一例不合格扣2分", summary)
        self.assertNotIn("SCHEMES", summary)
        self.assertIn("绝对值", summary)  # pay_basis: absolute, as HR reads it
        self.assertNotIn(">absolute<", summary)
