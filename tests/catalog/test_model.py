"""Pure tests for pintuan.catalog.model: the stock ledger's counters and its invariant."""

from __future__ import annotations

from dataclasses import astuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from pintuan.catalog.model import MAX_QUANTITY, Counters, Movement, apply, check_quantity
from pintuan.core.errors import Conflict, ValidationFailed

FIELDS = ("received", "available", "reserved", "sold", "returned")

# The documented rule for each movement, written out independently of model.DELTAS.
EXPECTED_DELTAS = {
    Movement.RECEIVE: {"received": 1, "available": 1},
    Movement.RESERVE: {"available": -1, "reserved": 1},
    Movement.RELEASE: {"reserved": -1, "available": 1},
    Movement.COMMIT: {"reserved": -1, "sold": 1},
    Movement.RETURN: {"returned": 1, "available": 1},
}

quantities = st.integers(min_value=1, max_value=50)


def allowed(c: Counters, movement: Movement, n: int) -> bool:
    if movement is Movement.RESERVE:
        return c.available >= n
    if movement in (Movement.RELEASE, Movement.COMMIT):
        return c.reserved >= n
    if movement is Movement.RETURN:
        return c.sold - c.returned >= n
    return True


def expected_after(c: Counters, movement: Movement, n: int) -> Counters:
    values = {f: getattr(c, f) for f in FIELDS}
    for f, d in EXPECTED_DELTAS[movement].items():
        values[f] += d * n
    return Counters(**values)


class StockLedger(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.counters = Counters()
        # a plain tally of what went in and out, kept beside the counters
        self.units_in = 0
        self.units_sold = 0
        self.units_back = 0
        self.held = 0
        self.rejections = 0

    @rule(movement=st.sampled_from(list(Movement)), n=quantities)
    def move(self, movement: Movement, n: int) -> None:
        before = self.counters
        if allowed(before, movement, n):
            after = apply(before, movement, n)
            assert after == expected_after(before, movement, n)
            self.counters = after
            if movement is Movement.RECEIVE:
                self.units_in += n
            elif movement is Movement.RESERVE:
                self.held += n
            elif movement is Movement.RELEASE:
                self.held -= n
            elif movement is Movement.COMMIT:
                self.held -= n
                self.units_sold += n
            else:
                self.units_back += n
        else:
            with pytest.raises(Conflict) as info:
                apply(before, movement, n)
            expected_code = ("return_exceeds_sold" if movement is Movement.RETURN
                             else "insufficient_stock")
            assert info.value.code == expected_code
            assert self.counters == before  # the guard left the counters as they were
            self.rejections += 1

    @rule(movement=st.sampled_from(list(Movement)),
          n=st.one_of(st.integers(max_value=0), st.integers(min_value=MAX_QUANTITY + 1)))
    def bad_quantity(self, movement: Movement, n: int) -> None:
        before = self.counters
        with pytest.raises(ValidationFailed) as info:
            apply(before, movement, n)
        assert info.value.code == "bad_quantity"
        assert self.counters == before

    @rule(movement=st.sampled_from([Movement.RESERVE, Movement.RELEASE, Movement.COMMIT,
                                    Movement.RETURN]))
    def overdraw(self, movement: Movement) -> None:
        """Ask for one unit more than the guard allows: always refused."""
        c = self.counters
        cover = {Movement.RESERVE: c.available, Movement.RELEASE: c.reserved,
                 Movement.COMMIT: c.reserved, Movement.RETURN: c.sold - c.returned}[movement]
        if cover + 1 > MAX_QUANTITY:
            return
        with pytest.raises(Conflict):
            apply(c, movement, cover + 1)
        assert self.counters == c
        if cover >= 1:  # and exactly the cover is fine
            apply(c, movement, cover)

    @invariant()
    def balanced(self) -> None:
        c = self.counters
        assert c.balanced()
        assert min(astuple(c)) >= 0

    @invariant()
    def matches_side_tally(self) -> None:
        c = self.counters
        assert c.received == self.units_in
        assert c.reserved == self.held
        assert c.sold == self.units_sold
        assert c.returned == self.units_back
        assert c.available == self.units_in - self.held - self.units_sold + self.units_back


StockLedger.TestCase.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)
TestStockLedger = StockLedger.TestCase


@pytest.mark.parametrize("movement", list(Movement))
def test_each_movement_follows_its_rule(movement):
    start = Counters(received=10, available=5, reserved=3, sold=2, returned=0)
    assert start.balanced()
    assert apply(start, movement, 2) == expected_after(start, movement, 2)


def test_apply_does_not_mutate_its_input():
    start = Counters(received=5, available=5)
    after = apply(start, Movement.RESERVE, 3)
    assert start == Counters(received=5, available=5)
    assert after == Counters(received=5, available=2, reserved=3)


@pytest.mark.parametrize(
    ("counters", "movement", "n", "code"),
    [
        (Counters(), Movement.RESERVE, 1, "insufficient_stock"),
        (Counters(received=2, available=2), Movement.RESERVE, 3, "insufficient_stock"),
        (Counters(received=2, available=2), Movement.RELEASE, 1, "insufficient_stock"),
        (Counters(received=2, available=2), Movement.COMMIT, 1, "insufficient_stock"),
        (Counters(received=2, available=2), Movement.RETURN, 1, "return_exceeds_sold"),
        (Counters(received=2, available=0, sold=2, returned=2), Movement.RETURN, 1,
         "return_exceeds_sold"),
    ],
)
def test_guards_raise_conflict(counters, movement, n, code):
    with pytest.raises(Conflict) as info:
        apply(counters, movement, n)
    assert info.value.code == code
    assert info.value.status == 409


@pytest.mark.parametrize("n", [0, -1, MAX_QUANTITY + 1])
def test_bad_quantities_are_rejected(n):
    with pytest.raises(ValidationFailed):
        check_quantity(n)
    with pytest.raises(ValidationFailed):
        apply(Counters(), Movement.RECEIVE, n)


def test_quantity_bounds_are_inclusive():
    check_quantity(1)
    check_quantity(MAX_QUANTITY)
    assert apply(Counters(), Movement.RECEIVE, MAX_QUANTITY).received == MAX_QUANTITY


@settings(max_examples=200, deadline=None)
@given(values=st.tuples(*[st.integers(min_value=-5, max_value=20) for _ in FIELDS]))
def test_balanced_checks_the_equation_and_signs(values):
    c = Counters(*values)
    received, available, reserved, sold, returned = values
    expected = (received == available + reserved + sold - returned
                and min(values) >= 0)
    assert c.balanced() is expected


def test_unbalanced_examples():
    assert Counters().balanced()
    assert not Counters(received=1).balanced()
    assert not Counters(received=0, available=-1, reserved=1).balanced()
    assert Counters(received=3, available=2, sold=3, returned=2).balanced()
