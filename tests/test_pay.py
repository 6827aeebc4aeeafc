"""Pay rules: a golden case per rule, the arithmetic from the scheme and its seed in comments."""

from __future__ import annotations

from decimal import Decimal

from conftest import EXAMPLES, run, run_example
from perfcore import evaluate, load_preset
from perfcore.yamlio import load_document

D = Decimal


def pay(evaluation, subject_id):
    return evaluation.result(subject_id).pay


def test_nursing_bonus_score_title_post_base():
    e = run_example("nursing")
    # N001 102.10 / 100 × 1.2 (senior_nurse) × 1.5 (ward_night) × 1000 = 1837.80
    assert pay(e, "N001").amount == D("1837.80")
    # N005 97.40 / 100 × 1.2 × 1.4 (emergency) × 1200 = 0.974 × 2016 = 1963.584 → 1963.58 (half-up)
    assert pay(e, "N005").components == {"bonus": D("1963.58")}
    # N004 65.00 / 100 × 0.8 (trainee) × 1.4 (ward_day) × 1000 = 728.00
    assert pay(e, "N004").amount == D("728.00")


def test_relative_pay_basis_uses_the_group_mean():
    scheme = load_preset("nursing", {"pay_basis": "relative"})
    attrs = {"title": "nurse", "post": "outpatient", "bonus_base": 1000}
    e = evaluate(scheme, {"period": "2024-05", "subjects": [
        {"id": "A", "group": "w", "attributes": attrs, "scores": {"head_nurse": 90, "nursing_dept": 90, "patient": 90}},
        {"id": "B", "group": "w", "attributes": attrs, "scores": {"head_nurse": 60, "nursing_dept": 60, "patient": 60}}]})
    # totals 90 and 60, mean 75: A 90/75 × 100 = 120 → 1.20 × 1.0 × 1.0 × 1000 = 1200.00; B 60/75 → 800.00
    assert (pay(e, "A").amount, pay(e, "B").amount) == (D("1200.00"), D("800.00"))


def test_company_monthly_training_factor():
    e = run_example("company-monthly")
    # E001 2000 × 1.2 × 86 / 100 = 2064.00; E002 in training: 1500 × 1.0 × 78 / 100 × 0.80 = 936.00
    assert (pay(e, "E001").amount, pay(e, "E002").amount) == (D("2064.00"), D("936.00"))


def test_dept_quarterly_grade_coefficients():
    e = run_example("dept-quarterly")
    # bonus_base 3000 × a 1.1 = 3300; b 1.0 = 3000; c 0.9 = 2700
    assert {pay(e, i).amount for i in ("Q01", "Q04")} == {D("3300.00")}
    assert pay(e, "Q02").amount == D("3000.00") and pay(e, "Q05").amount == D("2700.00")


def test_retail_kpi_pay_by_grade():
    e = run_example("retail-kpi")
    # K01 excellent: 18000 × 0.25 = +4500; K02 qualified 0; K03 needs_improvement: −9000 × 0.1 = −900;
    # K04 unqualified: −9000 × 0.3 = −2700
    assert [pay(e, k).amount for k in ("K01", "K02", "K03", "K04")] == [D("4500.00"), D("0.00"), D("-900.00"),
                                                                         D("-2700.00")]


def test_acquisition_bonus_monthly_pay():
    e = run_example("acquisition-bonus")
    # A001 20000 + 20000 × 0.30 × 92 / 100 = 20000 + 5520 = 25520.00
    assert pay(e, "A001").components == {"base_wage": D("20000.00"), "float_pay": D("5520.00")}
    # A003 8000 + 8000 × 0.20 × 0.78 = 8000 + 1248 = 9248.00
    assert pay(e, "A003").amount == D("9248.00")


def test_marketing_seed_example_and_fines():
    e = run_example("marketing-dept")
    # seed: 800 + 200 × 110% = 1020
    assert pay(e, "M01").amount == D("1020.00")
    # M02 800 + 200 × 85% = 970; fines: dm_price_error 50 + 3 × off_theme_item 10 = 80 → 890
    assert pay(e, "M02").components == {"post_wage": D("800.00"), "perf_wage": D("170.00"), "fines": D("-80.00")}


def test_general_quarterly_parts_and_percentages():
    e = run_example("general-quarterly")
    # G01 good: a = 4000 × 3 × 10% = 1200; b = 4000 / 4 = 1000; c = 0 (not excellent)
    # adjustment: one monthly excellent in a non-excellent quarter +2%, commendation +2% → 4% × 2200 = 88
    # red envelope 300 → 2588.00
    g01 = pay(e, "G01")
    assert g01.components == {"part_a": D("1200.00"), "part_b": D("1000.00"), "part_c": D("0.00"),
                              "adjustment": D("88.00"), "red_envelope": D("300.00")}
    assert g01.amount == D("2588.00")
    # G02 pass: a = 3500 × 3 × 10% = 1050, b = 875; one training absence (< 2) → 0% → 1925.00
    assert pay(e, "G02").amount == D("1925.00")


def test_general_quarterly_leave_and_absence_thresholds_and_excellent_quarter():
    month = {"work": {"self": 90, "finance": 90, "admin": 90, "superior": 90}}
    e = run("general-quarterly", {"period": "2024-Q2", "subjects": [{
        "id": "G", "attributes": {"post_salary_monthly": 4000, "thirteenth_salary": 4000},
        "scores": {"composite": {"self": 90, "peer": [90], "committee": 90}},
        "subperiods": [
            {"period": "2024-04", "scores": month, "events": [{"code": "personal_leave_day", "count": 3},
                                                              {"code": "training_absent", "count": 2}]},
            {"period": "2024-05", "scores": month, "events": [{"code": "personal_leave_day", "count": 2},
                                                              {"code": "training_absent", "count": 2}]},
            {"period": "2024-06", "scores": month}],
        "events": [{"code": "merit", "count": 1}]}]})
    # months: 90 − 6 − 4 = 80 (good), 90 − 4 − 4 = 82 (good), 90 (excellent); mean 84 × 60% = 50.4;
    # composite 90 × 40% = 36 → 86.40 excellent → a + b + c = 1200 + 1000 + 4000 × 12 × 10% / 4 = 1200
    # adjustment: leave 5 days → −3%; training absences 4 → −3%; monthly excellent in an excellent quarter 0;
    # merit +4% → −2% × 3400 = −68 → 3332.00
    r = e.result("G")
    assert (r.total, r.grade) == (D("86.40"), "excellent")
    assert r.pay.components["part_c"] == D("1200.00") and r.pay.components["adjustment"] == D("-68.00")
    assert r.pay.amount == D("3332.00")


def test_hospital_allowance_highest_legacy_and_pool_share():
    e = run_example("hospital-allowance")
    # H01 highest of masters 1000 / section_chief 500 = 1000; legacy 150;
    # cardiology pool 20000 × 92 / 180 = 10222.222… and × 88 / 180 = 9777.777… → cents 1022222 + 977777,
    # the spare cent to the larger remainder (H02) → 10222.22 + 9777.78 = 20000.00
    assert pay(e, "H01").components == {"allowance": D("1000.00"), "legacy": D("150.00"), "efficiency": D("10222.22")}
    assert pay(e, "H02").components == {"allowance": D("600.00"), "legacy": D("0.00"), "efficiency": D("9777.78")}
    # radiology: a department of one takes its whole pool: 200 + 8000
    assert pay(e, "H03").amount == D("8200.00")


def test_village_clinic_subsidy():
    e = run_example("village-clinic")
    # V01 pass: 8000 × 1800 / 1200 = 12000 a year, half = 6000.00
    assert pay(e, "V01").amount == D("6000.00")
    # V07 fail 65: 8000 × 1000 / 1200 / 2 = 3333.33… × 65 / 80 = 2708.333… → 2708.33
    assert pay(e, "V07").amount == D("2708.33")


def test_budget_unit_fund_adjustment():
    e = run_example("budget-unit")
    # B01 excellent +5% of 2000000 = 100000; B04 fail −5% of 1500000 = −75000
    assert (pay(e, "B01").amount, pay(e, "B04").amount) == (D("100000.00"), D("-75000.00"))


def test_acquisition_year_end_pools():
    e = evaluate(load_preset("acquisition-bonus"), load_document(EXAMPLES / "acquisition-bonus-year.yaml"))
    # contracts 2×100000 + 60000 + 40000 = 300000 → gm 90000 / market 150000 / others 60000
    # commission 1500000 × 15% = 225000 → gm 67500 / market 112500 / others 45000
    gm = pay(e, "GM1")
    assert gm.amount == D("157500.00") and gm.installments == [D("39375.00")] * 4
    # market: manager 40% → 60000 + 45000
    assert pay(e, "MM1").amount == D("105000.00")
    # discretionary 25% by annual score 90:80:70: contracts 37500 → 14062.50 / 12500 / 10937.50;
    # commission 28125 → 10546.875 / 9375 / 8203.125 → cents 1054687.5, 937500, 820312.5: the spare cent
    # goes to the first of the equal remainders (MK1) → 10546.88 / 9375.00 / 8203.12
    # equal 35%: 52500 / 3 = 17500 and 39375 / 3 = 13125
    mk1 = pay(e, "MK1")
    assert mk1.amount == D("55234.38")
    # 55234.38 / 4 = 13808.595 → 13808.60 × 3, the last absorbs: 13808.58
    assert mk1.installments == [D("13808.60")] * 3 + [D("13808.58")]
    # MK2 dismissed: keeps only equal parts 17500 + 13125 = 30625, at once; forfeits 12500 + 9375 = 21875
    mk2 = pay(e, "MK2")
    assert (mk2.amount, mk2.installments, mk2.forfeited) == (D("30625.00"), [D("30625.00")], D("21875.00"))
    # MK3 resigned before installment 3: gross 10937.50 + 17500 + 8203.12 + 13125 = 49765.62;
    # installments 12441.41 × 3 + 12441.39; keeps the first two = 24882.82, forfeits 24882.80
    mk3 = pay(e, "MK3")
    assert (mk3.amount, mk3.forfeited) == (D("24882.82"), D("24882.80"))
    # consulting: (500000 − 400000) × 40% + 200000 × 25% = 40000 + 50000 = 90000 → 45000 each
    assert pay(e, "CS1").amount == pay(e, "CS2").amount == D("45000.00")
    # others: 65% equal among 3 departments (admin, finance, hr): contracts 39000 → 13000 each,
    # commission 29250 → 9750 each; finance has two people → 6500 / 4875 each; explicit commission
    # discretionary 15750 = FN1 10000 + HR1 5750; the contract discretionary 21000 has no allocation
    assert pay(e, "FN1").amount == D("6500") + D("4875") + D("10000")
    assert pay(e, "HR1").amount == D("13000") + D("9750") + D("5750")
    assert e.unallocated == {"contracts.others_discretionary": D("21000.00")}
    assert e.forfeited == {"MK2": D("21875.00"), "MK3": D("24882.80")}
    # nothing appears or disappears: gross parts + unallocated = every pool
    gross = sum(sum(r.pay.components.values(), D(0)) for r in e.results)
    assert gross + sum(e.unallocated.values(), D(0)) == D(300000 + 225000 + 90000)
    received = sum(r.pay.amount for r in e.results)
    assert received + sum(e.forfeited.values(), D(0)) == gross


def test_commission_tiers_edges():
    scheme = load_preset("acquisition-bonus")
    subjects = [{"id": "G", "attributes": {"role": "gm"}}]

    def gm_commission(profit):
        e = evaluate(scheme, {"period": "2024", "facts": {"operated_profit": profit}, "subjects": subjects})
        return pay(e, "G").components.get("commission.gm", D(0))

    # 499999.99 < 500000 → 0; 500000 → 10% = 50000 × 30% gm = 15000; 1000000 → 10% → 30000;
    # 1000000.01 → 15% = 150000.0015 → 150000.00 → gm 45000.00; above 5000000 → 35%
    assert gm_commission("499999.99") == D(0)
    assert gm_commission(500000) == D("15000.00")
    assert gm_commission(1000000) == D("30000.00")
    assert gm_commission("1000000.01") == D("45000.00")
    assert gm_commission(6000000) == D("630000.00")  # 6000000 × 35% × 30%


def test_bad_allocations_are_input_errors():
    import pytest

    from perfcore import InputError

    with pytest.raises(InputError) as info:
        evaluate(load_preset("acquisition-bonus"), {"period": "2024", "facts": {
            "contracts": {"A": 1, "Z": 1},
            "allocations": {"contracts": {"market_discretionary": {"MM": 1000, "MK": 500}}}}, "subjects": [
            {"id": "MM", "attributes": {"role": "market_manager"}},
            {"id": "MK", "attributes": {"role": "market", "annual_score": 80}}]})
    text = str(info.value)
    assert "facts.contracts.Z: unknown contract class" in text
    assert "facts.allocations.contracts.market_discretionary.MM: subject 'MM' may not receive this part" in text
    # the market discretionary part of one A contract: 100000 × 50% × 25% = 12500
    assert "allocations sum to 1500.00, but the part is 12500.00" in text


def test_pay_needs_its_attributes():
    import pytest

    from perfcore import InputError

    with pytest.raises(InputError) as info:
        evaluate(load_preset("acquisition-bonus"), {"period": "2024-05", "subjects": [
            {"id": "A", "attributes": {"role": "market"}, "scores": {"score": 80}}]})
    assert "pay component base_wage" in str(info.value) and "no value for 'current_wage'" in str(info.value)


def test_a_formula_is_shown_with_its_terms_names_and_numbers():
    """The breakdown shows each formula with what the scheme calls its terms and the numbers put in,
    not the formula's code: 李四 (N002) 94.10 / 100 × 1.0 (nurse) × 1.4 (ward_day) × 1000 = 1317.40;
    孙八 (N006) 护理部专项 = max(0, 100 − 2 × 1 failing case) = 98 (001 篇2: 每例不合格扣2分)."""
    from perfcore.i18n import use_locale

    e = run_example("nursing")

    def reason(subject_id, kind, code):
        line = next(b for b in e.result(subject_id).breakdown if b.kind == kind and b.code == code)
        with use_locale("zh_CN"):
            return str(line.reason)

    assert reason("N002", "pay", "bonus") == (
        "绩效奖金 = 绩效得分 94.1 ÷ 100 × 职称系数 1 × 岗位系数 1.4 × 奖金基数 1,000 = 1,317.4 → 1,317.40（四舍五入到 0.01）")
    assert "= max(0, 100 − 每例不合格扣分 2 × 护理部专项检查不合格例数 1)" in reason("N006", "indicator", "nursing_dept")
    with use_locale("en"):  # English names the codes themselves
        line = next(b for b in e.result("N002").breakdown if b.kind == "pay" and b.code == "bonus")
        assert str(line.reason).startswith("绩效奖金 = pay_score 94.1 ÷ 100 × title_coef 1 × post_coef 1.4 × bonus_base 1,000")


def test_explained_formulas_keep_their_grouping():
    """Parentheses as the formula groups its terms: (a − b) ÷ (c + d) − (e − f) × -g, a − (b − c)."""
    from perfcore.formula import compile_formula
    from perfcore.i18n import _

    def shown(source, names):
        return _("{f}", f=compile_formula(source).explain(names)).render("en")

    assert shown("(a - b) / (c + d) - (e - f) * -g", {"a": D(5), "b": D(1)}) == "(a 5 − b 1) ÷ (c + d) − (e − f) × -g"
    assert shown("a - (b - c)", {}) == "a − (b − c)"
    assert shown("a * b / c", {}) == "a × b ÷ c"
    assert shown("0.80 * x", {"x": D("2.50")}) == "0.8 × x 2.5"


def test_money_in_reasons_is_grouped_by_thousands():
    """Formulas and pay read as money is read: 奖金基数 1,000, 1,837.80; scores below 1,000 unchanged,
    and the grouping never touches the decimals."""
    from perfcore.decimals import show

    assert show(D("1837.8"), 2, grouped=True) == "1,837.80"
    assert show(D("-1234567.5"), grouped=True) == "-1,234,567.5"
    assert show(D("94.1"), grouped=True) == "94.1"
    assert show(D("10000") / 3, grouped=True) == "≈3,333.3333"
    assert show(D("1837.8"), 2) == "1837.80"  # machine-read text stays plain
