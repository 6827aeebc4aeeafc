"""Each static check catches a deliberately broken copy of the real addons, naming the file.

Every case copies ``odoo_addon_perf/`` to a temporary folder, applies one edit a developer could
make by mistake, and asserts the expected check reports it in the edited file. The clean copy
passing (test_addon_static.py) and the broken copy failing together prove the check works.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from addon_checks import CHECKS, load_repo, run_checks

ADDONS_ROOT = Path(__file__).resolve().parents[2] / "odoo_addon_perf"
APP = "perf_appraisal"
BRIDGE = "perf_appraisal_payroll"


@dataclass(frozen=True)
class Breakage:
    id: str
    file: str  # relative to odoo_addon_perf/
    old: str  # a regular expression (re.DOTALL) that must match in the file
    new: str | None  # None: delete the file
    check: str
    expect: str  # a fragment of the expected message
    reported_in: str | None = None  # the file the problem names, when not the edited one

    @property
    def addon(self) -> str:
        return self.file.split("/", 1)[0]


VIEWS = f"{APP}/views/perf_cycle_views.xml"
RULES = f"{APP}/security/perf_rules.xml"
ACCESS = f"{APP}/security/ir.model.access.csv"
MANIFEST = f"{APP}/__manifest__.py"

BREAKAGES = [
    # -- views: fields, expressions, buttons, domains, contexts
    Breakage("list-field", VIEWS, r'<field name="date_from"/>', '<field name="date_start"/>',
             "views", "<field name='date_start'> names a field perf.cycle does not have"),
    Breakage("sub-list-field", VIEWS, r'<field name="group_name"/>', '<field name="group_nam"/>',
             "views", "<field name='group_nam'> names a field perf.appraisal does not have"),
    Breakage("invisible-expression", VIEWS, r"""invisible="not can_calibrate or state != 'running'\"""",
             """invisible="not can_calibrate or stage != 'running'\"""", "views", "uses 'stage', which perf.cycle does not have"),
    Breakage("decoration-expression", VIEWS, r"decoration-success=\"state == 'published'\"",
             "decoration-success=\"status == 'published'\"", "views", "uses 'status'"),
    Breakage("button-method", VIEWS, r'name="action_close"', 'name="action_closed"',
             "views", "button calls 'action_closed', which perf.cycle does not define"),
    Breakage("filter-domain", VIEWS, r"domain=\"\[\('state', '!='", "domain=\"[('sate', '!='",
             "views", "path 'sate': perf.cycle has no field 'sate'"),
    Breakage("group-by", VIEWS, r"'group_by': 'scheme_id'", "'group_by': 'schema_id'",
             "views", "group_by 'schema_id'"),
    Breakage("inherited-view-field", f"{BRIDGE}/views/perf_pay_views.xml", r'<field name="payslip_id"/>',
             '<field name="payslip"/>', "views", "<field name='payslip'> names a field perf.pay does not have"),
    Breakage("inherited-button", f"{BRIDGE}/views/hr_payslip_views.xml", r'name="action_open_perf_pay"',
             'name="action_open_perf_pays"', "views", "which hr.payslip does not define"),
    # -- XML ids and models of records
    Breakage("external-id-typo", f"{APP}/views/hr_employee_views.xml", r'ref="hr\.view_employee_form"',
             'ref="hr.view_employe_form"', "xml-ids", "'hr.view_employe_form' is not a known id"),
    Breakage("id-of-undeclared-module", f"{APP}/views/hr_employee_views.xml", r'ref="hr\.view_employee_form"',
             'ref="account.view_move_form"', "xml-ids", "'account', which is not among the dependencies"),
    Breakage("id-of-sibling-addon", f"{BRIDGE}/views/perf_pay_views.xml",
             r'ref="perf_appraisal\.perf_pay_view_form"', 'ref="perf_appraisal.perf_pay_form"',
             "xml-ids", "'perf_appraisal.perf_pay_form' is not defined in perf_appraisal"),
    Breakage("used-before-defined", MANIFEST, r'"views/perf_appraisal_views.xml",(.*)"views/perf_menus.xml",\n',
             r'"views/perf_menus.xml",\n        "views/perf_appraisal_views.xml",\1', "xml-ids",
             "'perf_appraisal_action' is not defined in this addon before this point of the load order",
             reported_in=f"{APP}/views/perf_menus.xml"),
    Breakage("record-model", VIEWS, r'model="ir\.actions\.act_window"', 'model="ir.action.act_window"',
             "xml-ids", "has model 'ir.action.act_window', which no addon or dependency defines"),
    Breakage("record-field", RULES, r'<field name="domain_force">', '<field name="domain">',
             "xml-ids", "ir.rule has no field 'domain'"),
    Breakage("duplicate-id", f"{APP}/views/perf_pay_views.xml", r'id="perf_pay_view_search"',
             'id="perf_pay_view_list"', "xml-ids", "'perf_pay_view_list' is defined twice"),
    Breakage("xml-syntax", VIEWS, r"</sheet>", "</sheeet>", "xml-ids", "not well-formed XML"),
    Breakage("python-env-ref", f"{APP}/models/perf_cycle_score_grid.py", r'"mail\.mail_activity_data_todo"',
             '"mail.mail_activity_todo"', "python-refs", "'mail.mail_activity_todo' is not defined"),
    Breakage("python-field-groups", f"{APP}/models/perf_appraisal.py", r'groups="perf_appraisal\.group_perf_manager"',
             'groups="perf_appraisal.group_perf_managr"', "python-refs", "'perf_appraisal.group_perf_managr'"),
    # -- security
    Breakage("access-line-removed", ACCESS, r"(access_perf_event_[^\n]*\n)+", "", "access",
             "model perf.event (defined at"),
    Breakage("model-without-access", f"{APP}/models/perf_cycle_exclusion.py", r"\Z",
             '\n\nclass PerfNote(models.Model):\n    _name = "perf.note"\n    _description = "Note"\n'
             '    company_id = fields.Many2one("res.company")\n',
             "access", "model perf.note", reported_in=ACCESS),
    Breakage("model-without-rules", f"{APP}/models/perf_cycle_exclusion.py", r"\Z",
             '\n\nclass PerfNote(models.Model):\n    _name = "perf.note"\n    _description = "Note"\n'
             '    company_id = fields.Many2one("res.company")\n',
             "record-rules", "model perf.note has no record rule", reported_in=RULES),
    Breakage("multi-company-rule-removed", RULES, r'<record id="perf_event_rule_company".*?</record>', "",
             "record-rules", "model perf.event has company_id but no global multi-company rule"),
    Breakage("rule-domain-path", RULES, r"\('employee_id\.user_id', '=', user\.id\), \('state', '!=', 'draft'\)",
             "('employee_id.usr_id', '=', user.id), ('state', '!=', 'draft')", "record-rules",
             "hr.employee has no field 'usr_id'"),
    Breakage("rule-user-field", RULES, r"\('user_id', '=', user\.id\), \('state'", "('user_id', '=', user.uid), ('state'",
             "record-rules", "user.uid is not a field of res.users"),
    Breakage("access-csv-permission", ACCESS, r"(access_perf_pay_user,[^\n]*),0\n", r"\1,2\n", "xml-ids",
             "perm_unlink is '2', not 0 or 1"),
    Breakage("access-csv-group", ACCESS, r"model_perf_pay,group_perf_user", "model_perf_pay,group_perf_boss",
             "xml-ids", "group_id 'group_perf_boss' is not defined"),
    # -- manifest
    Breakage("manifest-version", f"{BRIDGE}/__manifest__.py", r'"version": "18\.0\.\d+\.\d+\.\d+"', '"version": "17.0.1.0"',
             "manifest", "version '17.0.1.0' is not 18.0.x.y.z"),
    Breakage("manifest-license", MANIFEST, r'    "license": "LGPL-3",\n', "", "manifest", "missing key 'license'"),
    Breakage("manifest-data-missing", MANIFEST, r'"views/perf_pay_views.xml"', '"views/perf_pay_view.xml"',
             "manifest", "data file views/perf_pay_view.xml does not exist"),
    Breakage("manifest-groups-after-acl", MANIFEST,
             r'"security/perf_security.xml",\n        "security/ir.model.access.csv",',
             '"security/ir.model.access.csv",\n        "security/perf_security.xml",', "manifest",
             "ir.model.access.csv is loaded before the XML file defining the groups"),
    Breakage("manifest-not-literal", MANIFEST, r'"name": "Performance Appraisal"',
             '"name": __import__("os").getcwd()', "manifest", "cannot be read safely"),
    Breakage("manifest-unknown-dependency", MANIFEST, r'"depends": \["hr",', '"depends": ["hr", "hr_appraisal",',
             "manifest", "depends on 'hr_appraisal'"),
    # -- Odoo 18 syntax, README
    Breakage("tree-tag", f"{APP}/views/perf_pay_views.xml", r"<list( [^>]*)?>(.*?)</list>", r"<tree\1>\2</tree>",
             "odoo18-syntax", "<tree> is <list> in Odoo 18"),
    Breakage("attrs", VIEWS, r"""invisible="not can_calibrate or state != 'running'\"""",
             """attrs="{'invisible': [('state', '!=', 'running')]}\"""", "odoo18-syntax",
             "attrs=…> was removed in Odoo 17"),
    Breakage("view-mode-tree", VIEWS, r'<field name="view_mode">list,form</field>',
             '<field name="view_mode">tree,form</field>', "odoo18-syntax", "names 'tree'"),
    Breakage("readme-out-of-step", f"{APP}/readme/USAGE.md", r"\A", "0. Read this first.\n", "readme",
             "does not carry the text of readme/USAGE.md", reported_in=f"{APP}/README.rst"),
    # -- translations
    Breakage("lost-placeholder", f"{APP}/i18n/zh_CN.po", r'msgstr "%\(code\)s 不是方案 %\(scheme\)s 的指标或输入项。"',
             'msgstr "%(code)s 不是方案的指标或输入项。"', "translations", "the source ['%(code)s', '%(scheme)s']"),
    Breakage("untranslated", f"{APP}/i18n/zh_CN.po", r'msgstr "开始使用"', 'msgstr ""', "translations",
             "'First Steps' has no translation"),
    Breakage("no-translation", f"{BRIDGE}/i18n/zh_CN.po", r"\A", None, "translations",
             "i18n/zh_CN.po is missing", reported_in=f"{BRIDGE}/__manifest__.py"),
]


@pytest.fixture
def broken_copy(tmp_path: Path):
    def make(breakage: Breakage) -> Path:
        root = tmp_path / "odoo_addon_perf"
        shutil.copytree(ADDONS_ROOT, root, ignore=shutil.ignore_patterns("__pycache__"))
        target = root / breakage.file
        text = target.read_text(encoding="utf-8")
        if breakage.new is None:
            target.unlink()
            return root
        edited, count = re.subn(breakage.old, breakage.new, text, count=1, flags=re.DOTALL)
        assert count == 1, f"{breakage.id}: {breakage.old!r} not found in {breakage.file}; update the case"
        target.write_text(edited, encoding="utf-8")
        return root
    return make


def test_every_check_has_a_breakage() -> None:
    assert {b.check for b in BREAKAGES} == set(CHECKS)


@pytest.mark.parametrize("breakage", BREAKAGES, ids=[b.id for b in BREAKAGES])
def test_check_catches(breakage: Breakage, broken_copy) -> None:
    root = broken_copy(breakage)
    problems = run_checks(load_repo(root), breakage.addon, [breakage.check])
    named = (root / (breakage.reported_in or breakage.file)).resolve()
    hits = [p for p in problems if breakage.expect in p.message and p.path.resolve() == named]
    assert hits, (f"{breakage.check} did not report {breakage.expect!r} in {named.name}; it reported:\n"
                  + "\n".join(map(str, problems)))
    assert all(p.line >= 1 for p in hits)
