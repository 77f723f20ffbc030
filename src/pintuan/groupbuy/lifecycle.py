"""What follows a change to a group: orders cancelled or confirmed, money refunded, quota and
per-shopper usage given back, events written. Also the deadline timer and the order hooks.

Every change runs with the group locked: load the aggregate, let the model decide, then
``commit_change`` diffs member states and carries out the consequences.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from pintuan.core import outbox, timers
from pintuan.core.ids import new_id
from pintuan.core.tx import Tx
from pintuan.groupbuy import store
from pintuan.groupbuy.model import Group, GroupStatus, MemberStatus, PayOutcome
from pintuan.groupbuy.store import DealRow, GroupRow, MemberRow
from pintuan.orders import service as orders
from pintuan.orders.model import OrderStatus
from pintuan.orders.store import OrderRow
from pintuan.payments import service as payments

KIND = "groupbuy"
DEADLINE_TIMER = "group.deadline"


@dataclass
class Loaded:
    """A group locked for change, with its rows and its model."""

    row: GroupRow
    member_rows: list[MemberRow]
    group: Group
    deal: DealRow
    before: dict[str, MemberStatus]
    status_before: GroupStatus


def load(tx: Tx, group_id: str) -> Loaded:
    row = store.get_group(tx, group_id, lock=True)
    assert row is not None
    return load_locked(tx, row)


def load_locked(tx: Tx, row: GroupRow) -> Loaded:
    """The aggregate of a group row this transaction has locked."""
    deal = store.get_deal(tx, row.deal_id)
    assert deal is not None
    return _loaded(row, store.members(tx, row.id), deal)


def loaded_new(row: GroupRow, deal: DealRow) -> Loaded:
    """The aggregate of a group opened in this transaction: no members yet, nobody else
    can see it."""
    return _loaded(row, [], deal)


def _loaded(row: GroupRow, member_rows: list[MemberRow], deal: DealRow) -> Loaded:
    group = store.to_model(row, member_rows)
    return Loaded(row=row, member_rows=member_rows, group=group, deal=deal,
                  before={m.id: m.status for m in group.members},
                  status_before=group.status)


def group_data(row: GroupRow) -> dict[str, object]:
    return {"id": row.id, "deal_id": row.deal_id, "status": row.status, "size": row.size,
            "seats_taken": row.seats_taken, "paid_count": row.paid_count,
            "deadline_at": row.deadline_at.isoformat()}


def emit(tx: Tx, row: GroupRow, type: str, **extra: object) -> None:
    outbox.emit(tx, merchant_id=row.merchant_id, type=type,
                data={"group": group_data(row), **extra})


def commit_change(tx: Tx, loaded: Loaded, *, reason: str) -> None:
    """Persist the aggregate and carry out what its member transitions mean."""
    store.save(tx, loaded.row, loaded.member_rows, loaded.group)
    released = [m for m in loaded.group.members
                if loaded.before.get(m.id) is MemberStatus.HELD
                and m.status is MemberStatus.RELEASED]
    refunded = [m for m in loaded.group.members
                if loaded.before.get(m.id) is MemberStatus.PAID
                and m.status is MemberStatus.REFUNDED]
    gone = released + refunded
    if gone:
        store.return_quota(tx, loaded.deal.id, sum(m.quantity for m in gone))
        per_shopper = Counter[str]()
        for m in gone:
            assert m.shopper_id is not None
            per_shopper[m.shopper_id] += m.quantity
        for shopper_id in sorted(per_shopper):
            store.return_usage(tx, loaded.deal.id, shopper_id, per_shopper[shopper_id])
    for m in sorted(released, key=lambda m: m.order_id or ""):
        assert m.order_id is not None
        order = orders.lock(tx, m.order_id)
        if order.status == OrderStatus.PENDING_PAYMENT.value:
            orders.cancel(tx, order, reason=reason)
        emit(tx, loaded.row, "group.member_released", member_id=m.id, reason=reason)
    for m in sorted(refunded, key=lambda m: m.order_id or ""):
        assert m.order_id is not None
        order = orders.lock(tx, m.order_id)
        orders.release_unsold(tx, order, reason=reason)
        payments.refund_remaining(tx, order=order, reason=reason)
        emit(tx, loaded.row, "group.member_refunded", member_id=m.id, reason=reason)
    _close_if_done(tx, loaded)


def _close_if_done(tx: Tx, loaded: Loaded) -> None:
    group = loaded.group
    if loaded.status_before is not GroupStatus.OPEN or group.status is GroupStatus.OPEN:
        return
    timers.cancel(tx, kind=DEADLINE_TIMER, ref=group.id)
    if group.status is GroupStatus.COMPLETED:
        for m in group.members:
            if m.status is MemberStatus.PAID and m.order_id is not None:
                order = orders.lock(tx, m.order_id)
                if order.status == OrderStatus.PAID.value:
                    orders.confirm(tx, order)
        virtual = sum(1 for m in group.members if m.status is MemberStatus.VIRTUAL)
        emit(tx, loaded.row, "group.completed", virtual_seats=virtual)
    else:
        emit(tx, loaded.row, "group.failed")


def settle(tx: Tx, group_id: str) -> None:
    """Deadline timer: complete by virtual fill where allowed, else fail and refund."""
    loaded = load(tx, group_id)
    ids = [new_id("mem") for _ in range(loaded.group.size)]
    if loaded.group.settle(tx.now(), new_member_id=ids):
        completed = loaded.group.status is GroupStatus.COMPLETED
        commit_change(tx, loaded, reason="group_completed" if completed else "group_failed")


class GroupbuyHooks:
    """How orders of kind ``groupbuy`` tell their group about payment and cancellation."""

    def lock_scope(self, tx: Tx, order: OrderRow) -> None:
        group_id = store.group_of_order(tx, order.id)
        if group_id is not None:
            store.get_group(tx, group_id, lock=True)

    def on_paid(self, tx: Tx, order: OrderRow) -> None:
        group_id = store.group_of_order(tx, order.id)
        assert group_id is not None
        loaded = load(tx, group_id)
        member = loaded.group.member_for_order(order.id)
        assert member is not None
        outcome = loaded.group.pay(member.id, tx.now())
        if outcome is PayOutcome.REFUND:
            # Cannot happen while a held seat and a pending order go together; if it ever
            # does, the shopper's money goes straight back rather than being kept.
            orders.release_unsold(tx, order, reason="seat_lost")
            payments.refund_remaining(tx, order=order, reason="seat_lost")
            return
        commit_change(tx, loaded, reason="paid")
        emit(tx, loaded.row, "group.member_paid", member_id=member.id)

    def on_cancelled(self, tx: Tx, found: Sequence[OrderRow]) -> None:
        for order in found:  # one at a time: each order's scope is its group, locked first
            group_id = store.group_of_order(tx, order.id)
            assert group_id is not None
            loaded = load(tx, group_id)
            member = loaded.group.member_for_order(order.id)
            if member is not None and loaded.group.release(member.id, tx.now()):
                commit_change(tx, loaded, reason=order.cancel_reason or "cancelled")

    def on_refunded(self, tx: Tx, order: OrderRow, amount_minor: int) -> None:
        """A refund after the group closed changes no seat; the order records it."""


orders.register_kind(KIND, GroupbuyHooks())
