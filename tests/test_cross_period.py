"""Cross-period rules over history (flags only; the current total never changes)."""

from __future__ import annotations

from decimal import Decimal

from conftest import run

CM = {"perf_pay_base": 1000, "perf_coefficient": 1}


def company(score, history):
    e = run("company-monthly", {"period": "2024-06", "subjects": [
        {"id": "E", "attributes": CM, "scores": {"score": score}, "history": history}]})
    return e.result("E")


def test_training_required_three_low_totals_in_six_months():
    # window 2024-01 … 2024-06: 2024-02 79, 2024-05 75 and now 78 → 3 below 80
    r = company(78, [{"period": "2024-02", "total": 79}, {"period": "2024-05", "total": 75},
                     {"period": "2023-12", "total": 60}])  # December is outside the 6-month window
    assert "training_required" in r.flags
    assert r.total == Decimal("78.00")  # a flag never changes the total


def test_approved_leave_months_are_not_counted():
    r = company(78, [{"period": "2024-02", "total": 79, "flags": ["approved_leave"]},
                     {"period": "2024-05", "total": 75}])
    assert "training_required" not in r.flags


def test_transfer_required_in_the_calendar_year():
    # 5 below 80 within 2024 (Jan–Jun): 79, 78, 77, 76 and now 75; December 2023 does not count
    five = [{"period": f"2024-0{m}", "total": 80 - m} for m in range(1, 5)] + [{"period": "2023-12", "total": 10}]
    assert "transfer_required" in company(75, five).flags
    # 3 below 70 (two in history + now) also transfers, even with only 3 below 80
    assert "transfer_required" in company(65, [{"period": "2024-01", "total": 60}, {"period": "2024-03", "total": 69}]).flags
    assert "transfer_required" not in company(75, five[:3]).flags


def test_enforcement_last_two_consecutive_months():
    def last_twice(history):
        e = run("enforcement-monthly", {"period": "2024-08", "subjects": [
            {"id": "A", "group": "g", "scores": {"market_cleanliness": 90, "inspection_quality": 90, "case_handling": 90, "conduct": 90}},
            {"id": "B", "group": "g", "scores": {"market_cleanliness": 60, "inspection_quality": 60, "case_handling": 60, "conduct": 60},
             "history": history}]})
        return e.result("B").flags

    assert "elimination_review" in last_twice([{"period": "2024-07", "flags": ["warning"]}])
    assert "elimination_review" not in last_twice([{"period": "2024-06", "flags": ["warning"]}])  # not consecutive
    assert "elimination_review" not in last_twice([])


def village(period, history, total):
    subjects = [{"id": f"V{i}", "attributes": {"ag_population": 1200}, "scores": {"total": t}}
                for i, t in enumerate([95, 94, 93, 85, 84])]
    subjects.append({"id": "X", "attributes": {"ag_population": 1200}, "scores": {"total": total}, "history": history})
    return run("village-clinic", {"period": period, "subjects": subjects}).result("X")


def test_village_head_reward_two_years_top_three():
    r = village("2024-H2", [{"period": "2023-H2", "grade": "pass", "flags": ["excellent_clinic"]}], 99)
    assert {"excellent_clinic", "head_reward"} <= set(r.flags)
    # the 1000 yuan for the clinic head: half-year subsidy 8000 × 1200/1200 / 2 = 4000 + 1000
    assert r.pay.components == {"subsidy": Decimal("4000.00"), "head_reward": Decimal("1000.00")}
    # only checked at the December assessment
    assert "head_reward" not in village("2024-H1", [{"period": "2023-H1", "flags": ["excellent_clinic"]}], 99).flags


def test_village_dismissal_and_license_review():
    r = village("2024-H2", [{"period": "2023-H2", "grade": "fail", "flags": ["criticism"]},
                            {"period": "2024-H1", "grade": "fail", "total": 70}], 60)
    assert {"criticism", "head_warning", "head_dismissal", "license_review"} <= set(r.flags)
    r = village("2024-H2", [{"period": "2024-H1", "grade": "pass", "total": 85}], 60)
    assert "license_review" not in r.flags and "head_dismissal" not in r.flags


def test_semiannual_midyear_only_after_a_weak_annual_grade():
    e = run("semiannual-review", {"period": "2025-H1", "subjects": [
        {"id": "W", "attributes": {"months_in_service": 24}, "scores": {"score": 75},
         "history": [{"period": "2023", "grade": "good"}, {"period": "2024", "grade": "needs_improvement"}]},
        {"id": "S", "attributes": {"months_in_service": 24}, "scores": {"score": 75},
         "history": [{"period": "2024", "grade": "good"}]},
        {"id": "N", "attributes": {"months_in_service": 24}, "scores": {"score": 75}}]})
    assert e.result("W").status == "scored" and e.result("W").grade == "qualified"
    assert e.result("S").excluded_reason.endswith("2024 grade good")
    assert e.result("N").excluded_reason.endswith("no earlier year grade")


def test_nursing_annual_rollup_and_unexcused_absence():
    history = [{"period": f"2024-{m:02d}", "total": t} for m, t in zip(range(1, 13), [90, 92, 85, 88, 95, 91, 89, 90, 93, 94, 87, 90])]
    e = run("nursing", {"period": "2024", "subjects": [
        {"id": "A", "history": history},
        {"id": "B", "history": history[:11] + [{"period": "2024-12", "total": 90, "flags": ["unexcused_absence"]}]},
        {"id": "C", "history": [{"period": "2023-12", "total": 90}]}]})
    # mean of the 12 monthly totals: 1084 / 12 = 90.333… → 90.33 → competent (≥ 80, < 91)
    a = e.result("A")
    assert (a.total, a.grade, a.grade_label) == (Decimal("90.33"), "competent", "称职")
    b = e.result("B")
    assert (b.total, b.grade) == (Decimal("90.33"), "unfit") and "unexcused_absence" in b.flags
    assert e.result("C").status == "incomplete"
    assert a.pay is None  # the bonus is paid monthly; the roll-up only grades the year
