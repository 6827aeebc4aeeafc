"""Static checks of the Odoo addons in ``odoo_addon_perf/`` that need no Odoo: lxml and ``ast`` only.

The Odoo tests (``tests/test_odoo_addons.py``) need a real Odoo 18 and are skipped on machines
without one; these checks run everywhere and catch what would break an install before it lands:
a bad manifest, an XML id used before (or without) its definition, a view naming a field its
model lacks, a button calling a missing method, a model without access rights or without its
multi-company rule, Odoo 17-era syntax (``tree``, ``attrs``).

Each check is a function ``check_<what>(addon, repo) -> list[Problem]``; a problem names the
file and line. What the addon uses from Odoo itself (standard models, fields, XML ids) is listed
below explicitly: a typo there fails, and a new dependency is one deliberate line.
"""

from __future__ import annotations

import ast
import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

__all__ = [
    "Addon",
    "ModelInfo",
    "Problem",
    "Repo",
    "CHECKS",
    "check_access",
    "check_manifest",
    "check_odoo18_syntax",
    "check_python_refs",
    "check_readme",
    "check_record_rules",
    "check_translations",
    "check_views",
    "check_xml_ids",
    "load_repo",
    "run_checks",
]

# -- what the addons use from Odoo and its modules ---------------------------------------------

#: Modules outside this repository and what each one brings along (its dependency closure, as
#: far as these addons rely on it).
EXTERNAL_MODULES: dict[str, set[str]] = {
    "base": set(),
    "web": {"base"},
    "mail": {"base", "web"},
    "resource": {"base", "web"},
    "hr": {"base", "web", "mail", "resource"},
    "hr_contract": {"base", "web", "mail", "resource", "hr"},
    "payroll": {"base", "web", "mail", "resource", "hr", "hr_contract"},
    "queue_job": {"base", "web", "mail", "base_sparse_field"},
}

#: XML ids of other modules the addons may reference (exactly; a typo is not "known").
EXTERNAL_XML_IDS: set[str] = {
    "base.group_user",
    "base.group_system",
    "base.group_multi_company",
    "base.user_root",
    "base.user_admin",
    "base.default_user",
    "base.CNY",
    "hr.group_hr_user",
    "hr_contract.group_hr_contract_employee_manager",
    "hr_contract.group_hr_contract_manager",
    "hr.view_employee_form",
    "hr.view_department_form",
    "mail.mail_activity_data_todo",
    "mail.mt_note",
    "mail.mt_comment",
    "mail.model_mail_message",
    "mail.model_mail_followers",
    "mail.model_mail_activity",
    "base.model_ir_attachment",
    "payroll.hr_payslip_view_form",
    "payroll.group_payroll_user",
    "payroll.group_payroll_manager",
    "queue_job.channel_root",
}

#: Fields every model has.
MAGIC_FIELDS = {"id", "display_name", "create_date", "create_uid", "write_date", "write_uid"}

#: Standard models and the fields of theirs the addons use. ``name: comodel`` for relations
#: (views follow them), ``name: None`` otherwise.
STANDARD_MODELS: dict[str, dict[str, str | None]] = {
    "mail.thread": {
        "message_ids": "mail.message", "message_follower_ids": "mail.followers",
        "message_partner_ids": "res.partner", "message_is_follower": None,
        "has_message": None, "message_needaction": None, "message_has_error": None,
        "message_attachment_count": None, "website_message_ids": "mail.message",
    },
    "mail.activity.mixin": {
        "activity_ids": "mail.activity", "activity_state": None, "activity_user_id": "res.users",
        "activity_type_id": "mail.activity.type", "activity_date_deadline": None,
        "activity_summary": None, "activity_exception_decoration": None,
        "my_activity_date_deadline": None,
    },
    "res.company": {"name": None, "currency_id": "res.currency", "partner_id": "res.partner",
                    "resource_calendar_id": "resource.calendar", "parent_id": "res.company"},
    "res.currency": {"name": None, "symbol": None, "rounding": None},
    "res.partner": {"name": None, "email": None},
    "res.users": {"name": None, "login": None, "partner_id": "res.partner",
                  "company_id": "res.company", "company_ids": "res.company",
                  "employee_ids": "hr.employee", "employee_id": "hr.employee",
                  "groups_id": "res.groups"},
    "res.groups": {"name": None, "category_id": "ir.module.category", "implied_ids": "res.groups",
                   "users": "res.users", "comment": None},
    "ir.attachment": {"name": None, "datas": None, "mimetype": None},
    "hr.employee": {"name": None, "active": None, "department_id": "hr.department",
                    "parent_id": "hr.employee", "coach_id": "hr.employee", "job_id": "hr.job",
                    "job_title": None, "user_id": "res.users", "company_id": "res.company",
                    "work_email": None, "contract_id": "hr.contract",
                    "contract_ids": "hr.contract", "child_ids": "hr.employee",
                    "resource_calendar_id": "resource.calendar"},
    "hr.department": {"name": None, "complete_name": None, "active": None,
                      "parent_id": "hr.department", "child_ids": "hr.department",
                      "manager_id": "hr.employee", "company_id": "res.company",
                      "member_ids": "hr.employee"},
    "hr.job": {"name": None},
    "hr.contract": {"name": None, "wage": None, "employee_id": "hr.employee",
                    "state": None, "date_start": None, "date_end": None},
    "hr.payslip": {"name": None, "number": None, "state": None, "credit_note": None,
                   "employee_id": "hr.employee", "contract_id": "hr.contract",
                   "struct_id": "hr.payroll.structure", "date_from": None, "date_to": None,
                   "line_ids": "hr.payslip.line", "input_line_ids": "hr.payslip.input",
                   "payslip_run_id": "hr.payslip.run", "company_id": "res.company"},
    "hr.payslip.input": {"name": None, "code": None, "amount": None, "sequence": None,
                         "payslip_id": "hr.payslip", "contract_id": "hr.contract"},
    "hr.payslip.line": {"name": None, "code": None, "total": None, "amount": None,
                        "slip_id": "hr.payslip", "salary_rule_id": "hr.salary.rule"},
    "hr.payslip.run": {"name": None, "date_start": None, "date_end": None},
    "hr.payslip.employees": {"employee_ids": "hr.employee"},
    "hr.payroll.structure": {"name": None, "code": None, "rule_ids": "hr.salary.rule"},
    "hr.salary.rule.category": {"name": None, "code": None,
                                "parent_id": "hr.salary.rule.category"},
    "hr.salary.rule": {"name": None, "code": None, "sequence": None,
                       "category_id": "hr.salary.rule.category", "condition_select": None,
                       "condition_python": None, "amount_select": None,
                       "amount_python_compute": None, "input_ids": "hr.rule.input"},
    "hr.rule.input": {"name": None, "code": None, "input_id": "hr.salary.rule"},
    # technical models the data files write
    "ir.ui.view": {"name": None, "model": None, "inherit_id": "ir.ui.view", "arch": None,
                   "priority": None, "mode": None, "type": None, "groups_id": "res.groups"},
    "ir.actions.act_window": {"name": None, "res_model": None, "view_mode": None,
                              "domain": None, "context": None, "view_id": "ir.ui.view",
                              "search_view_id": "ir.ui.view", "target": None, "help": None,
                              "limit": None, "path": None, "binding_model_id": "ir.model",
                              "groups_id": "res.groups"},
    "ir.actions.client": {"name": None, "tag": None, "params": None, "context": None, "target": None,
                          "path": None},
    "ir.actions.report": {"name": None, "model": None, "report_type": None, "report_name": None,
                          "report_file": None, "print_report_name": None, "binding_model_id": "ir.model",
                          "binding_type": None, "paperformat_id": "report.paperformat", "groups_id": "res.groups",
                          "attachment": None, "attachment_use": None},
    "ir.module.category": {"name": None, "description": None, "sequence": None,
                           "parent_id": "ir.module.category"},
    "ir.rule": {"name": None, "model_id": "ir.model", "domain_force": None,
                "groups": "res.groups", "perm_read": None, "perm_write": None,
                "perm_create": None, "perm_unlink": None, "active": None},
    "ir.config_parameter": {"key": None, "value": None},
    "queue.job.channel": {"name": None, "parent_id": "queue.job.channel"},
    "queue.job.function": {"model_id": "ir.model", "method": None, "channel_id": "queue.job.channel",
                           "related_action": None, "retry_pattern": None},
    "ir.cron": {"name": None, "model_id": "ir.model", "state": None, "code": None,
                "interval_number": None, "interval_type": None, "active": None,
                "nextcall": None, "user_id": "res.users", "priority": None},
}

#: Standard methods a button may call on any model.
STANDARD_METHODS = {"action_archive", "action_unarchive", "toggle_active", "unlink", "write",
                    "copy", "message_subscribe", "action_open_document"}

#: Names an expression (invisible=, readonly=, domain=, …) may use besides the model's fields.
EXPRESSION_NAMES = {"context", "uid", "user", "today", "now", "current_date", "context_today",
                    "time", "datetime", "relativedelta", "current_company_id",
                    "allowed_company_ids", "company_id", "company_ids", "active_id",
                    "active_ids", "active_model", "parent", "True", "False", "None"}

#: View attributes holding Odoo 17+ Python-like expressions over the record's fields.
EXPRESSION_ATTRIBUTES = ("invisible", "readonly", "required", "column_invisible")

XML_DATA_ROOTS = {"odoo", "openerp", "data"}
CSV_ACCESS_HEADER = ["id", "name", "model_id:id", "group_id:id",
                     "perm_read", "perm_write", "perm_create", "perm_unlink"]
VERSION_RE = re.compile(r"^18\.0\.\d+\.\d+\.\d+$")
LICENSES = {"AGPL-3", "GPL-2", "GPL-2 or any later version", "GPL-3",
            "GPL-3 or any later version", "LGPL-3", "OEEL-1", "OPL-1", "Other proprietary"}
XMLID_IN_TEXT_RE = re.compile(r"%\(([\w.]+)\)d")


# -- problems ----------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class Problem:
    """One finding: the file and line it is about, the check that found it, what is wrong."""

    path: Path
    line: int
    check: str
    message: str

    def __str__(self) -> str:
        return f"{_display(self.path)}:{self.line}: [{self.check}] {self.message}"


def _display(path: Path) -> str:
    """The path relative to the working directory when possible (what CI logs should show)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# -- the addons as data ------------------------------------------------------------------------

@dataclass
class FieldInfo:
    name: str
    type: str
    comodel: str | None
    related: str | None
    path: Path
    line: int


@dataclass
class ModelInfo:
    """What the Python of one addon (or the allow-list) says about a model."""

    name: str
    kind: str = "Model"  # Model, TransientModel, AbstractModel, or "standard"
    new: bool = False  # the addon creates it (``_name`` not inherited from itself)
    parents: list[str] = field(default_factory=list)
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    methods: set[str] = field(default_factory=set)
    path: Path | None = None
    line: int = 0


@dataclass
class DataFile:
    path: Path
    manifest_line: int


@dataclass
class Addon:
    name: str
    path: Path
    manifest: dict
    manifest_lines: dict[str, int]
    data_files: list[DataFile]
    models: dict[str, list[ModelInfo]]  # model name -> the classes of this addon touching it
    problems: list[Problem] = field(default_factory=list)  # found while loading

    @property
    def manifest_path(self) -> Path:
        return self.path / "__manifest__.py"

    @property
    def depends(self) -> list[str]:
        depends = self.manifest.get("depends", [])
        return depends if isinstance(depends, list) else []


@dataclass
class Repo:
    """The addons of a folder, and what they can see of each other."""

    root: Path
    addons: dict[str, Addon]

    def closure(self, addon: Addon) -> set[str]:
        """The modules an addon depends on, transitively (``base`` always)."""
        seen: set[str] = {"base"}
        todo = list(addon.depends)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in self.addons:
                todo.extend(self.addons[name].depends)
            else:
                seen |= EXTERNAL_MODULES.get(name, set())
        return seen

    def visible_models(self, addon: Addon) -> set[str]:
        """Models the addon may name: standard ones plus those its dependency closure defines."""
        names = set(STANDARD_MODELS)
        for name in self.closure(addon) | {addon.name}:
            if name in self.addons:
                names |= set(self.addons[name].models)
        return names

    def model_fields(self, addon: Addon, model: str) -> dict[str, str | None] | None:
        """``field -> comodel`` for a model as ``addon`` sees it; None when the model is unknown."""
        return self._fields(addon, model, set())

    def _fields(self, addon: Addon, model: str, stack: set[str]) -> dict[str, str | None] | None:
        if model in stack:
            return {}
        stack = stack | {model}
        infos = [info for name in sorted(self.closure(addon) | {addon.name}) if name in self.addons
                 for info in self.addons[name].models.get(model, [])]
        if not infos and model not in STANDARD_MODELS:
            return None
        result: dict[str, str | None] = dict.fromkeys(MAGIC_FIELDS)
        result.update(STANDARD_MODELS.get(model, {}))
        for info in infos:
            for parent in info.parents:
                if parent != model:
                    result.update(self._fields(addon, parent, stack) or {})
        for info in infos:
            for name, fld in info.fields.items():
                result[name] = fld.comodel
        for info in infos:  # related fields take the comodel at the end of their path
            for name, fld in info.fields.items():
                if fld.related and fld.comodel is None and fld.type in RELATIONAL:
                    result[name] = self._follow(addon, model, fld.related, stack)
        return result

    def _follow(self, addon: Addon, model: str, dotted: str, stack: set[str]) -> str | None:
        current: str | None = model
        for part in dotted.split("."):
            if current is None:
                return None
            fields_ = self._fields(addon, current, stack) if current not in stack else None
            if fields_ is None:
                infos = [i for a in self.addons.values() for i in a.models.get(current, [])]
                fields_ = {n: f.comodel for i in infos for n, f in i.fields.items()}
                fields_.update(STANDARD_MODELS.get(current, {}))
            current = fields_.get(part)
        return current

    def model_methods(self, addon: Addon, model: str) -> set[str]:
        """Methods a button or ``<function>`` may call on ``model`` (its classes and parents)."""
        methods = set(STANDARD_METHODS)
        modules = [self.addons[m] for m in sorted(self.closure(addon) | {addon.name}) if m in self.addons]
        todo, seen = [model], set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for module in modules:
                for info in module.models.get(name, []):
                    methods |= info.methods
                    todo.extend(info.parents)
        return methods

    def defined_xml_ids(self, addon: Addon) -> set[str]:
        """Every fully qualified XML id the addon defines (records, menus, implicit model ids)."""
        ids = {f"{addon.name}.model_{model.replace('.', '_')}"
               for model, infos in addon.models.items() if any(i.new for i in infos)}
        for data_file in addon.data_files:
            for xml_id, _line in _definitions(addon, data_file.path):
                ids.add(xml_id)
        return ids


RELATIONAL = {"Many2one", "One2many", "Many2many"}


def load_repo(root: Path) -> Repo:
    """Every addon (a folder with ``__manifest__.py``) directly under ``root``."""
    addons = {}
    for manifest in sorted(root.glob("*/__manifest__.py")):
        addon = load_addon(manifest.parent)
        addons[addon.name] = addon
    return Repo(root=root, addons=addons)


def load_addon(path: Path) -> Addon:
    problems: list[Problem] = []
    manifest_path = path / "__manifest__.py"
    manifest: dict = {}
    lines: dict[str, int] = {}
    text = manifest_path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(text, filename=str(manifest_path))
        node = tree.body[0].value if tree.body and isinstance(tree.body[0], ast.Expr) else None
        if not isinstance(node, ast.Dict) or len(tree.body) != 1:
            raise ValueError("the manifest must be a single dict literal")
        for child in ast.walk(node):  # what Odoo's literal_eval would refuse, with its line
            if not isinstance(child, (ast.Dict, ast.List, ast.Tuple, ast.Set, ast.Constant,
                                      ast.UnaryOp, ast.USub, ast.Load)):
                raise ValueError(f"line {child.lineno}: {ast.unparse(child)!r} is not a literal",
                                 child.lineno)
        manifest = ast.literal_eval(node)
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant):
                lines[key.value] = key.lineno
                if key.value == "data" and isinstance(value, ast.List):
                    for element in value.elts:
                        if isinstance(element, ast.Constant):
                            lines[f"data:{element.value}"] = element.lineno
    except SyntaxError as exc:
        problems.append(Problem(manifest_path, exc.lineno or 1, "manifest", f"is not Python: {exc.msg}"))
    except ValueError as exc:
        line = exc.args[1] if len(exc.args) > 1 else 1
        problems.append(Problem(manifest_path, line, "manifest", f"cannot be read safely: {exc.args[0]}"))
    data_files = []
    for entry in manifest.get("data", []) if isinstance(manifest.get("data"), list) else []:
        data_files.append(DataFile(path / str(entry), lines.get(f"data:{entry}", 1)))
    addon = Addon(name=path.name, path=path, manifest=manifest, manifest_lines=lines,
                  data_files=data_files, models={}, problems=problems)
    for py in sorted(path.rglob("*.py")):
        if "tests" in py.relative_to(path).parts or py.name == "__manifest__.py":
            continue
        _read_models(addon, py)
    return addon


def _read_models(addon: Addon, py: Path) -> None:
    try:
        tree = ast.parse(py.read_text(encoding="utf-8"), filename=str(py))
    except SyntaxError as exc:
        addon.problems.append(Problem(py, exc.lineno or 1, "python", f"syntax error: {exc.msg}"))
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        kind = next((_dotted(b).split(".")[-1] for b in node.bases
                     if _dotted(b) in {"models.Model", "models.TransientModel", "models.AbstractModel"}),
                     None)
        if kind is None:
            continue
        attrs: dict[str, object] = {}
        info = ModelInfo(name="", kind=kind, path=py, line=node.lineno)
        for statement in node.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                    and isinstance(statement.targets[0], ast.Name):
                target = statement.targets[0].id
                if target.startswith("_") and target in {"_name", "_inherit", "_description", "_order"}:
                    try:
                        attrs[target] = ast.literal_eval(statement.value)
                    except ValueError:
                        attrs[target] = None
                elif isinstance(statement.value, ast.Call) and _dotted(statement.value.func).startswith("fields."):
                    info.fields[target] = _field_info(target, statement.value, py)
            elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                info.methods.add(statement.name)
        inherit = attrs.get("_inherit") or []
        parents = [inherit] if isinstance(inherit, str) else list(inherit)
        name = attrs.get("_name") or (parents[0] if parents else None)
        if not isinstance(name, str):
            addon.problems.append(Problem(py, node.lineno, "python",
                                          f"class {node.name} has neither _name nor _inherit"))
            continue
        info.name = name
        info.parents = parents
        info.new = "_name" in attrs and name not in parents
        addon.models.setdefault(name, []).append(info)


def _field_info(name: str, call: ast.Call, py: Path) -> FieldInfo:
    type_ = _dotted(call.func).split(".", 1)[1]
    kwargs = {k.arg: k.value for k in call.keywords if k.arg}
    comodel = None
    if type_ in RELATIONAL:
        if call.args and isinstance(call.args[0], ast.Constant):
            comodel = call.args[0].value
        elif isinstance(kwargs.get("comodel_name"), ast.Constant):
            comodel = kwargs["comodel_name"].value
    related = kwargs.get("related")
    return FieldInfo(name=name, type=type_, comodel=comodel,
                     related=related.value if isinstance(related, ast.Constant) else None,
                     path=py, line=call.lineno)


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


# -- XML helpers ---------------------------------------------------------------------------------

_PARSED: dict[tuple[Path, int], etree._ElementTree | Exception] = {}


def _parse(path: Path) -> etree._ElementTree | Exception:
    """The parsed file, or the exception that stopped parsing (cached per file version)."""
    key = (path.resolve(), path.stat().st_mtime_ns if path.exists() else 0)
    if key not in _PARSED:
        try:
            _PARSED[key] = etree.parse(str(path), etree.XMLParser(remove_comments=True))
        except (etree.XMLSyntaxError, OSError) as exc:
            _PARSED[key] = exc
    return _PARSED[key]


def _qualify(addon: Addon, xml_id: str) -> str:
    return xml_id if "." in xml_id else f"{addon.name}.{xml_id}"


def _definitions(addon: Addon, path: Path) -> Iterator[tuple[str, int]]:
    if path.suffix == ".csv":
        for row, line in _csv_rows(path):
            if row.get("id"):
                yield _qualify(addon, row["id"]), line
        return
    if path.suffix != ".xml":
        return
    tree = _parse(path)
    if isinstance(tree, Exception):
        return
    for element in tree.iter():
        if element.tag in {"record", "menuitem", "template"} and element.get("id"):
            yield _qualify(addon, element.get("id")), element.sourceline


def _csv_rows(path: Path) -> Iterator[tuple[dict[str, str], int]]:
    text = path.read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    for row in reader:
        yield row, reader.line_num


def _eval_refs(expression: str) -> list[str]:
    """The ids in ``ref('…')`` calls of an ``eval`` attribute."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return []
    return [node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "ref"
            and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)]


# -- checks ----------------------------------------------------------------------------------------

def check_manifest(addon: Addon, repo: Repo) -> list[Problem]:
    """Keys, version 18.0.x.y.z, licence, dependencies, data files present, groups before ACLs."""
    problems = list(addon.problems)
    if not addon.manifest:
        return problems
    m, where = addon.manifest, addon.manifest_lines
    path = addon.manifest_path

    def add(key: str, message: str) -> None:
        problems.append(Problem(path, where.get(key, 1), "manifest", message))

    for key in ("name", "version", "license", "depends", "author", "summary"):
        if key not in m:
            add(key, f"missing key {key!r}")
    if "name" in m and (not isinstance(m["name"], str) or not m["name"].strip()):
        add("name", f"name must be a non-empty string, not {m['name']!r}")
    if "version" in m and not VERSION_RE.match(str(m["version"])):
        add("version", f"version {m['version']!r} is not 18.0.x.y.z")
    if "license" in m and m["license"] not in LICENSES:
        add("license", f"license {m['license']!r} is not one Odoo knows ({', '.join(sorted(LICENSES))})")
    depends = m.get("depends")
    if "depends" in m and (not isinstance(depends, list) or not depends
                           or not all(isinstance(d, str) for d in depends)):
        add("depends", f"depends must be a non-empty list of module names, not {depends!r}")
    elif isinstance(depends, list):
        for module in depends:
            if module not in repo.addons and module not in EXTERNAL_MODULES:
                add("depends", f"depends on {module!r}, which is neither in this repository nor a "
                               f"known module ({', '.join(sorted(EXTERNAL_MODULES))})")
    for key in ("installable", "application", "auto_install"):
        if key in m and not isinstance(m[key], bool):
            add(key, f"{key} must be True or False, not {m[key]!r}")
    if not isinstance(m.get("data", []), list):
        add("data", "data must be a list of file paths")
    seen: set[str] = set()
    groups_at: int | None = None
    for index, data_file in enumerate(addon.data_files):
        rel = data_file.path.relative_to(addon.path).as_posix()
        if rel in seen:
            add(f"data:{rel}", f"data file {rel} is listed twice")
        seen.add(rel)
        if not data_file.path.is_file():
            add(f"data:{rel}", f"data file {rel} does not exist")
            continue
        if data_file.path.suffix not in {".xml", ".csv"}:
            add(f"data:{rel}", f"data file {rel} is neither XML nor CSV")
        if data_file.path.suffix == ".xml" and groups_at is None and _defines_groups(data_file.path):
            groups_at = index
        if data_file.path.name == "ir.model.access.csv" and groups_at is None \
                and any(_defines_groups(d.path) for d in addon.data_files[index + 1:] if d.path.suffix == ".xml"):
            add(f"data:{rel}", f"{rel} is loaded before the XML file defining the groups it names; "
                               "list the groups file first")
    for folder in ("security", "views", "data", "wizards", "report"):
        for file in sorted((addon.path / folder).glob("*")):
            if file.suffix in {".xml", ".csv"} and file.relative_to(addon.path).as_posix() not in seen:
                problems.append(Problem(file, 1, "manifest",
                                        f"{file.relative_to(addon.path).as_posix()} is not listed in the manifest's data"))
    return problems


def _has_records_of(path: Path, model: str) -> bool:
    tree = _parse(path) if path.suffix == ".xml" and path.is_file() else None
    return tree is not None and not isinstance(tree, Exception) and any(
        r.get("model") == model for r in tree.iter("record"))


def _defines_groups(path: Path) -> bool:
    return _has_records_of(path, "res.groups")


def check_xml_ids(addon: Addon, repo: Repo) -> list[Problem]:
    """XML parses; every record model exists; every id used is defined earlier or is a dependency's."""
    problems: list[Problem] = []
    closure = repo.closure(addon)
    models = repo.visible_models(addon)
    dependency_ids = set().union(*(repo.defined_xml_ids(repo.addons[name])
                                   for name in closure if name in repo.addons))
    defined = {f"{addon.name}.model_{model.replace('.', '_')}"
               for model, infos in addon.models.items() if any(i.new for i in infos)}
    duplicates: dict[str, tuple[Path, int]] = {}

    def known(xml_id: str) -> str | None:
        """None when fine, else why not."""
        module = xml_id.split(".", 1)[0]
        if xml_id in defined or xml_id in dependency_ids:
            return None
        if module == addon.name:
            return "is not defined in this addon before this point of the load order"
        if module in repo.addons:
            if module not in closure:
                return f"belongs to {module}, which is not among the dependencies"
            return f"is not defined in {module}"
        if module not in closure:
            return f"belongs to module {module!r}, which is not among the dependencies"
        if xml_id not in EXTERNAL_XML_IDS:
            return ("is not a known id of that module (add it to EXTERNAL_XML_IDS in "
                    "tests/addon/addon_checks.py if it is real)")
        return None

    def use(path: Path, line: int, raw: str, what: str) -> None:
        raw = raw.strip()
        if not raw:
            return
        xml_id = _qualify(addon, raw)
        reason = known(xml_id)
        if reason:
            problems.append(Problem(path, line, "xml-id", f"{what} {raw!r} {reason}"))

    for data_file in addon.data_files:
        path = data_file.path
        if not path.is_file():
            continue
        if path.suffix == ".csv":
            problems += _check_access_csv_refs(addon, path, use, defined)
            continue
        tree = _parse(path)
        if isinstance(tree, Exception):
            line = getattr(tree, "lineno", 1) or 1
            problems.append(Problem(path, line, "xml-syntax", f"not well-formed XML: {tree}"))
            continue
        root = tree.getroot()
        if root.tag not in XML_DATA_ROOTS:
            problems.append(Problem(path, root.sourceline, "xml-syntax",
                                    f"root element <{root.tag}> is not <odoo>"))
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            line = element.sourceline
            if element.tag == "record":
                model = element.get("model")
                if model not in models:
                    problems.append(Problem(path, line, "model", f"record {element.get('id')!r} has model "
                                                                 f"{model!r}, which no addon or dependency defines"))
                else:
                    fields_ = repo.model_fields(addon, model) or {}
                    for child in element.findall("field"):
                        if child.get("name") not in fields_:
                            problems.append(Problem(path, child.sourceline, "model",
                                                    f"record {element.get('id')!r}: {model} has no field "
                                                    f"{child.get('name')!r}"))
            if element.tag == "function" and element.get("model") not in models:
                problems.append(Problem(path, line, "model",
                                        f"function on model {element.get('model')!r}, which is unknown"))
            if element.tag == "function" and element.get("model") in models:
                methods = repo.model_methods(addon, element.get("model"))
                if element.get("name") not in methods:
                    problems.append(Problem(path, line, "model", f"function {element.get('name')!r} is not "
                                                                 f"a method of {element.get('model')}"))
            for attribute in ("ref", "parent", "action", "inherit_id"):
                if element.get(attribute) and element.tag in {"field", "menuitem", "template"}:
                    use(path, line, element.get(attribute), f"{attribute}=")
            if element.get("groups"):
                for group in element.get("groups").split(","):
                    use(path, line, group.strip().lstrip("!"), "group")
            if element.get("eval"):
                for ref in _eval_refs(element.get("eval")):
                    use(path, line, ref, "ref()")
            for attribute in ("name", "context"):
                for match in XMLID_IN_TEXT_RE.finditer(element.get(attribute) or ""):
                    use(path, line, match.group(1), "action")
            if element.tag in {"record", "menuitem", "template"} and element.get("id"):
                xml_id = _qualify(addon, element.get("id"))
                if element.tag == "record" and xml_id.split(".")[0] != addon.name:
                    use(path, line, element.get("id"), "record extending")
                    continue
                if xml_id in duplicates:
                    first = duplicates[xml_id]
                    problems.append(Problem(path, line, "xml-id", f"id {element.get('id')!r} is defined twice "
                                                                  f"(first at {_display(first[0])}:{first[1]})"))
                duplicates[xml_id] = (path, line)
                defined.add(xml_id)
    return problems


def _check_access_csv_refs(addon: Addon, path: Path, use, defined: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    with path.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle), [])
    if path.name == "ir.model.access.csv" and header != CSV_ACCESS_HEADER:
        problems.append(Problem(path, 1, "access", f"header is {','.join(header)}, expected "
                                                   f"{','.join(CSV_ACCESS_HEADER)}"))
        return problems
    seen: set[str] = set()
    for row, line in _csv_rows(path):
        if not row.get("id"):
            problems.append(Problem(path, line, "access", "a line without an id"))
            continue
        if row["id"] in seen:
            problems.append(Problem(path, line, "xml-id", f"id {row['id']!r} is defined twice"))
        seen.add(row["id"])
        use(path, line, row.get("model_id:id") or "", "model_id")
        if row.get("group_id:id"):
            use(path, line, row["group_id:id"], "group_id")
        for perm in CSV_ACCESS_HEADER[4:]:
            if row.get(perm) not in {"0", "1"}:
                problems.append(Problem(path, line, "access", f"{row['id']}: {perm} is {row.get(perm)!r}, "
                                                              "not 0 or 1"))
        defined.add(_qualify(addon, row["id"]))
    return problems


def check_views(addon: Addon, repo: Repo) -> list[Problem]:
    """Fields, expressions, domains, contexts and buttons of every view name what the model has."""
    problems: list[Problem] = []
    for path, record in _records(addon, "ir.ui.view"):
        model = _field_text(record, "model")
        arch = record.find("field[@name='arch']")
        if model is None or arch is None:
            problems.append(Problem(path, record.sourceline, "view",
                                    f"view {record.get('id')!r} needs a model and an arch"))
            continue
        fields_ = repo.model_fields(addon, model)
        if fields_ is None:
            problems.append(Problem(path, record.sourceline, "view",
                                    f"view {record.get('id')!r} is on model {model!r}, which is unknown"))
            continue
        walker = _ViewWalker(addon, repo, path, record.get("id"), problems)
        for child in arch:
            walker.walk(child, model, parent_model=None)
    for path, record in _records(addon, "ir.actions.act_window"):
        res_model = _field_text(record, "res_model")
        fields_ = repo.model_fields(addon, res_model or "")
        if fields_ is None:
            problems.append(Problem(path, record.sourceline, "view",
                                    f"action {record.get('id')!r} opens model {res_model!r}, which is unknown"))
            continue
        domain = record.find("field[@name='domain']")
        if domain is not None and (domain.text or domain.get("eval")):
            text = domain.text or domain.get("eval")
            problems += _check_domain(repo, addon, path, domain.sourceline, f"action {record.get('id')!r}",
                                      text, res_model, rhs_fields=None)
    return problems


def _xml_trees(addon: Addon) -> Iterator[tuple[Path, etree._ElementTree]]:
    """The addon's XML data files that exist and parse (check_xml_ids reports the others)."""
    for data_file in addon.data_files:
        if data_file.path.suffix == ".xml" and data_file.path.is_file():
            tree = _parse(data_file.path)
            if not isinstance(tree, Exception):
                yield data_file.path, tree


def _records(addon: Addon, model: str) -> Iterator[tuple[Path, etree._Element]]:
    for path, tree in _xml_trees(addon):
        for record in tree.iter("record"):
            if record.get("model") == model:
                yield path, record


def _field_text(record: etree._Element, name: str) -> str | None:
    element = record.find(f"field[@name='{name}']")
    if element is None:
        return None
    return (element.text or "").strip() or None


class _ViewWalker:
    """Walks a view arch, knowing which model each element's fields belong to."""

    def __init__(self, addon: Addon, repo: Repo, path: Path, view_id: str | None, problems: list[Problem]):
        self.addon, self.repo, self.path, self.view_id, self.problems = addon, repo, path, view_id, problems

    def report(self, element: etree._Element, message: str, check: str = "view") -> None:
        self.problems.append(Problem(self.path, element.sourceline, check, f"view {self.view_id!r}: {message}"))

    def walk(self, element: etree._Element, model: str, parent_model: str | None) -> None:
        if not isinstance(element.tag, str):
            return
        fields_ = self.repo.model_fields(self.addon, model) or {}
        for attribute in EXPRESSION_ATTRIBUTES + tuple(a for a in element.attrib if a.startswith("decoration-")):
            expression = element.get(attribute)
            if expression and expression.strip() not in {"0", "1", "True", "False"}:
                self.check_expression(element, attribute, expression, model, parent_model)
        position = element.get("position")
        if element.tag == "field":
            name = element.get("name")
            if name not in fields_:
                what = "positions on" if position else "names"
                self.report(element, f"<field name={name!r}> {what} a field {model} does not have")
                return
            comodel = fields_.get(name)
            if element.get("domain") and comodel and element.getparent().tag != "search":
                self.problems.extend(_check_domain(self.repo, self.addon, self.path, element.sourceline,
                                                   f"view {self.view_id!r} field {name!r}", element.get("domain"),
                                                   comodel, rhs_fields=fields_))
            if element.get("context"):
                self.check_context(element, element.get("context"), model, comodel)
            if element.get("filter_domain"):
                self.problems.extend(_check_domain(self.repo, self.addon, self.path, element.sourceline,
                                                   f"view {self.view_id!r} filter_domain", element.get("filter_domain"),
                                                   model, rhs_fields={"self": None}))
            if position:
                for child in element:
                    self.walk(child, model, parent_model)
                return
            for child in element:  # an inline sub-view lists the comodel's fields
                if child.tag in {"list", "form", "kanban", "tree"} and comodel:
                    self.walk(child, comodel, parent_model=model)
                else:
                    self.walk(child, model, parent_model)
            return
        if element.tag == "filter":
            if element.get("domain"):
                self.problems.extend(_check_domain(self.repo, self.addon, self.path, element.sourceline,
                                                   f"view {self.view_id!r} filter {element.get('name')!r}",
                                                   element.get("domain"), model, rhs_fields={}))
            if element.get("context"):
                self.check_context(element, element.get("context"), model, None)
            if element.get("date") and element.get("date") not in fields_:
                self.report(element, f"filter date={element.get('date')!r}: {model} has no such field")
        if element.tag == "button" and element.get("type") == "object":
            method = element.get("name")
            if method not in self.repo.model_methods(self.addon, model):
                self.report(element, f"button calls {method!r}, which {model} does not define")
        if element.tag == "button" and element.get("context"):
            self.check_context(element, element.get("context"), model, None)
        for child in element:
            self.walk(child, model, parent_model)

    def parse(self, element, attribute: str, text: str) -> ast.Expression | None:
        try:
            return ast.parse(text.strip(), mode="eval")
        except SyntaxError as exc:
            self.report(element, f"{attribute}={text!r} is not an expression: {exc.msg}")
            return None

    def check_expression(self, element, attribute, expression, model, parent_model) -> None:
        tree = self.parse(element, attribute, expression)
        if tree is not None:
            self.check_names(element, f"{attribute}={expression!r}", tree, model, parent_model)

    def check_names(self, element, where, tree, model, parent_model) -> None:
        fields_ = self.repo.model_fields(self.addon, model) or {}
        parent_fields = self.repo.model_fields(self.addon, parent_model) if parent_model else None
        allowed = EXPRESSION_NAMES
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "parent":
                if parent_fields is None:
                    self.report(element, f"{where} uses parent.{node.attr} outside a sub-view")
                elif node.attr not in parent_fields:
                    self.report(element, f"{where} uses parent.{node.attr}, which {parent_model} does not have")
            elif isinstance(node, ast.Name) and node.id not in fields_ and node.id not in allowed:
                self.report(element, f"{where} uses {node.id!r}, which {model} does not have")

    def check_context(self, element, text, model, comodel) -> None:
        tree = self.parse(element, "context", text)
        if tree is None:
            return
        self.check_names(element, f"context={text!r}", tree, model, None)
        if not isinstance(tree.body, ast.Dict):
            return
        fields_ = self.repo.model_fields(self.addon, model) or {}
        for key, value in zip(tree.body.keys, tree.body.values):
            if not isinstance(key, ast.Constant) or not isinstance(key.value, str):
                continue
            if key.value == "group_by" and isinstance(value, ast.Constant):
                for spec in str(value.value).split(","):
                    name = spec.strip().split(":")[0]
                    if name and name not in fields_:
                        self.report(element, f"context group_by {name!r}: {model} has no such field")
            if key.value.startswith("default_") and comodel:
                target = self.repo.model_fields(self.addon, comodel) or {}
                if key.value[8:] not in target:
                    self.report(element, f"context {key.value!r}: {comodel} has no field {key.value[8:]!r}")


def _check_domain(repo: Repo, addon: Addon, path: Path, line: int, where: str, text: str,
                  model: str, rhs_fields: dict[str, str | None] | None) -> list[Problem]:
    """Field paths on the left must exist on ``model``; bare names on the right must be fields of
    the record holding the domain (``rhs_fields``) or context names."""
    problems: list[Problem] = []
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        return [Problem(path, line, "view", f"{where}: domain {text!r} is not an expression: {exc.msg}")]
    allowed = EXPRESSION_NAMES | set(rhs_fields or ())
    for field_path, value in _domain_leaves(tree):
        problem = _check_path(repo, addon, model, field_path)
        if problem:
            problems.append(Problem(path, line, "view", f"{where}: domain {problem}"))
        for name in (n for n in ast.walk(value) if isinstance(n, ast.Name)):
            if name.id not in allowed:
                problems.append(Problem(path, line, "view", f"{where}: domain uses {name.id!r}, which is "
                                                            "neither a field here nor a context name"))
    return problems


def _domain_leaves(tree: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """(field path, value expression) of every ``(path, operator, value)`` leaf of a domain."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple) and len(node.elts) == 3 and isinstance(node.elts[0], ast.Constant) \
                and isinstance(node.elts[0].value, str):
            yield node.elts[0].value, node.elts[2]


def _check_path(repo: Repo, addon: Addon, model: str, dotted: str) -> str | None:
    current: str | None = model
    for part in dotted.split("."):
        fields_ = repo.model_fields(addon, current) if current else None
        if fields_ is None:
            return None  # a model we know nothing about: nothing to say
        if part not in fields_:
            return f"path {dotted!r}: {current} has no field {part!r}"
        current = fields_[part]
    return None


def check_access(addon: Addon, repo: Repo) -> list[Problem]:
    """Every model the addon creates has at least one line in its ir.model.access.csv."""
    problems: list[Problem] = []
    csv_files = [d.path for d in addon.data_files if d.path.name == "ir.model.access.csv" and d.path.is_file()]
    covered: set[str] = set()
    for path in csv_files:
        for row, _line in _csv_rows(path):
            covered.add(_qualify(addon, row.get("model_id:id") or ""))
    for model, infos in sorted(addon.models.items()):
        created = [i for i in infos if i.new]
        if not created or created[0].kind == "AbstractModel":
            continue
        xml_id = f"{addon.name}.model_{model.replace('.', '_')}"
        if xml_id not in covered:
            info = created[0]
            target = csv_files[0] if csv_files else addon.path / "security" / "ir.model.access.csv"
            problems.append(Problem(target, 1, "access",
                                    f"model {model} (defined at {_display(info.path)}:{info.line}) has no line "
                                    f"in {target.name}: nobody but the superuser could use it"))
    return problems


def check_record_rules(addon: Addon, repo: Repo) -> list[Problem]:
    """Each created model has a record rule, and a multi-company rule when it has company_id;
    rule domains name fields the model has."""
    problems: list[Problem] = []
    rules: dict[str, list[tuple[Path, etree._Element]]] = {}
    for path, record in _records(addon, "ir.rule"):
        model_ref = record.find("field[@name='model_id']")
        if model_ref is None or not model_ref.get("ref"):
            problems.append(Problem(path, record.sourceline, "rule", f"rule {record.get('id')!r} has no model_id ref"))
            continue
        rules.setdefault(_qualify(addon, model_ref.get("ref")), []).append((path, record))
        model = _model_of_xml_id(repo, _qualify(addon, model_ref.get("ref")))
        domain = record.find("field[@name='domain_force']")
        if model and domain is not None and domain.text:
            problems += _check_rule_domain(repo, addon, path, domain.sourceline, record.get("id"),
                                           domain.text, model)
    rules_file = next((d.path for d in addon.data_files if _has_rules(d.path)), None) \
        or addon.path / "security" / f"{addon.name}_rules.xml"
    for model, infos in sorted(addon.models.items()):
        created = [i for i in infos if i.new]
        if not created or created[0].kind != "Model":
            continue
        xml_id = f"{addon.name}.model_{model.replace('.', '_')}"
        mine = rules.get(xml_id, [])
        if not mine:
            problems.append(Problem(rules_file, 1, "rule", f"model {model} has no record rule"))
            continue
        fields_ = repo.model_fields(addon, model) or {}
        if "company_id" in fields_ and not any(_is_multi_company(r) for _p, r in mine):
            problems.append(Problem(rules_file, 1, "rule",
                                    f"model {model} has company_id but no global multi-company rule "
                                    "([('company_id', 'in', company_ids)], without groups)"))
    return problems


def _has_rules(path: Path) -> bool:
    return _has_records_of(path, "ir.rule")


def _model_of_xml_id(repo: Repo, xml_id: str) -> str | None:
    module, _, name = xml_id.partition(".")
    if not name.startswith("model_") or module not in repo.addons:
        return None
    wanted = name[len("model_"):]
    return next((m for m in repo.addons[module].models if m.replace(".", "_") == wanted), None)


def _is_multi_company(record: etree._Element) -> bool:
    """A global rule (no groups) with a leaf ``('company_id', 'in', company_ids)``."""
    domain = record.find("field[@name='domain_force']")
    if record.find("field[@name='groups']") is not None or domain is None or not domain.text:
        return False
    try:
        tree = ast.parse(domain.text.strip(), mode="eval")
    except SyntaxError:
        return False
    return any(isinstance(node, ast.Tuple) and len(node.elts) == 3
               and isinstance(node.elts[0], ast.Constant) and node.elts[0].value == "company_id"
               and isinstance(node.elts[2], ast.Name) and node.elts[2].id == "company_ids"
               for node in ast.walk(tree))


def _check_rule_domain(repo, addon, path, line, rule_id, text, model) -> list[Problem]:
    problems: list[Problem] = []
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        return [Problem(path, line, "rule", f"rule {rule_id!r}: domain is not an expression: {exc.msg}")]
    user_fields = repo.model_fields(addon, "res.users") or {}
    for field_path, _value in _domain_leaves(tree):
        problem = _check_path(repo, addon, model, field_path)
        if problem:
            problems.append(Problem(path, line, "rule", f"rule {rule_id!r}: {problem}"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "user" \
                and node.attr not in user_fields and node.attr not in {"ids", "has_group"}:
            problems.append(Problem(path, line, "rule", f"rule {rule_id!r}: user.{node.attr} is not a field of res.users"))
        if isinstance(node, ast.Name) and node.id not in {"user", "company_ids", "company_id", "time", "True", "False"}:
            problems.append(Problem(path, line, "rule", f"rule {rule_id!r}: unknown name {node.id!r}"))
    return problems


def check_python_refs(addon: Addon, repo: Repo) -> list[Problem]:
    """``env.ref('x')`` / ``ref('x')`` in Python and ``groups=`` of fields name existing ids."""
    problems: list[Problem] = []
    known = set().union(*(repo.defined_xml_ids(repo.addons[n]) for n in repo.closure(addon) | {addon.name}
                          if n in repo.addons)) | EXTERNAL_XML_IDS
    for py in sorted(addon.path.rglob("*.py")):
        tree = ast.parse(py.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            ids: list[str] = []
            if isinstance(node, ast.Call) and _dotted(node.func).split(".")[-1] == "ref" and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                ids.append(node.args[0].value)
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "groups" and isinstance(keyword.value, ast.Constant) \
                            and isinstance(keyword.value.value, str):
                        ids += [g.strip().lstrip("!") for g in keyword.value.value.split(",")]
            for raw in ids:
                xml_id = _qualify(addon, raw)
                if xml_id not in known:
                    problems.append(Problem(py, node.lineno, "xml-id", f"{raw!r} is not defined by "
                                                                       "this addon, its dependencies or the known list"))
    return problems


def check_odoo18_syntax(addon: Addon, repo: Repo) -> list[Problem]:
    """No ``<tree>``, ``attrs=``/``states=``, ``view_mode`` 'tree' anywhere in the data files."""
    problems: list[Problem] = []
    for path, tree in _xml_trees(addon):
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            if element.tag == "tree":
                problems.append(Problem(path, element.sourceline, "odoo18", "<tree> is <list> in Odoo 18"))
            for attribute in ("attrs", "states"):
                if element.get(attribute) is not None:
                    problems.append(Problem(path, element.sourceline, "odoo18",
                                            f"<{element.tag} {attribute}=…> was removed in Odoo 17; "
                                            "use invisible=/readonly=/required= expressions"))
            if element.tag == "field" and element.get("name") == "view_mode" \
                    and "tree" in [m.strip() for m in (element.text or "").split(",")]:
                problems.append(Problem(path, element.sourceline, "odoo18",
                                        f"view_mode {element.text.strip()!r} names 'tree'; Odoo 18 calls it 'list'"))
    return problems


def check_readme(addon: Addon, repo: Repo) -> list[Problem]:
    """README.rst exists and carries the text of every readme/ fragment."""
    readme = addon.path / "README.rst"
    if not readme.is_file():
        return [Problem(addon.manifest_path, 1, "readme", "README.rst is missing")]
    text = readme.read_text(encoding="utf-8")
    problems = []
    for fragment in sorted((addon.path / "readme").glob("*.md")):
        if fragment.read_text(encoding="utf-8").strip() not in text:
            problems.append(Problem(readme, 1, "readme", f"does not carry the text of readme/{fragment.name}; "
                                                         "copy the fragment into its section"))
    return problems

#: Source texts a Chinese screen shows as they are: abbreviations (CSV, KPI) and Python expressions
#: (a report's file name).
KEPT_AS_IS_RE = re.compile(r"^(?:[A-Z]{2,5}|.*\bobject\.\w+.*)$", re.S)
PLACEHOLDER_RE = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx]")


def _po_entries(path: Path) -> Iterator[tuple[str, str, int]]:
    """(msgid, msgstr, line of msgstr) of a PO file; enough of the format for Odoo's exports."""
    entry: dict[str, str] = {}
    lines: dict[str, int] = {}
    current = None
    for number, raw in enumerate([*path.read_text(encoding="utf-8").splitlines(), ""], start=1):
        line = raw.strip()
        if not line:
            if "msgid" in entry and "msgstr" in entry:
                yield entry["msgid"], entry["msgstr"], lines["msgstr"]
            entry, lines, current = {}, {}, None
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in {"msgid", "msgstr", "msgctxt", "msgid_plural"}:
            current = keyword
            lines[keyword] = number
            line = rest
        if current and line.startswith('"'):
            entry[current] = entry.get(current, "") + ast.literal_eval(line)


def check_translations(addon: Addon, repo: Repo) -> list[Problem]:
    """The UI ships zh_CN: i18n/zh_CN.po exists, translates every text (but abbreviations and
    expressions), and no translation loses or invents a placeholder
    (OCA's po-msgstr-variables misses Odoo 18 files: it reads a flag Odoo 18 no longer writes)."""
    po = addon.path / "i18n" / "zh_CN.po"
    if not po.is_file():
        return [Problem(addon.manifest_path, 1, "translations", "i18n/zh_CN.po is missing; the UI ships zh_CN")]
    problems = []
    for msgid, msgstr, line in _po_entries(po):
        if msgid and not msgstr and not KEPT_AS_IS_RE.match(msgid):
            problems.append(Problem(po, line, "translations", f"{msgid[:60]!r} has no translation: a zh_CN screen "
                                                              "would show it in English"))
        if not msgid or not msgstr:
            continue
        wanted = sorted(m.group(0) for m in PLACEHOLDER_RE.finditer(msgid.replace("%%", "")))
        found = sorted(m.group(0) for m in PLACEHOLDER_RE.finditer(msgstr.replace("%%", "")))
        if wanted != found:
            problems.append(Problem(po, line, "translations",
                                    f"the translation of {msgid[:60]!r} has placeholders {found}, "
                                    f"the source {wanted}"))
    return problems


CHECKS = {
    "manifest": check_manifest,
    "xml-ids": check_xml_ids,
    "views": check_views,
    "access": check_access,
    "record-rules": check_record_rules,
    "python-refs": check_python_refs,
    "odoo18-syntax": check_odoo18_syntax,
    "readme": check_readme,
    "translations": check_translations,
}


def run_checks(repo: Repo, addon_name: str, checks: Iterable[str] = CHECKS) -> list[Problem]:
    addon = repo.addons[addon_name]
    found: list[Problem] = []
    for name in checks:
        found += CHECKS[name](addon, repo)
    return sorted(set(found))
