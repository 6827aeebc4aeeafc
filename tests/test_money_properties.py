"""Money properties: pools and installment plans always sum exactly; nothing appears or disappears."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from perfcore import evaluate, load_preset
from perfcore.money import installments, split_cents

CENTS = st.integers(min_value=0, max_value=10**11).map(lambda c: Decimal(c) / 100)
WEIGHTS = st.lists(st.integers(0, 1000).map(Decimal), min_size=1, max_size=30).filter(lambda w: sum(w) > 0)


@given(CENTS, WEIGHTS)
def test_split_sums_exactly_and_each_part_is_within_a_cent(pool, weights):
    parts = split_cents(pool, weights)
    assert sum(parts) == pool
    total = sum(weights)
    for part, weight in zip(parts, weights):
        assert abs(part - pool * weight / total) < Decimal("0.01")
        assert part == part.quantize(Decimal("0.01"))


@given(CENTS, st.integers(1, 12))
def test_installments_sum_exactly_and_differ_only_in_the_last(amount, count):
    plan = installments(amount, count)
    assert sum(plan) == amount and len(plan) == count
    assert len(set(plan[:-1])) <= 1


ROLES = st.sampled_from(["gm", "market_manager", "market", "consulting", "other"])
PERSON = st.tuples(ROLES, st.sampled_from(["a", "b", "c"]), st.integers(0, 100),
                   st.sampled_from(["active", "active", "resigned", "dismissed"]), st.integers(1, 4))


@settings(max_examples=60, deadline=None)
@given(st.lists(PERSON, max_size=12), st.integers(0, 5), st.integers(0, 3), st.integers(0, 9_000_000),
       st.booleans(), st.integers(0, 300000), st.integers(0, 300000))
def test_pools_conserve_money(people, a, b, profit, target_met, saving, consulting_profit):
    subjects = [{"id": f"P{i:02d}", "attributes": {
        "role": role, "department": dept, "annual_score": score, "status": status,
        "resigned_before_installment": before}} for i, (role, dept, score, status, before) in enumerate(people)]
    facts = {"contracts": {"A": a, "C": b}, "operated_profit": profit,
             "consulting": {"target_met": target_met, "budget": 500000, "actual_cost": 500000 - saving,
                            "profit": consulting_profit}}
    e = evaluate(load_preset("acquisition-bonus"), {"period": "2024", "facts": facts, "subjects": subjects})
    contract_pool = Decimal(100000 * a + 40000 * b)
    rate = next(r for bound, r in [(500000, 0), (1000000, 10), (2000000, 15), (3000000, 20), (4000000, 25),
                                   (5000000, 30), (10**12, 35)]
                if profit < bound or (bound != 500000 and profit == bound))
    commission = (Decimal(profit) * rate / 100).quantize(Decimal("0.01"))
    consulting = (Decimal(saving) * Decimal("0.4") + Decimal(consulting_profit) * Decimal("0.25")).quantize(
        Decimal("0.01")) if target_met else Decimal(0)
    gross = sum((sum(r.pay.components.values(), Decimal(0)) for r in e.results), Decimal(0))
    assert gross + sum(e.unallocated.values(), Decimal(0)) == contract_pool + commission + consulting
    received = sum((r.pay.amount for r in e.results), Decimal(0))
    assert received + sum(e.forfeited.values(), Decimal(0)) == gross
    for r in e.results:
        assert sum(r.pay.installments, Decimal(0)) == r.pay.amount


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 100), st.integers(0, 100), st.integers(0, 100), st.integers(0, 100))
def test_nursing_pay_is_monotone_in_the_score(head, dept, patient, better):
    scheme = load_preset("nursing")
    attrs = {"title": "senior_nurse", "post": "ward_night", "bonus_base": 1000}
    amounts = []
    for value in sorted([patient, better]):
        e = evaluate(scheme, {"period": "2024-05", "subjects": [
            {"id": "N", "attributes": attrs, "scores": {"head_nurse": head, "nursing_dept": dept, "patient": value}}]})
        amounts.append(e.result("N").pay.amount)
    assert amounts[0] <= amounts[1]
