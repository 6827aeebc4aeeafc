"""Every input kind entered through the models the web client uses, each by its owner, gives the
results perfcore computes from the preset's example file (data/examples/<preset>.yaml)."""

from decimal import Decimal
from pathlib import Path

import perfcore
from perfcore.yamlio import load_document

from odoo.tests import Form, new_test_user, tagged

from .common import PerfCase

EXAMPLES = Path(__file__).resolve().parents[3] / "data" / "examples"
D = Decimal


def golden(preset, example):
    """{name: result} of perfcore on the example file (the reference every test compares with)."""
    evaluation = perfcore.evaluate(perfcore.load_preset(preset), load_document(EXAMPLES / example))
    return {r.name: r for r in evaluation.results}


@tagged("post_install", "-at_install")
class TestInputKinds(PerfCase):
    def scheme(self, code):
        return self.env["perf.scheme"].search([("code", "=", code), ("is_preset", "=", True)])

    def employees(self, department, names, manager=None):
        users = {name: new_test_user(self.env, f"u_{department.id}_{i}", groups="base.group_user")
                 for i, name in enumerate(names)}
        employees = {name: self.env["hr.employee"].create({
            "name": name, "user_id": users[name].id, "department_id": department.id,
            "parent_id": manager.id if manager else False}) for name in names}
        return employees, users

    def assert_same_as_perfcore(self, cycle, expected):
        """Totals, grades, ranks and pay of the cycle equal perfcore's on the example file."""
        cycle.with_user(self.officer).action_compute()
        seen = {a.subject_name: a for a in cycle.appraisal_ids}
        self.assertEqual(set(seen), set(expected))
        for name, result in expected.items():
            appraisal = seen[name]
            with self.subTest(subject=name):
                self.assertEqual((appraisal.status, appraisal.status_reason or None), (result.status, result.excluded_reason))
                self.assertEqual(appraisal.total_exact or None, perfcore.decimals.fmt(result.total_exact))
                self.assertEqual((appraisal.grade or None, appraisal.rank or None), (result.grade, result.rank))
                # pay computed from a wage lives in the pay result only (the appraisal shows none)
                amount = appraisal.pay_ids.amount if cycle.scheme_id.pay_confidential else appraisal.pay_amount
                self.assertEqual(D(str(amount)).quantize(D("0.01")), result.pay.amount if result.pay else D("0.00"))

    def line(self, appraisal, code, role=None, subperiod=None):
        lines = appraisal.score_ids.filtered(lambda s: s.code == code and (s.rater_role or None) == role
                                             and (s.subperiod or None) == subperiod)
        self.assertEqual(len(lines), 1, f"{appraisal.subject_name} {code} {role} {subperiod}")
        return lines

    # -- months of a quarter, self lines, anonymous peers, role owners ---------------------------------------
    def test_general_quarterly_months_self_and_peers(self):
        """general-quarterly: each month's work line by self, finance, admin and superior; the composite by
        self, anonymous peers (HR chooses them) and the committee; sub-period and period events."""
        self.run_general_quarterly(owners_by_sheet=False)

    def test_general_quarterly_owners_enter_their_sheets(self):
        """The same quarter with the finance, admin and committee owners (who read no appraisal) filling
        their XLSX sheets: each has a row per appraisee and a column per month (finance, admin) or the
        composite (committee); the results are the example's."""
        self.run_general_quarterly(owners_by_sheet=True)

    def run_general_quarterly(self, owners_by_sheet):
        scheme = self.scheme("general-quarterly")
        boss_user = new_test_user(self.env, "gq_boss", groups="base.group_user,perf_appraisal.group_perf_manager")
        boss = self.env["hr.employee"].create({"name": "主任", "user_id": boss_user.id})
        office = self.env["hr.department"].create({"name": "综合办", "manager_id": boss.id})
        people, users = self.employees(office, ["职员甲", "职员乙"], manager=boss)
        owners = {role: new_test_user(self.env, f"gq_{role}", groups="base.group_user")
                  for role in ("finance", "admin", "committee")}
        peers = [new_test_user(self.env, f"gq_peer{i}", groups="base.group_user") for i in range(3)]
        for name, (post, thirteenth, envelope) in {"职员甲": (4000, 4000, 300), "职员乙": (3500, 3500, None)}.items():
            people[name].set_perf_attribute("post_salary_monthly", post)
            people[name].set_perf_attribute("thirteenth_salary", thirteenth)
            if envelope:
                people[name].set_perf_attribute("red_envelope", envelope)
        cycle = self.make_cycle(scheme, name="2024-Q2", date_from="2024-04-01", date_to="2024-06-30", peer_count=0,
                                employee_ids=[(6, 0, [p.id for p in people.values()])],
                                role_ids=[(0, 0, {"role": r, "user_id": u.id}) for r, u in owners.items()])
        cycle.with_user(self.officer).action_start()
        self.assertEqual(cycle.appraisal_ids.score_ids.mapped("subperiod") and
                         sorted(set(cycle.appraisal_ids.score_ids.mapped("subperiod")) - {False}),
                         ["2024-04", "2024-05", "2024-06"])
        by_name = {a.subject_name: a for a in cycle.appraisal_ids}
        # the example's monthly work scores; June's self score of 职员甲 is her 工作计划表 (below)
        work = {"职员甲": {"2024-04": (88, 84, 86, 87), "2024-05": (95, 80, 82, 86), "2024-06": (None, 85, 85, 88)},
                "职员乙": {"2024-04": (78, 74, 76, 75), "2024-05": (76, 72, 74, 70), "2024-06": (80, 78, None, 77)}}
        composite = {"职员甲": (88, [80, 84, 86], 85), "职员乙": (80, [75, 78], 76)}
        owner_cells = {}  # {owner role: {(name, column key): value}}
        for name, months in work.items():
            appraisal = by_name[name]
            for month, (own, finance, admin, superior) in months.items():
                if own is not None:
                    self.line(appraisal, "work", "self", month).with_user(users[name]).value = own
                for role, value in (("finance", finance), ("admin", admin)):
                    if value is not None:
                        owner_cells.setdefault(role, {})[name, f"work|{role}|{month}"] = value
                self.line(appraisal, "work", "superior", month).with_user(boss_user).value = superior
            own, peer_scores, committee = composite[name]
            self.line(appraisal, "composite", "self").with_user(users[name]).value = own
            owner_cells.setdefault("committee", {})[name, "composite|committee|"] = committee
            placeholder = self.line(appraisal, "composite", "peer")  # HR names the peers, one line each
            placeholder.with_user(self.officer).rater_user_id = peers[0]
            extra = self.env["perf.score"].with_user(self.officer).create([
                {"appraisal_id": appraisal.id, "code": "composite", "name": "季度综合考核", "rater_role": "peer",
                 "rater_user_id": peer.id} for peer in peers[1:len(peer_scores)]])
            for line, score in zip(placeholder | extra, peer_scores):
                line.with_user(line.rater_user_id).value = score
        # the appraisee reads neither the peers' lines nor who they are
        self.assertFalse(self.env["perf.score"].with_user(users["职员甲"]).search(
            [("appraisal_id", "=", by_name["职员甲"].id), ("rater_role", "=", "peer")]))
        for role, cells in owner_cells.items():
            if owners_by_sheet:
                book = self.owner_sheet(owners[role], cycle)
                sheet = book.active
                keys = [cell.value for cell in sheet[2]]
                rows = {row[2].value: row for row in sheet.iter_rows(min_row=3)}
                self.assertEqual(sorted(rows), ["职员乙", "职员甲"], role)  # her rows: the appraisees she rates
                for (name, key), value in cells.items():
                    rows[name][keys.index(key)].value = value
                self.assertIn(str(len(cells)), self.upload_sheet(owners[role], cycle, book))
            else:
                for (name, key), value in cells.items():
                    code, rater, month = key.split("|")
                    self.line(by_name[name], code, rater, month or None).with_user(owners[role]).value = value
        # 职员甲's June sheet as she fills it in the dialog: routine 4 done + 1 in progress = 4×8 + ½×8 = 36,
        # stage 3 done + 1 in progress + 1 not started = 3×10 + ½×10 = 35, one other work item 1×8 = 8 → 79
        june = self.line(by_name["职员甲"], "work", "self", "2024-06").with_user(users["职员甲"])
        self.assertTrue(june.worksheet_available)
        action = june.action_open_worksheet()
        wizard = self.env["perf.worksheet.wizard"].with_user(users["职员甲"]).browse(action["res_id"])
        statuses = {"routine": ["completed"] * 4 + ["in_progress"],
                    "stage": ["completed"] * 3 + ["in_progress", "not_started"]}
        with Form(wizard) as form:
            for index, line in enumerate(wizard.item_ids):
                with form.item_ids.edit(index) as row:
                    row.status = statuses[line.section][line.number - 1]
                    row.description = f"{line.section_name} {line.number}"
            with form.extra_ids.edit(0) as row:  # 其他工作
                row.count = 1
            self.assertEqual(form.total, 79)
            self.assertEqual(form.explanation, "work sheet: routine 36 + stage 35 + other 1 × 8 = 79")
        wizard.action_apply()
        self.assertEqual((june.value, june.rated), (79, True))
        self.assertEqual(june.worksheet["routine"], statuses["routine"])
        self.assertEqual(june.worksheet_items["stage"][4], "阶段工作 5")
        events = [("职员甲", "training_attended", "2024-04-15"), ("职员甲", "personal_leave_day", "2024-05-15"),
                  ("职员甲", "commendation", "2024-06-20"), ("职员乙", "training_absent", "2024-04-16")]
        self.env["perf.event"].with_user(boss_user).create([
            {"scheme_id": scheme.id, "employee_id": people[name].id, "code": code, "date": day}
            for name, code, day in events]).with_user(self.officer).action_approve()
        self.assert_same_as_perfcore(cycle, golden("general-quarterly", "general-quarterly.yaml"))
        # perfcore scored the sheet itself, and says how (in the appraisee's language too)
        self.env["res.lang"]._activate_lang("zh_CN")
        self.assertIn("常规工作 36 + 阶段工作 35 + 其他工作 1 × 8 = 79",
                      by_name["职员甲"].with_context(lang="zh_CN").breakdown_html or "")
        # the breakdown's values as its reasons show them: the three months' mean (87.7 + 79.5 + 84.4) / 3 =
        # 83.8666…, shown ≈83.8667, not with 38 digits
        rows = {(what, value) for _step, what, value, _reason in by_name["职员甲"].with_user(self.officer)._breakdown_rows()}
        self.assertIn(("月度工作平均", "≈83.8667"), rows)
        # once published she reads every line HR reads, the anonymous peers' × 30 % line included (their
        # ratings and mean, never who gave them): her numbers add up
        self.publish(cycle)
        hers = by_name["职员甲"].with_user(users["职员甲"])._breakdown_rows()
        self.assertEqual(hers, by_name["职员甲"].with_user(self.officer)._breakdown_rows())
        self.assertTrue(any("peer ≈83.3333 × 30% = 25" in reason for _s, _w, _v, reason in hers))
        # the pay reads the monthly post salary (a wage): the head of the office sees grades, not pay
        self.assertTrue(scheme.pay_confidential)
        self.assertFalse(self.env["perf.pay"].with_user(boss_user).search([("cycle_id", "=", cycle.id)]))
        self.assertEqual(len(self.env["perf.pay"].with_user(self.officer).search([("cycle_id", "=", cycle.id)])), 0)

    # -- ISO weeks of a month, list inputs, ranged events ---------------------------------------------------------
    def test_admin_dept_weeks_and_lists(self):
        """admin-dept: weekly planned and actual points as lists (one line per week), the cook's survey list,
        the driver's vehicle score and ranged events with notes."""
        scheme = self.scheme("admin-dept")
        admin = self.env["hr.department"].create({"name": "行政部"})
        people, _users = self.employees(admin, ["行政主管甲", "厨师乙", "司机丙"])
        for name, position in (("行政主管甲", "management"), ("厨师乙", "cook"), ("司机丙", "driver")):
            people[name].set_perf_attribute("position", position)
        cycle = self.make_cycle(scheme, employee_ids=[(6, 0, [p.id for p in people.values()])])
        cycle.with_user(self.officer).action_start()
        by_name = {a.subject_name: a for a in cycle.appraisal_ids}
        self.assertEqual(sorted(set(by_name["行政主管甲"].score_ids.mapped("subperiod")) - {False}),
                         ["2024-W18", "2024-W19", "2024-W20", "2024-W21", "2024-W22"])
        weeks = {"2024-W18": ("20, 30, 50", "20, 30, 45"), "2024-W19": ("40, 60", "40, 60"),
                 "2024-W20": ("100", "90"), "2024-W21": ("50, 50", "50, 45")}
        officer = self.officer
        for week, (planned, actual) in weeks.items():
            self.line(by_name["行政主管甲"], "planned_points", None, week).with_user(officer).value_list = planned
            self.line(by_name["行政主管甲"], "actual_points", None, week).with_user(officer).value_list = actual
        self.line(by_name["厨师乙"], "survey").with_user(officer).value_list = "90 85 88 92 80"
        self.line(by_name["司机丙"], "vehicle_score").with_user(officer).value = 95
        Event = self.env["perf.event"].with_user(officer)
        Event.create([
            {"scheme_id": scheme.id, "employee_id": people["行政主管甲"].id, "code": "report_incomplete", "points": -2,
             "note": "周报缺少下周计划", "date": "2024-05-10"},
            {"scheme_id": scheme.id, "employee_id": people["行政主管甲"].id, "code": "dept_praise", "date": "2024-05-11"},
            {"scheme_id": scheme.id, "employee_id": people["厨师乙"].id, "code": "five_s_violation", "count": 2,
             "date": "2024-05-12"},
            {"scheme_id": scheme.id, "employee_id": people["司机丙"].id, "code": "vehicle_violation", "date": "2024-05-13"},
            {"scheme_id": scheme.id, "employee_id": people["司机丙"].id, "code": "extra_work", "points": 4,
             "note": "周末接送客户", "date": "2024-05-18"}]).with_user(self.perf_admin).action_approve()  # not its recorder
        self.assert_same_as_perfcore(cycle, golden("admin-dept", "admin-dept.yaml"))

    # -- KPI cards -----------------------------------------------------------------------------------------------
    def test_retail_kpi_cards_signed_by_both(self):
        """retail-kpi: the superior writes each card (target, actual, weight), both sides sign; the grades and
        pay adjustments are perfcore's."""
        scheme = self.scheme("retail-kpi")
        store = self.env["hr.department"].create({"name": "门店"})
        head_user = new_test_user(self.env, "store_head", groups="base.group_user,perf_appraisal.group_perf_manager")
        head = self.env["hr.employee"].create({"name": "区域经理", "user_id": head_user.id})
        people, users = self.employees(store, ["店长甲", "店员乙", "店员丙", "店员丁"], manager=head)
        attributes = {
            "店长甲": {"goal_achieved": True, "is_manager": True, "base_salary_total": 18000, "reward_coef": "0.25"},
            "店员乙": {"goal_achieved": True, "base_salary_total": 9000},
            "店员丙": {"goal_achieved": False, "base_salary_total": 9000},
            "店员丁": {"goal_achieved": False, "improvable": False, "base_salary_total": 9000, "deduct_coef": "0.3"}}
        for name, values in attributes.items():
            for code, value in values.items():
                people[name].set_perf_attribute(code, value)
        cards = {
            "店长甲": [("sales", "financial", 100, 120, "higher_better"), ("gross_margin", "financial", 30, 31, "higher_better"),
                    ("nps", "customer", 60, 60, "higher_better"), ("shrinkage", "process", 1.5, 1.2, "lower_better"),
                    ("training_hours", "learning", 12, 14, "higher_better")],
            "店员乙": [("sales", "financial", 50, 50, "higher_better"), ("complaints", "customer", 2, 2, "lower_better"),
                    ("stock_accuracy", "process", 98, 98, "higher_better"), ("courses", "learning", 2, 2, "higher_better")],
            "店员丙": [("sales", "financial", 50, 45, "higher_better"), ("complaints", "customer", 2, 1, "lower_better"),
                    ("stock_accuracy", "process", 98, 99, "higher_better"), ("courses", "learning", 2, 2, "higher_better")],
            "店员丁": [("sales", "financial", 50, 30, "higher_better"), ("complaints", "customer", 2, 5, "lower_better"),
                    ("stock_accuracy", "process", 98, 95, "higher_better"), ("courses", "learning", 2, 2, "higher_better")]}
        cycle = self.make_cycle(scheme, name="2024-Q2", date_from="2024-04-01", date_to="2024-06-30",
                                employee_ids=[(6, 0, [p.id for p in people.values()])])
        cycle.with_user(self.officer).action_start()
        by_name = {a.subject_name: a for a in cycle.appraisal_ids}
        for name, card in cards.items():
            kpis = self.env["perf.kpi"].with_user(head_user).create([
                {"appraisal_id": by_name[name].id, "code": code, "name": code, "dimension": dimension,
                 "target": target, "actual": actual, "direction": direction, "weight": 25}
                for code, dimension, target, actual, direction in card])
            kpis.with_user(users[name]).action_sign()
            kpis.with_user(head_user).action_sign()
            self.assertTrue(all(k.employee_signed and k.manager_signed for k in kpis))
        from odoo.exceptions import AccessError, UserError

        with self.assertRaises(AccessError):  # the appraisee signs, she does not write her card
            by_name["店员丁"].kpi_ids[:1].with_user(users["店员丁"]).actual = 60
        with self.assertRaises(UserError):  # signed by both: locked
            by_name["店员丁"].kpi_ids[:1].with_user(head_user).actual = 60
        self.assert_same_as_perfcore(cycle, golden("retail-kpi", "retail-kpi.yaml"))

    # -- the head nurse's ten-item checklist and the nursing department's failing cases -----------------------
    def test_nursing_checklist_and_failing_cases(self):
        """nursing: 李四's head-nurse review as its ten 0–10 items, the nursing department's failing cases for
        her and 孙八 (the indicator computed), the rest given; events approved by the ward heads."""
        example = load_document(EXAMPLES / "nursing.yaml").data
        by_example = {s["name"]: s for s in example["subjects"]}
        cycle = self.make_cycle(self.nursing, employee_ids=[(6, 0, self.nurses.ids)], role_ids=self.role_owners())
        cycle.with_user(self.officer).action_start()
        by_name = {a.subject_name: a for a in cycle.appraisal_ids}
        owner = {"nursing_dept": self.quality_officer, "patient": self.survey_clerk}
        for name, subject in by_example.items():
            appraisal = by_name[name]
            head_user = self.head_users[subject["group"]]
            if any(code.startswith("hn_") for code in subject["scores"]):  # her head nurse opens the checklist
                self.line(appraisal, "head_nurse", "superior").with_user(head_user).action_rate_by_items()
            for code, value in subject["scores"].items():
                if code.startswith("hn_") or code == "head_nurse":
                    self.line(appraisal, code, "superior").with_user(head_user).value = value
                elif code == "nd_failing_cases":
                    self.line(appraisal, code).with_user(self.officer).value = value
                else:
                    self.line(appraisal, code, code).with_user(owner[code]).value = value
            for event in subject.get("events", []):
                self.env["perf.event"].with_user(head_user).create({
                    "scheme_id": self.nursing.id, "employee_id": appraisal.employee_id.id, "code": event["code"],
                    "count": int(event.get("count", 1)), "note": event.get("note"), "date": "2024-05-20"}
                ).with_user(self.director_user).action_approve()
        self.assert_same_as_perfcore(cycle, golden("nursing", "nursing.yaml"))
        # 李四: the ten items 9+8+9+9+10+9+10+9+8+9 = 90; nursing dept 100 − 2 × 2 = 96
        breakdown = by_name["李四"].result_json
        self.assertIn("hn_completion", breakdown)
        # the formula with its terms' names and numbers (what the nurse reads), not its code
        self.assertIn("max(0, 100 − ", breakdown)
        for term in ('"name":"每例不合格扣分"},"ctx":"label"}," 2 × "', '"name":"护理部专项检查不合格例数"'):
            self.assertIn(term, breakdown.replace(": ", ":").replace(", ", ","))

    # -- facts: the year-end pools and the department pools ------------------------------------------------
    def test_acquisition_bonus_year_end_facts(self):
        """acquisition-bonus, 2024: contracts by class, the operated hospitals' profit, the consulting result,
        the general manager's allocations and two departures entered on the cycle's forms as HR."""
        scheme = self.scheme("acquisition-bonus")
        example = load_document(EXAMPLES / "acquisition-bonus-year.yaml").data
        departments = {}
        people = {}
        for subject in example["subjects"]:
            attributes = subject["attributes"]
            name = attributes["department"]
            departments.setdefault(name, self.env["hr.department"].create({"name": name}))
            people[subject["id"]] = self.env["hr.employee"].create({"name": subject["name"],
                                                                     "department_id": departments[name].id})
            people[subject["id"]].set_perf_attribute("role", attributes["role"])
            if "annual_score" in attributes:
                people[subject["id"]].set_perf_attribute("annual_score", attributes["annual_score"])
        cycle = self.make_cycle(scheme, name="2024", date_from="2024-01-01", date_to="2024-12-31",
                                employee_ids=[(6, 0, [p.id for p in people.values()])])
        cycle.with_user(self.officer).action_start()
        self.assertEqual(cycle.facts_form, "year_end")
        officer_cycle = cycle.with_user(self.officer)
        officer_cycle.write({
            "operated_profit": 1500000, "consulting_target_met": True, "consulting_budget": 500000,
            "consulting_actual_cost": 400000, "consulting_profit": 200000,
            "contract_ids": [(0, 0, {"name": f"医院{i}", "contract_class": klass, "employee_id": people["MM1"].id})
                             for i, klass in enumerate("AABC")],
            "allocation_ids": [(0, 0, {"pool_kind": "commission", "part": "others_discretionary",
                                       "employee_id": people[key].id, "amount": amount})
                               for key, amount in (("FN1", 10000), ("HR1", 5750))],
            "departure_ids": [(0, 0, {"employee_id": people["MK2"].id, "date": "2024-12-20", "kind": "dismissed"}),
                              (0, 0, {"employee_id": people["MK3"].id, "date": "2025-05-10", "kind": "resigned",
                                      "before_installment": 3})]})
        from odoo.exceptions import ValidationError

        with self.assertRaises(ValidationError):  # classes are the scheme's
            officer_cycle.write({"contract_ids": [(0, 0, {"name": "x", "contract_class": "D"})]})
        self.assert_same_as_perfcore(cycle, golden("acquisition-bonus", "acquisition-bonus-year.yaml"))
        # the general manager: 30% of the contract pool (300,000) and of the commission (225,000)
        gm = cycle.appraisal_ids.filtered(lambda a: a.employee_id == people["GM1"])
        self.assertEqual(gm.pay_ids.amount, 157500)

    def test_hospital_allowance_department_pools(self):
        """hospital-allowance: each department's efficiency pool, entered on the cycle, is split by score share."""
        scheme = self.scheme("hospital-allowance")
        example = load_document(EXAMPLES / "hospital-allowance.yaml").data
        departments, people = {}, {}
        for subject in example["subjects"]:
            group = subject["group"]
            departments.setdefault(group, self.env["hr.department"].create({"name": group}))
            people[subject["name"]] = self.env["hr.employee"].create(
                {"name": subject["name"], "department_id": departments[group].id})
            for code, value in subject["attributes"].items():
                people[subject["name"]].set_perf_attribute(code, ",".join(value) if isinstance(value, list) else value)
        cycle = self.make_cycle(scheme, employee_ids=[(6, 0, [p.id for p in people.values()])])
        cycle.with_user(self.officer).action_start()
        self.assertEqual(cycle.facts_form, "department_pools")
        cycle.with_user(self.officer).write({"pool_ids": [(0, 0, {"group_name": group, "amount": amount})
                                                          for group, amount in example["facts"]["department_pools"].items()]})
        for subject in example["subjects"]:
            appraisal = cycle.appraisal_ids.filtered(lambda a, n=subject["name"]: a.subject_name == n)
            self.line(appraisal, "score", "department").with_user(self.officer).value = subject["scores"]["score"]
        self.assert_same_as_perfcore(cycle, golden("hospital-allowance", "hospital-allowance.yaml"))
