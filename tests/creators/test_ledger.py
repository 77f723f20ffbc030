"""The commission ledger as pure rules, checked by Hypothesis after every step: for any
sequence of orders, partial refunds, returns, replays, holds and payouts, each commission is
the rate card applied to the net paid amount, every change is an entry, and payouts never
exceed what was payable."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, precondition, rule

from pintuan.core.errors import Conflict, ValidationFailed
from pintuan.creators.ledger import (
    TRANSITIONS,
    Card,
    Commission,
    Part,
    Rate,
    RateKind,
    State,
    allocate,
    check_payout,
    newer,
    payable_balance,
    pick_card,
    worth,
)

rates = st.one_of(
    st.builds(Rate, st.just(RateKind.PERCENT), st.integers(0, 10_000)),
    st.builds(lambda f: Rate(RateKind.FIXED, 0, f), st.integers(0, 50_000)))
parts = st.lists(st.builds(Part, st.integers(1, 200_000), st.integers(1, 5), rates),
                 min_size=1, max_size=4)


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**6), min_size=1, max_size=8))
def test_allocation_sums_exactly(amount, weights):
    shares = allocate(amount, weights)
    assert sum(shares) == (amount if sum(weights) else 0)
    assert all(s >= 0 for s in shares)


@given(parts, st.integers(1, 10**7), st.data())
def test_worth_grows_with_the_net_and_never_exceeds_it(items, captured, data):
    low = data.draw(st.integers(0, captured))
    high = data.draw(st.integers(low, captured))
    # up to one minor unit of rounding per line
    assert 0 <= worth(items, captured=captured, net=low) <= worth(
        items, captured=captured, net=high) + len(items)
    assert worth(items, captured=captured, net=high) <= high


@given(st.integers(0, 10**8), st.integers(0, 10_000))
def test_a_single_percent_line_is_the_rate_rounded_half_up(net, bps):
    got = worth([Part(net or 1, 1, Rate(RateKind.PERCENT, bps))], captured=max(net, 1), net=net)
    assert got == (net * bps + 5_000) // 10_000


def test_rates_outside_0_to_100_percent_are_refused():
    for kind, bps, fixed in ((RateKind.PERCENT, -1, 0), (RateKind.PERCENT, 10_001, 0),
                             (RateKind.FIXED, 0, -1), (RateKind.PERCENT, 5, 5)):
        with pytest.raises(ValidationFailed):
            Rate(kind, bps, fixed)


def test_the_most_targeted_card_wins():
    ten, twenty = Rate(RateKind.PERCENT, 1000), Rate(RateKind.PERCENT, 2000)
    cards = [Card("c1", ten), Card("c2", twenty, product_id="p1"),
             Card("c3", twenty, creator_id="cr1"), Card("c4", ten, "cr1", "p1"),
             Card("c5", twenty, creator_id="cr2")]
    assert pick_card(cards, creator_id="cr1", product_id="p1").id == "c4"
    assert pick_card(cards, creator_id="cr1", product_id="p2").id == "c3"
    assert pick_card(cards, creator_id="cr3", product_id="p1").id == "c2"
    assert pick_card(cards, creator_id="cr3", product_id="p9").id == "c1"
    assert pick_card(cards[4:], creator_id="cr3", product_id="p9") is None


class LedgerMachine(RuleBasedStateMachine):
    """One creator's commissions over many orders, and the payouts made to them."""

    orders = Bundle("orders")

    def __init__(self) -> None:
        super().__init__()
        self.books: dict[int, dict] = {}
        self.paid_out = 0

    @rule(target=orders, items=parts, discount=st.integers(0, 50))
    def pay(self, items, discount):
        total = sum(p.weight for p in items)
        captured = total - total * discount // 100
        key = len(self.books)
        com = Commission(parts=tuple(items))
        com.observe(captured=captured, refunded=0)
        self.books[key] = {"com": com, "captured": captured, "refunded": 0,
                           "seen": [(captured, 0)]}
        return key

    @rule(key=orders, share=st.integers(1, 100))
    def refund(self, key, share):
        book = self.books[key]
        left = book["captured"] - book["refunded"]
        assume(left > 0)
        book["refunded"] += max(1, left * share // 100)
        book["com"].observe(captured=book["captured"], refunded=book["refunded"])
        book["seen"].append((book["captured"], book["refunded"]))

    @rule(key=orders, data=st.data())
    def replay_an_old_event(self, key, data):
        book = self.books[key]
        old = data.draw(st.sampled_from(book["seen"]))
        before = list(book["com"].entries)
        assert book["com"].observe(captured=old[0], refunded=old[1]) == 0
        assert book["com"].entries == before

    @rule(key=orders)
    def holding_period_ends(self, key):
        com = self.books[key]["com"]
        if com.state is State.PENDING:
            com.void() if com.total == 0 else com.move(State.PAYABLE)

    @rule(key=orders)
    def fraud_hold(self, key):
        com = self.books[key]["com"]
        if State.HELD in TRANSITIONS[com.state]:
            com.move(State.HELD)

    @rule(key=orders, void=st.booleans())
    def merchant_decides(self, key, void):
        com = self.books[key]["com"]
        if com.state is State.HELD:
            com.void() if void else com.move(State.PENDING)

    @rule(amount=st.integers(-10, 10**6))
    def payout(self, amount):
        balance = payable_balance([b["com"] for b in self.books.values()], self.paid_out)
        try:
            check_payout(amount, balance)
        except (Conflict, ValidationFailed):
            assert amount <= 0 or amount > balance
            return
        assert 0 < amount <= balance
        self.paid_out += amount
        for b in self.books.values():
            if b["com"].state is State.PAYABLE:
                b["com"].move(State.PAID)

    @precondition(lambda self: self.books)
    @invariant()
    def each_commission_is_the_rate_on_the_net_paid(self):
        for book in self.books.values():
            com = book["com"]
            net = book["captured"] - book["refunded"]
            expected = 0 if com.state is State.VOIDED else worth(
                com.parts, captured=book["captured"], net=net)
            assert com.total == sum(com.entries) == expected
            assert 0 <= com.total <= net
            assert com.seen == (book["captured"], book["refunded"])

    @invariant()
    def payouts_are_accounted_for(self):
        earned = sum(b["com"].total for b in self.books.values()
                     if b["com"].state in (State.PAYABLE, State.PAID))
        balance = payable_balance([b["com"] for b in self.books.values()], self.paid_out)
        assert balance == earned - self.paid_out


TestLedger = LedgerMachine.TestCase
TestLedger.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)


def test_an_observation_is_newer_only_when_money_moved_forward():
    assert newer((0, 0), 100, 0)
    assert newer((100, 0), 100, 30)
    assert not newer((100, 30), 100, 30)
    assert not newer((100, 30), 100, 0)
