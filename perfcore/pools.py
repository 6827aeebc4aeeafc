"""Year-end bonus pools of the acquisition-bonus preset (001 篇1), exact to the cent.

Pools: signed hospital contracts by class, the operated-hospital profit commission
(one rate on the whole profit) and the consulting department reward.  The contract
and commission pools split gm / market / others; market into manager /
discretionary / equal; others into an equal part (equally among the other
departments, then equally within each) and the gm's discretionary part.  Every
split uses the largest-remainder rule on cents (ties to the first listed: parts in
the order of the scheme, people by id), so the parts always sum to their pool.
Money nobody may receive is ``unallocated``; money a leaver loses is
``forfeited``; neither is re-spread.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from .decimals import ONE_HUNDRED, ZERO, D, round_money
from .decimals import show as fmt
from .i18n import _
from .money import installments, split_cents
from .pay import PayContext
from .result import Pay
from .scheme import YearEndPools

__all__ = ["EQUAL_PARTS", "year_end_pools"]

#: The parts a dismissed employee keeps ("部门间和部门内平均分配部分").
EQUAL_PARTS = ("contracts.market_equal", "contracts.others_equal", "commission.market_equal",
               "commission.others_equal")


class _Facts:
    def __init__(self, facts: Mapping[str, Any], problems: list[tuple[str, Any]]):
        self.facts = facts
        self.problems = problems

    def number(self, path: tuple[str, ...], default: Decimal | None = None, minimum: Decimal | None = ZERO) -> Decimal:
        node: Any = self.facts
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        where = "facts." + ".".join(path)
        if node is None:
            if default is None:
                self.problems.append((where, _("missing")))
                return ZERO
            return default
        try:
            value = D(node)
        except (TypeError, ValueError) as exc:
            self.problems.append((where, exc.args[0]))
            return ZERO
        if minimum is not None and value < minimum:
            self.problems.append((where, _("must be at least {minimum} (got {value})", minimum=str(minimum),
                                           value=str(value))))
        return value


def _commission_rate(spec: YearEndPools, profit: Decimal) -> Decimal:
    for tier in spec.commission_tiers:
        if tier.up_to is None or profit < tier.up_to or (tier.inclusive and profit == tier.up_to):
            return tier.rate
    return ZERO  # unreachable: the last tier has no bound (checked at load)


def year_end_pools(spec: YearEndPools, subjects: Sequence[PayContext], facts: Mapping[str, Any]
                   ) -> tuple[dict[str, Decimal], dict[str, Decimal], list[tuple[str, Any]]]:
    """Fill each subject's ``pay``; return (unallocated, forfeited by subject id, problems)."""
    problems: list[tuple[str, Any]] = []
    f = _Facts(facts, problems)
    people = sorted(subjects, key=lambda s: s.result.id)
    by_id = {p.result.id: p for p in people}

    def role(p: PayContext) -> str:
        return str(p.names.get("role") or "other")

    gm = [p for p in people if role(p) == "gm"]
    managers = [p for p in people if role(p) == "market_manager"]
    market = [p for p in people if role(p) == "market"]
    consulting = [p for p in people if role(p) == "consulting"]
    others = [p for p in people if role(p) == "other"]

    parts: dict[str, dict[str, Decimal]] = defaultdict(dict)  # subject id → component → money
    reasons: dict[str, list[tuple[str, Decimal, Any]]] = defaultdict(list)
    unallocated: dict[str, Decimal] = {}

    def give(part: str, amount: Decimal, recipients: Sequence[PayContext], weights: Sequence[Decimal] | None,
             how: Any) -> None:
        if amount == 0:
            return
        if not recipients or (weights is not None and sum(weights, ZERO) == 0):
            unallocated[part] = unallocated.get(part, ZERO) + amount
            return
        shares = split_cents(amount, weights if weights is not None else [Decimal(1)] * len(recipients))
        for person, share in zip(recipients, shares):
            pid = person.result.id
            parts[pid][part] = parts[pid].get(part, ZERO) + share
            reasons[pid].append((part, share, _("{part}: {share} of {amount} ({how})", part=part, share=fmt(share, 2),
                                                amount=fmt(amount, 2), how=how)))

    # -- the contract pool and the profit commission -------------------------------------
    contracts = facts.get("contracts") or {}
    if not isinstance(contracts, Mapping):
        problems.append(("facts.contracts", _("expected a mapping of contract class to count")))
        contracts = {}
    contract_pool = ZERO
    for klass, count in contracts.items():
        if klass not in spec.contract_values:
            problems.append((f"facts.contracts.{klass}", _("unknown contract class (known: {known})",
                                                           known=", ".join(spec.contract_values))))
            continue
        number = f.number(("contracts", str(klass)))
        if number != number.to_integral_value():
            problems.append((f"facts.contracts.{klass}", _("a whole number of contracts (got {number})",
                                                           number=str(number))))
        contract_pool += number * spec.contract_values[klass]
    profit = f.number(("operated_profit",), default=ZERO, minimum=None)
    rate = _commission_rate(spec, profit) if profit > 0 else ZERO
    commission_pool = round_money(profit * rate / ONE_HUNDRED)
    allocations = facts.get("allocations") or {}
    pool_notes = {"contracts": _("contracts {counts} = {pool}", counts=", ".join(f"{k}×{v}" for k, v in contracts.items())
                                 or _("none"), pool=fmt(contract_pool, 2)),
                  "commission": _("operated profit {profit} × {rate}% = {pool}", profit=fmt(profit, 2), rate=fmt(rate),
                                  pool=fmt(commission_pool, 2))}

    for pool_name, pool in (("contracts", contract_pool), ("commission", commission_pool)):
        gm_part, market_part, others_part = split_cents(pool, [spec.split["gm"], spec.split["market"], spec.split["others"]])
        give(f"{pool_name}.gm", gm_part, gm, None, _("gm {percent}%", percent=fmt(spec.split["gm"])))
        manager_part, disc_part, equal_part = split_cents(
            market_part, [spec.market_split["manager"], spec.market_split["discretionary"], spec.market_split["equal"]])
        give(f"{pool_name}.market_manager", manager_part, managers, None,
             _("market manager {percent}% of market {market}", percent=fmt(spec.market_split["manager"]),
               market=fmt(market_part, 2)))
        explicit = _allocation(allocations, pool_name, "market_discretionary", disc_part, market, by_id, problems)
        if explicit is not None:
            give(f"{pool_name}.market_discretionary", disc_part, [by_id[k] for k in explicit], list(explicit.values()),
                 _("explicit allocation by the gm and market manager"))
        else:
            scores = [D(p.names.get("annual_score") or 0) for p in market]
            give(f"{pool_name}.market_discretionary", disc_part, market, scores,
                 _("discretionary 25%, by annual average score"))
        give(f"{pool_name}.market_equal", equal_part, market, None,
             _("equal share of {percent}% among {count} market staff", percent=fmt(spec.market_split["equal"]),
               count=len(market)))
        others_equal, others_disc = split_cents(others_part, [spec.others_split["equal"], spec.others_split["discretionary"]])
        departments: dict[str, list[PayContext]] = defaultdict(list)
        for person in others:
            departments[str(person.names.get("department") or "")].append(person)
        names = sorted(departments)
        if names:
            for department, share in zip(names, split_cents(others_equal, [Decimal(1)] * len(names))):
                give(f"{pool_name}.others_equal", share, departments[department], None,
                     _("department {department}: 1/{count} of others' equal part, split among {members}",
                       department=department, count=len(names), members=len(departments[department])))
        else:
            give(f"{pool_name}.others_equal", others_equal, [], None, "")
        explicit = _allocation(allocations, pool_name, "others_discretionary", others_disc, others, by_id, problems)
        if explicit is not None:
            give(f"{pool_name}.others_discretionary", others_disc, [by_id[k] for k in explicit], list(explicit.values()),
                 _("explicit allocation by the gm"))
        else:
            give(f"{pool_name}.others_discretionary", others_disc, [], None, "")

    # -- consulting department reward ------------------------------------------------------
    consult = facts.get("consulting") or {}
    consulting_pool = ZERO
    if consult:
        if not isinstance(consult, Mapping):
            problems.append(("facts.consulting", _("expected a mapping")))
        elif consult.get("target_met") is True:
            saving = f.number(("consulting", "budget")) - f.number(("consulting", "actual_cost"))
            profit_c = f.number(("consulting", "profit"), minimum=None)
            consulting_pool = round_money(max(ZERO, saving) * spec.consulting_saving_rate / ONE_HUNDRED
                                          + max(ZERO, profit_c) * spec.consulting_profit_rate / ONE_HUNDRED)
            pool_notes["consulting"] = _("max(0, {saving}) × {saving_rate}% + {profit} × {profit_rate}% = {pool}",
                                         saving=fmt(saving), saving_rate=fmt(spec.consulting_saving_rate),
                                         profit=fmt(profit_c), profit_rate=fmt(spec.consulting_profit_rate),
                                         pool=fmt(consulting_pool, 2))
        elif consult.get("target_met") not in (False, None):
            problems.append(("facts.consulting.target_met", _("expected true or false (got {value})",
                                                              value=repr(consult.get("target_met")))))
    give("consulting", consulting_pool, consulting, None,
         _("equal share among {count} consulting staff", count=len(consulting)))

    # -- per person: installments, resignation, dismissal ----------------------------------
    forfeited: dict[str, Decimal] = {}
    for person in people:
        pid = person.result.id
        result = person.result
        for pool_name, note in pool_notes.items():
            result.add("pay", pool_name, None, _("pool {pool}: {note}", pool=pool_name, note=note))
        for part, share, reason in reasons[pid]:
            result.add("pay", part, share, reason)
        components = dict(parts[pid])
        gross = sum(components.values(), ZERO)
        status = str(person.names.get("status") or "active")
        plan = installments(gross, spec.installments)
        lost = ZERO
        if status == "resigned":
            before = person.names.get("resigned_before_installment")
            if before is None:
                problems.append((person.path, _("subject {subject} resigned: attribute resigned_before_installment "
                                                "(1–{count}) is required", subject=repr(pid), count=spec.installments)))
                continue
            kept = int(before) - 1
            lost = sum(plan[kept:], ZERO)
            plan = plan[:kept]
            result.add("pay", "forfeited", lost, _("resigned before installment {before}: installments {before}–{count} "
                                                   "forfeited ({lost})", before=int(before), count=spec.installments,
                                                   lost=fmt(lost, 2)))
        elif status == "dismissed":
            kept_parts = sum((v for k, v in components.items() if k in EQUAL_PARTS), ZERO)
            lost = gross - kept_parts
            plan = [kept_parts]
            result.add("pay", "forfeited", lost, _("dismissed: settled at once with the equal-split parts only ({kept}); "
                                                   "{lost} forfeited", kept=fmt(kept_parts, 2), lost=fmt(lost, 2)))
        amount = sum(plan, ZERO)
        if lost:
            forfeited[pid] = lost
        result.pay = Pay(amount, components, installments=plan, forfeited=lost)
        result.add("pay", "amount", amount, _("year-end money {gross} in {count} installments ({plan}); receives {amount}",
                                              gross=fmt(gross, 2), count=spec.installments,
                                              plan=", ".join(fmt(x, 2) or "" for x in installments(gross, spec.installments)),
                                              amount=fmt(amount, 2)))
    return unallocated, forfeited, problems


def _allocation(allocations: Any, pool: str, part: str, amount: Decimal, eligible: Sequence[PayContext],
                by_id: Mapping[str, PayContext], problems: list[tuple[str, Any]]) -> dict[str, Decimal] | None:
    """Explicit allocations of a discretionary part: {subject id: amount}, summing exactly to it."""
    if not isinstance(allocations, Mapping):
        problems.append(("facts.allocations", _("expected a mapping")))
        return None
    per_pool = allocations.get(pool) or {}
    given = per_pool.get(part) if isinstance(per_pool, Mapping) else None
    if not given:
        return None
    where = f"facts.allocations.{pool}.{part}"
    allowed = {p.result.id for p in eligible}
    out: dict[str, Decimal] = {}
    total = ZERO  # of every amount given (those to nobody or to the ineligible too: they are problems)
    for subject_id, value in given.items():
        key = str(subject_id)
        receives = key in by_id and key in allowed
        if key not in by_id:
            problems.append((f"{where}.{key}", _("no such subject")))
        elif key not in allowed:
            problems.append((f"{where}.{key}", _("subject {subject} may not receive this part (eligible: {eligible})",
                                                 subject=repr(key), eligible=", ".join(sorted(allowed)) or _("nobody"))))
        try:
            money = D(value)
        except (TypeError, ValueError) as exc:
            problems.append((f"{where}.{key}", exc.args[0]))
            continue
        if money < 0 or money != round_money(money):
            problems.append((f"{where}.{key}", _("an amount in whole cents, not negative (got {money})", money=str(money))))
        total += money
        if receives:
            out[key] = money
    if total != amount:
        problems.append((where, _("allocations sum to {total}, but the part is {amount}", total=fmt(total, 2),
                                  amount=fmt(amount, 2))))
    return dict(sorted(out.items()))
