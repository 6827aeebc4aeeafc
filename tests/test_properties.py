"""Hypothesis properties of distribution, ranking and totals."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from perfcore import evaluate, hamilton_counts, load_preset, parse_scheme
from perfcore.distribution import assign_cap

from conftest import with_pay

SCORES = st.integers(min_value=0, max_value=1000).map(lambda n: Decimal(n) / 10)  # 0.0 … 100.0 exactly


def _forced_scheme():
    return load_preset("dept-quarterly")


def _subjects(scores, group="g"):
    return with_pay("dept-quarterly", [
        {"id": f"S{i:03d}", "group": group,
         "scores": {code: {"team": s, "leader": s} for code in ("attitude", "performance", "ability", "growth")}}
        for i, s in enumerate(scores)])


@given(size=st.integers(0, 500), cuts=st.lists(st.integers(0, 100), min_size=1, max_size=5))
def test_hamilton_counts_sum_to_size_and_stay_within_one_of_the_quota(size, cuts):
    bounds = sorted(set(cuts) | {0, 100})
    percents = [Decimal(b - a) for a, b in zip(bounds, bounds[1:])]
    counts = hamilton_counts(size, percents)
    assert sum(counts) == size
    for count, percent in zip(counts, percents):
        exact = Decimal(size) * percent / 100
        assert exact - 1 < count < exact + 1


@settings(max_examples=60, deadline=None)
@given(st.lists(SCORES, min_size=1, max_size=40))
def test_forced_distribution_counts_equal_the_hamilton_counts(scores):
    e = evaluate(_forced_scheme(), {"period": "2024-Q2", "subjects": _subjects(scores)})
    expected = hamilton_counts(len(scores), [Decimal(20), Decimal(50), Decimal(25), Decimal(5)])
    counts = Counter(r.grade for r in e.results)
    assert [counts.get(g, 0) for g in "abcd"] == expected
    # grades follow rank: a better rank never has a worse grade
    ordered = sorted(e.results, key=lambda r: r.rank)
    assert [r.grade for r in ordered] == sorted((r.grade for r in ordered))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(30, 100), min_size=1, max_size=30))
def test_cap_never_exceeds_a_quota(scores):
    nursing = load_preset("nursing")
    subjects = [{"id": f"N{i:03d}", "group": "w", "scores": {"head_nurse": s, "nursing_dept": s, "patient": s}}
                for i, s in enumerate(scores)]
    e = evaluate(nursing, {"period": "2024-05", "subjects": with_pay("nursing", subjects)})
    excellent, good, _ = hamilton_counts(len(scores), [Decimal(30), Decimal(50), Decimal(20)])
    counts = Counter(r.grade for r in e.results)
    assert counts.get("excellent", 0) <= excellent
    assert counts.get("good", 0) <= good
    # cap only ever lowers a grade, and fail stays fail
    order = ["excellent", "good", "pass", "fail"]
    for r in e.results:
        assert order.index(r.grade) >= order.index(r.band_grade)
        assert (r.grade == "fail") == (r.band_grade == "fail")


@given(st.lists(st.sampled_from(["excellent", "good", "pass", "fail"]), max_size=40),
       st.lists(st.integers(0, 10), min_size=3, max_size=3))
def test_assign_cap_respects_room(bands, counts):
    grades = ["excellent", "good", "pass"]
    out = assign_cap(bands, grades, counts)
    tally = Counter(out)
    assert tally.get("excellent", 0) <= counts[0] and tally.get("good", 0) <= counts[1]
    assert tally.get("fail", 0) == bands.count("fail")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(SCORES, SCORES, SCORES), min_size=1, max_size=25), st.randoms(use_true_random=False))
def test_results_are_invariant_under_permutation_of_subjects(rows, rnd):
    nursing = load_preset("nursing")
    subjects = [{"id": f"N{i:03d}", "group": f"w{i % 3}",
                 "scores": {"head_nurse": a, "nursing_dept": b, "patient": c}} for i, (a, b, c) in enumerate(rows)]
    shuffled = list(subjects)
    rnd.shuffle(shuffled)
    first = {r.id: r.to_dict() for r in evaluate(nursing, {"period": "2024-05", "subjects": with_pay("nursing", subjects)}).results}
    second = {r.id: r.to_dict() for r in evaluate(nursing, {"period": "2024-05", "subjects": with_pay("nursing", shuffled)}).results}
    assert first == second


@settings(max_examples=80, deadline=None)
@given(st.tuples(SCORES, SCORES, SCORES), st.sampled_from(["head_nurse", "nursing_dept", "patient"]), SCORES)
def test_total_moves_monotonically_with_a_positively_weighted_score(base, code, other):
    nursing = load_preset("nursing")
    scores = dict(zip(("head_nurse", "nursing_dept", "patient"), base))
    low, high = sorted([scores[code], other])
    totals = []
    for value in (low, high):
        scores[code] = value
        e = evaluate(nursing, {"period": "2024-05", "subjects": with_pay("nursing", [{"id": "N", "scores": dict(scores)}])})
        totals.append(e.result("N").total_exact)
    assert totals[0] <= totals[1]


def test_tie_across_a_quota_boundary_is_flagged():
    # three equal totals, forced quotas 20/50/25/5 of 3 → 0.6/1.5/0.75/0.15 → floors 0,1,0,0;
    # spare seats to remainders .75 (c) and .6 (a) → a 1, b 1, c 1.  All three tie.
    e = evaluate(_forced_scheme(), {"period": "2024-Q2", "subjects": _subjects([Decimal(80)] * 3)})
    assert sorted(r.grade for r in e.results) == ["a", "b", "c"]
    assert all("tie_at_boundary" in r.flags for r in e.results)
    # order among equal totals falls back to the id
    assert [r.id for r in sorted(e.results, key=lambda r: r.rank)] == ["S000", "S001", "S002"]


def test_tie_break_list_orders_equal_totals():
    # First a plain order by total, then equal totals ordered by the tie-break [patient, head_nurse].
    nursing = load_preset("nursing")
    e = evaluate(nursing, {"period": "2024-05", "subjects": with_pay("nursing", [
        # N-B: 92×.3 + 92×.3 + 80×.4 = 27.6 + 27.6 + 32 = 87.2
        {"id": "N-B", "group": "w", "scores": {"head_nurse": 92, "nursing_dept": 92, "patient": 80}},
        {"id": "N-A", "group": "w", "scores": {"head_nurse": 84, "nursing_dept": 84, "patient": 90}},
    ])})
    # N-A: 84×.3 + 84×.3 + 90×.4 = 25.2 + 25.2 + 36 = 86.4; N-B 87.2 → N-B ranks first by total
    assert [r.id for r in sorted(e.results, key=lambda r: r.rank)] == ["N-B", "N-A"]
    e = evaluate(nursing, {"period": "2024-05", "subjects": with_pay("nursing", [
        {"id": "N-B", "group": "w", "scores": {"head_nurse": 90, "nursing_dept": 90, "patient": 85}},
        {"id": "N-A", "group": "w", "scores": {"head_nurse": 85, "nursing_dept": 85, "patient": "92.5"}},
    ])})
    # N-B: 27 + 27 + 34 = 88; N-A: 25.5 + 25.5 + 37 = 88 → equal; patient 92.5 > 85 → N-A first
    assert [r.id for r in sorted(e.results, key=lambda r: r.rank)] == ["N-A", "N-B"]


def test_a_shuffled_scheme_file_is_rejected_not_rescaled():
    problems = None
    try:
        parse_scheme({"id": "x", "title": "x", "periods": ["month"],
                      "indicators": [{"code": "a", "weight": 50}, {"code": "b", "weight": 45}]})
    except ValueError as exc:
        problems = str(exc)
    assert problems is not None and "sum to 95, expected 100" in problems
