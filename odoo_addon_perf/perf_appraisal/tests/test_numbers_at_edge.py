"""Numbers at the edge, over JSON-RPC: NaN, ±Infinity, ±1e300, 2**31, 2**63 and numeric strings into
every numeric field the perf addons define, on a record of its model (or a new one where the month
made none) — a clean Odoo error, or the value stored exactly; never a server error."""

import json
import logging

try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # the harness fails a skipped test: it says what to install
    given = None

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import float_round, mute_logger

from .common import PerfFixture

_logger = logging.getLogger(__name__)
EDGES = [float("nan"), float("inf"), float("-inf"), 1e300, -1e300, 2**31, -(2**31) - 1, 2**63, "12", " 7 ", "1e5",
         "abc", 12, 0.5]
PERF_MODULES = ("perf_appraisal",)
NUMERIC = ("integer", "float", "monetary")


@tagged("post_install", "-at_install")
class TestNumbersAtTheEdge(PerfFixture, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.publish(cls.nursing_cycle())
        cls.admin_user = new_test_user(cls.env, "edge_admin", groups="base.group_user,base.group_system,"
                                       "perf_appraisal.group_perf_admin,hr.group_hr_user")
        cls.fields = sorted(
            (model._name, name) for model in (cls.env[m] for m in cls.env.registry) if not model._abstract
            and not model._transient for name, field in model._fields.items()
            if field.type in NUMERIC and field.store and name != "id" and (field._module or "").startswith(PERF_MODULES))

    def rpc(self, model, method, args, kwargs=None):
        """(result, error name) of /web/dataset/call_kw as the perf administrator."""
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1,
                   "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}}}
        with mute_logger("odoo.http", "odoo.sql_db"):
            response = self.url_open(f"/web/dataset/call_kw/{model}/{method}", data=json.dumps(payload),
                                     headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 200, response.text[:300])
        body = response.json()
        if "error" in body:
            return None, body["error"]["data"]["name"], body["error"]["data"]["message"]
        return body["result"], None, None

    def expected(self, model, name, value):
        """What a field stores of ``value`` (its digits), or None where it cannot be a number."""
        field = self.env[model]._fields[name]
        try:
            number = float(value.strip()) if isinstance(value, str) else float(value)
        except ValueError:
            return None
        if field.type == "integer":
            return int(number) if number.is_integer() else None
        digits = field.get_digits(self.env)
        if field.type == "monetary":
            digits = (16, 2)
        return float_round(number, precision_digits=digits[1]) if digits else number

    def check(self, model, name, value):
        record = self.env[model].sudo().search([], limit=1)
        if record:
            result, error, message = self.rpc(model, "write", [record.ids, {name: value}])
        else:
            result, error, message = self.rpc(model, "create", [[{name: value}]])
        if error:
            self.assertTrue(error.startswith("odoo.exceptions."), f"{model}.{name} = {value!r}: {error}: {message}")
            return
        field = self.env[model]._fields[name]
        if record and not field.compute:
            stored = self.rpc(model, "read", [record.ids, [name]])[0][0][name]
            expected = self.expected(model, name, value)
            self.assertIsNotNone(expected, f"{model}.{name} accepted {value!r}")
            self.assertAlmostEqual(stored, expected, places=6, msg=f"{model}.{name} = {value!r}")

    def test_every_numeric_field_at_the_edges(self):
        """The fields the issue names are among those checked; each edge value, each field."""
        for must in (("perf.scheme.indicator", "sequence"), ("perf.cycle", "peer_count"), ("perf.scheme", "event_max_count"),
                     ("perf.cycle.departure", "before_installment")):
            self.assertIn(must, self.fields)
        self.authenticate("edge_admin", "edge_admin")
        _logger.info("%s numeric fields of %s models", len(self.fields), len({m for m, _n in self.fields}))
        for model, name in self.fields:
            for value in EDGES:
                with self.subTest(field=f"{model}.{name}", value=value):
                    self.check(model, name, value)

    def test_attribute_numbers_at_the_edges(self):
        """A number attribute (奖金基数) set over JSON-RPC to NaN, ±Infinity or ±1e300: refused cleanly."""
        self.authenticate("edge_admin", "edge_admin")
        nurse = self.nurses[0]
        for value in (float("nan"), float("inf"), float("-inf"), 1e300, -1e300, "abc"):
            with self.subTest(value=value):
                _result, error, message = self.rpc("hr.employee", "set_perf_attribute", [nurse.ids, "bonus_base", value])
                self.assertTrue(error and error.startswith("odoo.exceptions."), f"{value!r}: {error} {message}")
        self.assertEqual(nurse._perf_attribute_values()[nurse.id]["bonus_base"], "1000")

    if given is None:
        def test_any_number_anywhere(self):
            self.skipTest("hypothesis is not installed in Odoo's Python (pip install hypothesis)")
    else:
        @settings(max_examples=150, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
        @given(data=st.data())
        def test_any_number_anywhere(self, data):
            """Hypothesis draws a field and a number (any float, any integer, a number as text)."""
            if not getattr(self, "_authenticated", False):
                self.authenticate("edge_admin", "edge_admin")
                self._authenticated = True
            model, name = data.draw(st.sampled_from(self.fields))
            value = data.draw(st.one_of(st.floats(), st.integers(min_value=-(2**70), max_value=2**70),
                                        st.floats(allow_nan=False, allow_infinity=False).map(repr),
                                        st.integers(min_value=-(2**40), max_value=2**40).map(str)))
            self.check(model, name, value)
