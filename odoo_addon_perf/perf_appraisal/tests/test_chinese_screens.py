"""The screens in zh_CN hold no English word: every view, menu, action, field label and selection
of the performance addons, read from the database in Chinese as the web client gets them.  The
words allowed are names of formats and standards people use as they are (XLSX, KPI …)."""

import re

from lxml import etree

from odoo.tests import TransactionCase, tagged

MODULES = ("perf_appraisal", "perf_appraisal_payroll", "perf_appraisal_queue")
# words a Chinese screen keeps in Latin letters: file formats, standards, product names
ALLOWED = {"XLSX", "CSV", "PDF", "YAML", "KPI", "KPIs", "HR", "ID", "ISO", "Excel", "Odoo", "OCA", "NET", "PERF",
           "GROSS", "BASIC", "ALW", "DED", "JSON", "e.g", "XML", "URL", "RPC"}
WORD = re.compile(r"[A-Za-z][A-Za-z.]*[A-Za-z]|[A-Za-z]")
SHOWN_ATTRIBUTES = ("string", "placeholder", "help", "title", "confirm")


def english_words(text):
    return sorted({w for w in WORD.findall(text or "") if w not in ALLOWED and len(w) > 1})


@tagged("post_install", "-at_install")
class TestChineseScreens(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        installed = cls.env["ir.module.module"].search([("name", "in", MODULES), ("state", "=", "installed")])
        cls.env["ir.module.module"]._load_module_terms(installed.mapped("name"), ["zh_CN"], overwrite=True)
        cls.zh = cls.env(context={"lang": "zh_CN"})
        cls.modules = installed.mapped("name")

    def records(self, model):
        data = self.env["ir.model.data"].search([("module", "in", self.modules), ("model", "=", model)])
        return self.zh[model].browse(data.mapped("res_id")).exists()

    def assertChinese(self, found):
        self.assertFalse(found, "English on a zh_CN screen:\n" + "\n".join(f"{where}: {words}" for where, words in found))

    def test_views(self):
        found = []
        for view in self.records("ir.ui.view"):
            root = etree.fromstring(view.arch_db.encode())
            for node in root.iter():
                if not isinstance(node.tag, str):  # comments say why to developers
                    texts = [node.tail]
                else:
                    dynamic = any(a in node.attrib for a in ("t-esc", "t-out", "t-field", "t-raw"))
                    texts = ([] if dynamic else [node.text]) + [node.tail]
                    texts += [node.get(a) for a in SHOWN_ATTRIBUTES]
                for text in texts:
                    words = english_words(text)
                    if words:
                        found.append((f"{view.xml_id or view.name} <{node.tag}> {text.strip()[:60]!r}", words))
        self.assertChinese(found)

    def test_menus_and_actions(self):
        found = [(f"menu {m.complete_name}", english_words(m.name)) for m in self.records("ir.ui.menu")]
        for model in ("ir.actions.act_window", "ir.actions.client", "ir.actions.report", "ir.actions.server"):
            found += [(f"{model} {a.xml_id}", english_words(a.name)) for a in self.records(model)]
        self.assertChinese([(where, words) for where, words in found if words])

    def test_fields_and_selections(self):
        found = []
        models = self.env["ir.model.data"].search([("module", "in", self.modules), ("model", "=", "ir.model")])
        for model in self.env["ir.model"].browse(models.mapped("res_id")).mapped("model"):
            for name, description in self.zh[model].fields_get(attributes=["string", "selection"]).items():
                field = self.env[model]._fields.get(name)  # (res.users' group selections are virtual)
                if field is None or field.name in ("id", "display_name", "create_uid", "create_date", "write_uid", "write_date") \
                        or field._module not in self.modules:
                    continue
                words = english_words(description["string"])
                if words:
                    found.append((f"{model}.{name}", words))
                for value, label in description.get("selection") or []:
                    words = english_words(label)
                    if words:
                        found.append((f"{model}.{name} = {value}", words))
        self.assertChinese(found)
