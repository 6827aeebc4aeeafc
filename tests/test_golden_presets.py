"""Golden cases: one or more per preset, the expected numbers derived by hand from the
scheme and its seed document in the comment above each assertion."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import run, run_example

D = Decimal


def totals(evaluation):
    return {r.id: r.total for r in evaluation.results}


def grades(evaluation):
    return {r.id: r.grade for r in evaluation.results}


# -- nursing (001 篇2) ------------------------------------------------------------------

def test_nursing_weighted_total_events_and_cap_distribution():
    e = run_example("nursing")
    # N001: 92×30% + 95×30% + 90×40% = 27.6 + 28.5 + 36 = 92.1; +10 praise = 102.10 (no cap)
    # N002: items 9+8+9+9+10+9+10+9+8+9 = 90; nursing_dept = 100 − 2×2 = 96; patient 92
    #       90×30% + 96×30% + 92×40% = 27 + 28.8 + 36.8 = 92.6; + 3×0.5 study = 94.10
    # N003: 95×.3 + 92×.3 + 93×.4 = 28.5 + 27.6 + 37.2 = 93.30
    # N004: 70×.3 + 80×.3 + 75×.4 = 21 + 24 + 30 = 75; −10 complaint = 65.00
    # N005: 88×.3 + 90×.3 + 85×.4 = 26.4 + 27 + 34 = 87.4; +10 paper = 97.40
    # N006: 85×.3 + (100 − 2×1)×.3 + 88×.4 = 25.5 + 29.4 + 35.2 = 90.10
    # N007: 60×.3 + 70×.3 + 65×.4 = 18 + 21 + 26 = 65; −5 exam_fail = 60.00
    assert totals(e) == {"N001": D("102.10"), "N002": D("94.10"), "N003": D("93.30"), "N004": D("65.00"),
                         "N005": D("97.40"), "N006": D("90.10"), "N007": D("60.00")}
    # Bands (≥91 excellent, ≥80 good, ≥60 pass): N001–N003 excellent, N004 pass.
    # ward-3 has 4 nurses: quotas 30/50/20% → 1.2/2.0/0.8 → floors 1,2,0, the spare seat to the
    # largest remainder (pass 0.8) → excellent 1, good 2, pass 1.  Cap: N001 keeps excellent,
    # N002 and N003 drop to good.  emergency has 3: 0.9/1.5/0.6 → floors 0,1,0, two spare seats to
    # remainders .9 (excellent) and .6 (pass) → 1,1,1.  N005 excellent, N006 band good, N007 pass.
    assert grades(e) == {"N001": "excellent", "N002": "good", "N003": "good", "N004": "pass",
                         "N005": "excellent", "N006": "good", "N007": "pass"}
    n002 = e.result("N002")
    assert n002.band_grade == "excellent"
    assert any(line.kind == "distribution" and "excellent is full" in line.reason for line in n002.breakdown)
    assert [e.result(i).rank for i in ("N001", "N002", "N003", "N004")] == [1, 2, 3, 4]


def test_nursing_dept_formula_floors_at_zero():
    # 60 failing cases: 100 − 2×60 = −20 → floor 0.  Total = 80×.3 + 0×.3 + 80×.4 = 24 + 32 = 56 → fail.
    e = run("nursing", {"period": "2024-05", "subjects": [
        {"id": "X", "scores": {"head_nurse": 80, "nd_failing_cases": 60, "patient": 80}}]})
    r = e.result("X")
    assert r.indicators["nursing_dept"] == 0
    assert (r.total, r.grade) == (D("56.00"), "fail")


# -- sales-staff (000 篇一) -------------------------------------------------------------

def test_sales_staff_indicator_events_clamped_and_exclusion():
    e = run_example("sales-staff")
    # S001 attitude 90 − 2 late + 1 overtime = 89; responsibility 88 + 2 praise (A) = 90
    # 89×15% + 85×15% + 80×20% + 90×25% + 86×25% = 13.35 + 12.75 + 16 + 22.5 + 21.5 = 86.10
    assert e.result("S001").total == D("86.10")
    # S002 attitude 99 + 3 overtime = 102 → clamped to 100; sick leave is 0 points
    # 100×.15 + 70×.15 + 75×.2 + 80×.25 + 78×.25 = 15 + 10.5 + 15 + 20 + 19.5 = 80.00
    s002 = e.result("S002")
    assert s002.total == D("80.00") and s002.indicators["attitude"] == 100
    s003 = e.result("S003")
    assert (s003.eligible, s003.status, s003.excluded_reason, s003.total) == (False, "excluded", "见习员工不参加考核", None)  # 见习: the label of probation


# -- company-monthly (000 篇四) ---------------------------------------------------------

def test_company_monthly_other_event_with_note():
    e = run_example("company-monthly")
    # E002: score 75 + 其他加减分 +3 (note 协助完成季度盘点) = 78.00
    r = e.result("E002")
    assert r.total == D("78.00")
    assert any(line.kind == "event" and "协助完成季度盘点" in line.reason for line in r.breakdown)


# -- semiannual-review (000 篇五) --------------------------------------------------------

def test_semiannual_review_bands_and_exclusions():
    e = run_example("semiannual-review")
    # 91 ≥ 90 excellent; 64.5 ≥ 60 needs_improvement (A bands)
    assert grades(e)["R001"] == "excellent" and grades(e)["R002"] == "needs_improvement"
    reasons = {r.id: r.excluded_reason for r in e.results if not r.eligible}
    assert reasons == {"R003": "在职 4 个月，不满半年", "R004": "兼职、特约人员不参加考核",
                       "R005": "考核前请假累计 7 个月，达半年以上"}


# -- government-unit (000 篇六, 002 篇1) -------------------------------------------------

def test_government_unit_nested_weights_and_ranking_flags():
    e = run_example("government-unit")
    # D01 business = 95×90% + 90×5% + 80×5% = 85.5 + 4.5 + 4 = 94
    #     admin = (90 + 92 + 88 + 94) / 4 = 91;  assessment = 94×60% + 91×40% = 56.4 + 36.4 = 92.8
    #     final = 92.8×80% + 85×20% = 74.24 + 17 = 91.24
    # D02 business = 81 + 4.25 + 4.25 = 89.5; admin = 351/4 = 87.75; assessment = 53.7 + 35.1 = 88.8
    #     final = 71.04 + 17.6 = 88.64; − 2 inspections × 1 (A) = 86.64
    assert e.result("D01").total == D("91.24")
    assert e.result("D02").total == D("86.64")
    flags = {r.id: r.flags for r in e.results}
    # ranked D01 91.24, D03 89.02, D06 88.12 | D02 86.64, D04 82.84, D05 78.51
    assert {i for i, f in flags.items() if "reward" in f} == {"D01", "D03", "D06"}
    assert {i for i, f in flags.items() if "accountability" in f} == {"D02", "D04", "D05"}


# -- acquisition-bonus (001 篇1): scoring part ------------------------------------------

def test_acquisition_bonus_monthly_score():
    e = run_example("acquisition-bonus")
    # one indicator, weight 100: total = the superior's score
    assert totals(e) == {"A001": D("92.00"), "A002": D("85.00"), "A003": D("78.00"), "A004": D("88.00")}


# -- dept-quarterly (001 篇4) -----------------------------------------------------------

def test_dept_quarterly_rater_weights_and_forced_distribution():
    e = run_example("dept-quarterly")
    # Q04 attitude .4×92 + .6×90 = 90.8; performance 36 + 54.6 = 90.6; ability 35.2 + 54 = 89.2;
    #     growth 34.4 + 52.8 = 87.2; 25% each → 357.8 / 4 = 89.45
    assert e.result("Q04").total == D("89.45")
    # Q08 has no team score: leader re-weighted to 100% → 84, flagged
    q08 = e.result("Q08")
    assert q08.total == D("84.00") and "rater_missing:team" in q08.flags
    # 10 subjects, quotas 20/50/25/5 → 2, 5, 2.5, 0.5 → floors 2,5,2,0; one spare seat, remainders
    # c .5 and d .5 tie → the grade listed first (c) → a 2, b 5, c 3, d 0.
    counts = {g: sum(1 for r in e.results if r.grade == g) for g in "abcd"}
    assert counts == {"a": 2, "b": 5, "c": 3, "d": 0}
    assert [r.id for r in sorted(e.results, key=lambda r: r.rank)][:2] == ["Q04", "Q01"]
    assert grades(e)["Q04"] == grades(e)["Q01"] == "a"


# -- retail-kpi (001 篇6) ---------------------------------------------------------------

def test_retail_kpi_grades_from_kpi_card():
    e = run_example("retail-kpi")
    # K01 goal achieved, 0 missed, 4 exceeded (shrinkage 1.2 < 1.5 lower_better) → excellent
    # K02 goal achieved, all exactly met, none exceeded → qualified
    # K03 goal not achieved, 1 of 4 missed (≤ half) → needs_improvement
    # K04 3 of 4 missed (> half) → unqualified; improvable false → position_review
    assert grades(e) == {"K01": "excellent", "K02": "qualified", "K03": "needs_improvement", "K04": "unqualified"}
    assert "position_review" in e.result("K04").flags and "position_review" not in e.result("K03").flags
    assert e.result("K01").total is None  # a KPI card has no score to add up


# -- finance-dept (001 篇7) -------------------------------------------------------------

def test_finance_dept_points_sum():
    e = run_example("finance-dept")
    # F01 18+14+12+10+9+6+5+4+8+5 = 91; F02 all max = 100; F03 15.5+12+10+8+7+5+3+3+6+4 = 73.5
    assert totals(e) == {"F01": D("91.00"), "F02": D("100.00"), "F03": D("73.50")}


# -- marketing-dept (001 篇8) -----------------------------------------------------------

def test_marketing_dept_seed_example_and_soft_limits():
    e = run_example("marketing-dept")
    # seed: full hard points 30 + 70 = 100, +10 超额完成硬指标 → 110 (the "110%" of 800 + 200 × 110%)
    assert e.result("M01").total == D("110.00")
    m02 = e.result("M02")
    # 25 + 60 = 85; fines are money, not points
    assert m02.total == D("85.00")
    # staff_turnover 3 > 2 per quarter; 5 discipline violations ≥ 5
    assert {"supervisor_demotion", "double_penalty"} <= set(m02.flags)
    assert not e.result("M01").flags


# -- general-quarterly (001 篇9) --------------------------------------------------------

def test_general_quarterly_months_composite_and_self_rule():
    e = run_example("general-quarterly")
    g01 = e.result("G01")
    # Apr: 88×.3 + mean(84,86)=85×.3 + 87×.4 = 26.4 + 25.5 + 34.8 = 86.7; +1 training = 87.7 (excellent)
    # May: self 95 > 90 → superior 86 − 10 = 76: 22.8 + 81×.3=24.3 + 34.4 = 81.5; −2 leave = 79.5 (pass)
    # Jun: self sheet: routine 4×8 + 0.5×8 = 36, stage 3×10 + 0.5×10 = 35, other 1×8 → 79
    #      79×.3 + 85×.3 + 88×.4 = 23.7 + 25.5 + 35.2 = 84.4 (good)
    # quarter: mean(87.7, 79.5, 84.4) = 251.6/3 × 60% = 50.32; composite 88×.3 + mean(80,84,86)×.3 + 85×.4
    #          = 26.4 + 25 + 34 = 85.4 × 40% = 34.16 → 84.48 (good)
    assert [(s.period, s.total, s.grade) for s in g01.subperiods] == [
        ("2024-04", D("87.70"), "excellent"), ("2024-05", D("79.50"), "pass"), ("2024-06", D("84.40"), "good")]
    assert (g01.total, g01.grade) == (D("84.48"), "good")
    assert "self_score_replaced" in g01.flags
    # G02: Apr 23.4 + 22.5 + 30 − 2 = 73.9; May 22.8 + 21.9 + 28 = 72.7; Jun 24 + 78×.3 (finance only) + 30.8 = 78.2
    #      mean 224.8/3 × .6 = 44.96; composite 24 + 76.5×.3 + 30.4 = 77.35 × .4 = 30.94 → 75.90 pass
    assert (e.result("G02").total, e.result("G02").grade) == (D("75.90"), "pass")


def test_general_quarterly_work_sheet_total_and_its_reason_in_chinese():
    from perfcore import load_preset

    sheet = load_preset("general-quarterly").subperiods.indicators[0].worksheet
    june = {"routine": ["completed"] * 4 + ["in_progress"], "stage": ["completed"] * 3 + ["in_progress", "not_started"],
            "other": 1}
    # 常规 4×8 + ½×8 = 36, 阶段 3×10 + ½×10 + 0 = 35, 其他工作 1×8 = 8, 合理化建议 0 → 79
    assert [(part.code, points) for part, points in sheet.earned(june)] == [
        ("routine", D("36")), ("stage", D("35")), ("other", D("8")), ("suggestion_adopted", D("0"))]
    assert sheet.total(june) == D("79")
    assert sheet.status_names["in_progress"] == "进行中"
    g01 = run_example("general-quarterly").result("G01")
    [june_self] = [line for line in g01.breakdown if line.code == "2024-06/work.self" and line.kind == "rater" and "sheet" in line.to_dict("en")["reason"]]
    assert june_self.to_dict("en")["reason"] == "work sheet: routine 36 + stage 35 + other 1 × 8 = 79"
    assert june_self.to_dict("zh_CN")["reason"] == "工作计划表：常规工作 36 + 阶段工作 35 + 其他工作 1 × 8 = 79"
    # 职能部门 = the mean of its members, named: (84 + 86) / 2 = 85
    [april] = [line for line in g01.breakdown if line.code == "2024-04/work.functional" and line.kind == "rater"
               and "mean" in line.to_dict("en")["reason"]]
    assert april.to_dict("zh_CN")["reason"] == "职能部门：财务部、行政部 的平均 = 85"


# -- admin-dept (003 篇三) --------------------------------------------------------------

def test_admin_dept_weeks_cooks_drivers():
    e = run_example("admin-dept")
    # AD01 weeks 95/100, 100/100, 90/100, 95/100 → mean 95; −2 report_incomplete, +3 dept_praise = 96
    # AD02 survey mean (90+85+88+92+80)/5 = 87; 2 × 5S −1 = 85
    # AD03 vehicle 95 − 5 + 4 extra_work = 94
    assert totals(e) == {"AD01": D("96.00"), "AD02": D("85.00"), "AD03": D("94.00")}


# -- hospital-allowance (003 篇九): scoring part -----------------------------------------

def test_hospital_allowance_scores_rank_per_department():
    e = run_example("hospital-allowance")
    assert totals(e) == {"H01": D("92.00"), "H02": D("88.00"), "H03": D("80.00")}
    assert (e.result("H02").rank, e.result("H03").rank) == (2, 1)  # ranks are per department group


# -- rd-dept (003 篇八) -----------------------------------------------------------------

def test_rd_dept_project_share():
    e = run_example("rd-dept")
    # RD01 p = 120/160 = .75: 90×.75 + 80×.25×.7 + 70×.25×.3 = 67.5 + 14 + 5.25 = 86.75
    # RD02 p = 1: pm only → 85 (dm and peer weigh 0, so no rater_missing flag)
    # RD03 p = 0: 88×.7 + 82×.3 = 61.6 + 24.6 = 86.20
    assert totals(e) == {"RD01": D("86.75"), "RD02": D("85.00"), "RD03": D("86.20")}
    assert not e.result("RD02").flags


# -- village-clinic (004 篇三) ----------------------------------------------------------

def test_village_clinic_points_direct_total_and_flags():
    e = run_example("village-clinic")
    # V01 24+28+9+9+9+5+9 = 93; others given directly
    assert e.result("V01").total == D("93.00")
    flags = {r.id: set(r.flags) for r in e.results}
    # passing (≥80) by total: V01 93, V02 91, V03 86.5, V08 84, V04 82 → top 3 V01 V02 V03
    assert {i for i, f in flags.items() if "excellent_clinic" in f} == {"V01", "V02", "V03"}
    # failing: V05 78, V06 72, V07 65 → bottom 3 of the failing; V07 is the very last
    assert {i for i, f in flags.items() if "criticism" in f} == {"V05", "V06", "V07"}
    assert {i for i, f in flags.items() if "head_warning" in f} == {"V07"}


# -- teacher-ethics (004 篇五) ----------------------------------------------------------

def test_teacher_ethics_capped_item_deductions_and_veto():
    e = run_example("teacher-ethics")
    # T02: leave_day −1 on attendance (1 → 0), focus_at_work −1 (2 → 1) → 20 − 2 = 18 qualified
    # T03: absent 2 days = −6 on attendance (worth 1 → 0), corporal ×3 = −3 on a 2-point item (→ 0)
    #      capped deductions 1 + 2 = 3 → 17 qualified
    # T04: veto → fail although no point was lost
    assert totals(e) == {"T01": D("20.00"), "T02": D("18.00"), "T03": D("17.00"), "T04": D("20.00")}
    assert grades(e) == {"T01": "excellent", "T02": "qualified", "T03": "qualified", "T04": "fail"}
    assert "veto:major_safety_incident" in e.result("T04").flags


def test_teacher_ethics_twenty_uncapped_deductions_at_most_basic():
    # 7 absent days = −21 uncapped, but attendance only holds 1 point → 19 (band excellent);
    # uncapped deductions 21 ≥ 20 → at most basic.
    e = run("teacher-ethics", {"period": "2024", "subjects": [{"id": "T9", "events": [{"code": "absent_day", "count": 7}]}]})
    r = e.result("T9")
    assert (r.total, r.grade) == (D("19.00"), "basic")


# -- enforcement-monthly (004 专卖管理) ----------------------------------------------------

def test_enforcement_monthly_weights_and_last_in_group():
    e = run_example("enforcement-monthly")
    # ZM01 92×.4 + 88×.3 + 85×.2 + 95×.1 = 36.8 + 26.4 + 17 + 9.5 = 89.70
    # ZM04 88×.4 + 86×.3 + 80×.2 + 90×.1 = 35.2 + 25.8 + 16 + 9 = 86; −2 deduction = 84.00
    assert e.result("ZM01").total == D("89.70") and e.result("ZM04").total == D("84.00")
    assert {r.id for r in e.results if "warning" in r.flags} == {"ZM03", "ZM04"}  # last of each group


# -- budget-unit (003 篇二 …) -----------------------------------------------------------

def test_budget_unit_final_is_review_score():
    e = run_example("budget-unit")
    # final = review score (A): 91 excellent, 84.5 good, 72 pass, 55 fail
    assert grades(e) == {"B01": "excellent", "B02": "good", "B03": "pass", "B04": "fail"}
    assert e.result("B02").total == D("84.50")


def test_budget_unit_review_share_parameter():
    from perfcore import evaluate, load_preset

    scheme = load_preset("budget-unit", {"review_share": "0.8"})
    # 0.8 × 84.5 + 0.2 × 90 = 67.6 + 18 = 85.60
    e = evaluate(scheme, {"period": "2024", "subjects": [{"id": "B", "scores": {"self_score": 90, "review_score": "84.5"}}]})
    assert e.result("B").total == D("85.60")


@pytest.mark.parametrize("scheme_id", [
    "acquisition-bonus", "admin-dept", "budget-unit", "company-monthly", "dept-quarterly",
    "enforcement-monthly", "finance-dept", "general-quarterly", "government-unit", "hospital-allowance",
    "marketing-dept", "nursing", "rd-dept", "retail-kpi", "sales-staff", "semiannual-review",
    "teacher-ethics", "village-clinic"])
def test_every_preset_example_scores_every_subject(scheme_id):
    e = run_example(scheme_id)
    assert e.results and all(r.status in ("scored", "excluded") for r in e.results)
