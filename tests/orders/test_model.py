"""Pure tests for pintuan.orders.model: the order state machine and refund outcomes."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pintuan.core.errors import Conflict
from pintuan.orders.model import OrderStatus, check_transition, status_after_refund

S = OrderStatus

# The allowed transitions, written out independently of model.TRANSITIONS.
ALLOWED = {
    (S.PENDING_PAYMENT, S.PAID),
    (S.PENDING_PAYMENT, S.CANCELLED),
    (S.PAID, S.CONFIRMED),
    (S.PAID, S.REFUNDED),
    (S.PAID, S.PARTIALLY_REFUNDED),
    (S.CONFIRMED, S.REFUNDED),
    (S.CONFIRMED, S.PARTIALLY_REFUNDED),
    (S.PARTIALLY_REFUNDED, S.REFUNDED),
    (S.PARTIALLY_REFUNDED, S.PARTIALLY_REFUNDED),
}
ALL_PAIRS = list(itertools.product(list(OrderStatus), repeat=2))
FORBIDDEN = [p for p in ALL_PAIRS if p not in ALLOWED]


def test_statuses_are_the_documented_six():
    assert {s.value for s in OrderStatus} == {
        "pending_payment", "paid", "confirmed", "cancelled", "refunded", "partially_refunded"}


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_transitions(current, target):
    check_transition(current, target)  # does not raise


@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_forbidden_transitions(current, target):
    with pytest.raises(Conflict) as info:
        check_transition(current, target)
    assert info.value.code == "order_state_conflict"
    assert info.value.status == 409
    assert info.value.extra == {"status_now": current.value}
    assert info.value.problem()["status_now"] == current.value


@pytest.mark.parametrize("terminal", [S.CANCELLED, S.REFUNDED])
def test_terminal_states_go_nowhere(terminal):
    for target in OrderStatus:
        with pytest.raises(Conflict):
            check_transition(terminal, target)


def test_nothing_returns_to_pending_payment():
    for current in OrderStatus:
        with pytest.raises(Conflict):
            check_transition(current, S.PENDING_PAYMENT)


def test_a_paid_order_cannot_be_cancelled():
    for current in (S.PAID, S.CONFIRMED, S.PARTIALLY_REFUNDED, S.REFUNDED):
        with pytest.raises(Conflict):
            check_transition(current, S.CANCELLED)


@settings(max_examples=200, deadline=None)
@given(path=st.lists(st.sampled_from(list(OrderStatus)), max_size=12))
def test_walks_follow_the_table(path):
    """Any walk from pending_payment: each step is refused exactly when not allowed."""
    current = S.PENDING_PAYMENT
    for target in path:
        if (current, target) in ALLOWED:
            check_transition(current, target)
            current = target
        else:
            with pytest.raises(Conflict):
                check_transition(current, target)
    # wherever a walk ends, a sale that was never paid cannot be refunded
    if current in (S.PENDING_PAYMENT, S.CANCELLED):
        with pytest.raises(Conflict):
            check_transition(current, S.REFUNDED)


# --- status_after_refund -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "captured", "refunded", "expected"),
    [
        (S.PAID, 2000, 1000, S.PAID),
        (S.CONFIRMED, 2000, 1000, S.CONFIRMED),
        (S.CONFIRMED, 2000, 1001, S.PARTIALLY_REFUNDED),
        (S.PAID, 1000, 1000, S.REFUNDED),
        (S.PAID, 1000, 400, S.PARTIALLY_REFUNDED),
        (S.PAID, 1000, 1200, S.REFUNDED),
        (S.CONFIRMED, 1000, 1000, S.REFUNDED),
        (S.CONFIRMED, 1000, 1, S.PARTIALLY_REFUNDED),
        (S.PARTIALLY_REFUNDED, 1000, 999, S.PARTIALLY_REFUNDED),
        (S.PARTIALLY_REFUNDED, 1000, 1000, S.REFUNDED),
        (S.REFUNDED, 1000, 1000, S.REFUNDED),
        (S.CANCELLED, 1000, 1000, S.CANCELLED),
        (S.CANCELLED, 1000, 10, S.CANCELLED),
        (S.PENDING_PAYMENT, 1000, 1000, S.PENDING_PAYMENT),
    ],
)
def test_status_after_refund_examples(current, captured, refunded, expected):
    """The order's total is 1000 in every example."""
    assert status_after_refund(current, captured, refunded, 1000) is expected


@settings(max_examples=200, deadline=None)
@given(current=st.sampled_from([S.PAID, S.CONFIRMED, S.PARTIALLY_REFUNDED]),
       total=st.integers(min_value=1, max_value=10**9),
       extra=st.integers(min_value=0, max_value=10**9),
       refunded=st.integers(min_value=1, max_value=2 * 10**9))
def test_status_after_refund_is_reachable(current, total, extra, refunded):
    captured = total + extra
    new = status_after_refund(current, captured, refunded, total)
    if current is not S.PARTIALLY_REFUNDED and captured - refunded >= total:
        assert new is current  # only a surplus went back
    else:
        assert new is (S.REFUNDED if refunded >= captured else S.PARTIALLY_REFUNDED)
        check_transition(current, new)  # the result is always a legal move from a paid order


@settings(max_examples=200, deadline=None)
@given(current=st.sampled_from([S.CANCELLED, S.PENDING_PAYMENT]),
       captured=st.integers(min_value=0, max_value=10**9),
       refunded=st.integers(min_value=0, max_value=10**9))
def test_unsold_orders_keep_their_status_after_refund(current, captured, refunded):
    assert status_after_refund(current, captured, refunded, captured) is current
