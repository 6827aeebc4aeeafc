"""The engine against its reference (the engine as it was before the fast path, frozen in
tests/reference): every preset's example and 10,000 generated subjects per preset give identical
results — totals, grades, ranks, flags, pay and the breakdown text — or identical problems."""

from __future__ import annotations

import pytest

import reference
from differential import generate
from perfcore import InputError, evaluate, load_preset
from perfcore.yamlio import load_document

from conftest import EXAMPLES

GENERATED = 10_000


def outcome(engine, scheme, data):
    try:
        return engine(scheme, data).to_dict()
    except InputError as exc:
        return ("problems", [str(p) for p in exc.problems])


def examples():
    """(scheme id, example file) of every shipped example."""
    return [(load_document(path).data.get("scheme") or path.stem, path) for path in sorted(EXAMPLES.glob("*.yaml"))]


@pytest.mark.parametrize(("scheme_id", "path"), examples(), ids=[p.stem for _s, p in examples()])
def test_examples_identical(scheme_id, path):
    """The shipped example: the fast path equals the reference, number for number and word for word."""
    scheme = load_preset(scheme_id)
    data = load_document(path).data
    assert outcome(evaluate, scheme, data) == outcome(reference.evaluate, scheme, data)


@pytest.mark.parametrize(("scheme_id", "path"), examples(), ids=[p.stem for _s, p in examples()])
def test_generated_identical(scheme_id, path):
    """10,000 subjects made from the example (other scores, events, attributes, groups): identical."""
    scheme = load_preset(scheme_id)
    data = generate(scheme, load_document(path).data, GENERATED)
    new, old = outcome(evaluate, scheme, data), outcome(reference.evaluate, scheme, data)
    if isinstance(old, tuple):  # both refuse the input, with the same problems
        assert new == old
        return
    assert not isinstance(new, tuple), new[1][:5]
    assert new.keys() == old.keys()
    for mine, theirs in zip(new["results"], old["results"]):
        assert mine == theirs, mine["id"]
    assert new == old
    scored = sum(1 for r in new["results"] if r["status"] == "scored")
    assert scored > GENERATED * 2 // 5, f"only {scored} of {GENERATED} scored: the generator makes bad input"
