"""The order state machine."""

from __future__ import annotations

import enum

from pintuan.core.errors import Conflict


class OrderStatus(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


S = OrderStatus
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.CONFIRMED, S.REFUNDED, S.PARTIALLY_REFUNDED}),
    S.CONFIRMED: frozenset({S.REFUNDED, S.PARTIALLY_REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.REFUNDED, S.PARTIALLY_REFUNDED}),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}


# An order that is a sale in force: paid for, and not wholly refunded.
SOLD = frozenset({S.PAID, S.CONFIRMED, S.PARTIALLY_REFUNDED})


def check_transition(current: OrderStatus, target: OrderStatus) -> None:
    if target not in TRANSITIONS[current]:
        raise Conflict(f"an order that is {current.value} cannot become {target.value}",
                       code="order_state_conflict", status_now=current.value)


def status_after_refund(current: OrderStatus, captured: int, refunded: int,
                        total: int) -> OrderStatus:
    """Where a refund leaves an order. A cancelled order keeps its status: its late payment
    was refunded, and it never was a sale. A sale that still holds its whole price keeps its
    status too: what was refunded was a surplus (a second payment of the same order)."""
    if current in (S.CANCELLED, S.PENDING_PAYMENT):
        return current
    if current in (S.PAID, S.CONFIRMED) and captured - refunded >= total:
        return current
    return S.REFUNDED if refunded >= captured else S.PARTIALLY_REFUNDED
