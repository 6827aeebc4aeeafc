import re
from pathlib import Path

from odoo.tests import TransactionCase, new_test_user, tagged

from .test_public_methods import public_methods

CONFIGURE = Path(__file__).resolve().parent.parent / "readme" / "CONFIGURE.md"
COLUMNS = [  # the table's columns: a user of each group (and of base.group_user, which every employee has)
    ("Employee", "base.group_user"),
    ("Manager", "base.group_user,perf_appraisal.group_perf_manager"),
    ("Officer (HR)", "base.group_user,perf_appraisal.group_perf_officer"),
    ("Administrator", "base.group_user,perf_appraisal.group_perf_admin"),
]
MODES = {"r": "read", "w": "write", "c": "create", "d": "unlink"}


def trust_tables(text):
    """The Trust model section's tables: [[cells of each row]] per table, header rows dropped."""
    section = text[text.index("### Trust model"):]
    tables, rows = [], []
    for line in section.splitlines() + [""]:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            tables.append([r for r in rows[2:]])
            rows = []
    return tables


@tagged("post_install", "-at_install")
class TestTrustTable(TransactionCase):
    """The trust model of readme/CONFIGURE.md is what Odoo enforces."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tables = trust_tables(CONFIGURE.read_text(encoding="utf-8"))
        cls.users = {title: new_test_user(cls.env, f"trust_{i}", groups=groups)
                     for i, (title, groups) in enumerate(COLUMNS)}

    def test_header_names_the_groups(self):
        """The access table's columns are the groups, in order of inclusion."""
        header = CONFIGURE.read_text(encoding="utf-8").split("### Trust model")[1]
        first_row = next(line for line in header.splitlines() if line.startswith("| Model"))
        self.assertEqual([c.strip() for c in first_row.strip("|").split("|")][1:], [t for t, _g in COLUMNS])

    def test_access_rights_and_rules_match_the_table(self):
        """For every model and group: the readme's r/w/c/d are Odoo's access rights, its rules the group rules."""
        access = self.tables[0]
        models = {row[0].strip("`") for row in access}
        perf_models = set(self.env["ir.model"].search([("model", "=like", "perf.%"), ("transient", "=", False)])
                          .filtered(lambda m: not self.env[m.model]._abstract).mapped("model"))
        self.assertEqual(models, perf_models, "every performance model has a row, and only those")
        for row in access:
            model = row[0].strip("`")
            rules = set()
            for (title, _groups), cell in zip(COLUMNS, row[1:]):
                user = self.users[title]
                with self.subTest(model=model, group=title):
                    letters = cell.split()[0] if cell and cell[0] != "—" else ""
                    rights = "".join(letter for letter, mode in MODES.items()
                                     if self.env["ir.model.access"].with_user(user).check(model, mode, False))
                    self.assertEqual(rights, letters, f"{model} for {title}: Odoo grants {rights or '—'}")
                    rules |= {f"perf_appraisal.{name}" for name in re.findall(r"`([a-z_]+_rule_[a-z_]+)`", cell)}
                    group_rules = self.env["ir.rule"].with_user(user)._get_rules(model).sudo().filtered("groups")
                    loaded = set(group_rules.get_external_id().values())
                    self.assertEqual(loaded, rules, f"{model} for {title}: the group rules applying")

    def test_every_public_method_is_in_the_table(self):
        """The methods table names every public method the addon defines (a new one must be placed)."""
        listed = set()
        for row in self.tables[2]:
            model = None
            for name in re.findall(r"`([a-z_.]+)`", row[0]):  # `model.method`, then `method` of that model
                if "." in name:
                    model, name = name.rsplit(".", 1)
                listed.add((model, name))
        crud = {"create", "write", "default_get"}  # access rights and the fields table cover these
        wanted = {(m, f) for m, f in public_methods(self.env) if f not in crud}
        self.assertFalse(wanted - listed, "public methods missing from readme/CONFIGURE.md")
        self.assertFalse(listed - wanted - {("hr.payslip", "get_inputs")}, "methods in the table that do not exist")
