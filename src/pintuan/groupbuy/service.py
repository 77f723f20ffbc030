"""Shopper use cases: open a group, join one (with the deal's overflow policy), leave."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from pintuan.catalog.store import StockLevelRow
from pintuan.core import timers
from pintuan.core.errors import Conflict, NotFound, ValidationFailed
from pintuan.core.ids import new_id, new_token
from pintuan.core.tx import Tx
from pintuan.groupbuy import deals, store
from pintuan.groupbuy.lifecycle import (
    DEADLINE_TIMER,
    KIND,
    Loaded,
    commit_change,
    emit,
    load,
    load_locked,
    loaded_new,
)
from pintuan.groupbuy.model import GroupStatus, Overflow
from pintuan.groupbuy.store import DealRow, GroupRow, MemberRow
from pintuan.orders import service as orders
from pintuan.orders.service import LineSpec
from pintuan.orders.store import OrderRow

FULL_OR_CLOSED = ("group_full", "group_closed")


@dataclass(frozen=True)
class Joined:
    group: GroupRow
    members: list[MemberRow]
    order: OrderRow
    member_id: str
    redirected_from: str | None = None


def _check_quantity(deal: DealRow, quantity: int) -> None:
    if not 1 <= quantity <= deal.per_order_limit:
        raise ValidationFailed(f"quantity must be 1-{deal.per_order_limit} for this deal",
                               code="bad_quantity")


def _claim(tx: Tx, loaded: Loaded, *, shopper_id: str, quantity: int,
           context: Mapping[str, str] | None = None) -> Joined:
    """Hold a seat, the deal's quota, the shopper's allowance and the stock, in one go.

    The seat is decided on the locked group first; the rows every joiner of the deal shares
    (quota, then usage, then stock) are claimed at the end, through ``before_stock``, so
    their locks are held as briefly as possible. A failed claim rolls the whole join back.
    """
    deal = loaded.deal
    member = loaded.group.claim_seat(member_id=new_id("mem"), shopper_id=shopper_id,
                                     quantity=quantity, now=tx.now())

    def claim_shared(order: OrderRow) -> None:
        member.order_id = order.id
        commit_change(tx, loaded, reason="joined")
        if not store.take_quota(tx, deal.id, quantity):
            raise Conflict("this deal is sold out", code="deal_sold_out")
        if not store.take_usage(tx, deal.id, shopper_id, quantity, deal.per_shopper_limit):
            raise Conflict(f"at most {deal.per_shopper_limit} per shopper in this deal",
                           code="shopper_limit_exceeded")

    level = tx.session.get(StockLevelRow, deal.stock_level_id)
    assert level is not None
    order = orders.create(tx, merchant_id=deal.merchant_id, shopper_id=shopper_id, kind=KIND,
                          ref=loaded.row.id, currency=deal.currency, lines=[LineSpec(
                              level=level, quantity=quantity,
                              list_price_minor=deal.list_price_minor,
                              unit_price_minor=store.terms(deal).price_for(
                                  leader=member.is_leader))],
                          context=context, before_stock=claim_shared)
    return Joined(group=loaded.row, members=loaded.member_rows, order=order,
                  member_id=member.id)


def open_group(tx: Tx, *, merchant_id: str, shopper_id: str, deal_id: str,
               quantity: int, context: Mapping[str, str] | None = None) -> Joined:
    deal = deals.get(tx, merchant_id=merchant_id, deal_id=deal_id)
    deals.check_live(deal, tx.now())
    _check_quantity(deal, quantity)
    now = tx.now()
    row = GroupRow(id=new_id("grp"), merchant_id=merchant_id, deal_id=deal.id,
                   share_token=new_token(16), status=GroupStatus.OPEN.value,
                   size=deal.team_size, virtual_fill_min_paid=deal.virtual_fill_min_paid,
                   opened_at=now, deadline_at=store.terms(deal).deadline_for(now))
    store.add(tx, row)
    timers.schedule(tx, kind=DEADLINE_TIMER, ref=row.id, due_at=row.deadline_at)
    joined = _claim(tx, loaded_new(row, deal), shopper_id=shopper_id, quantity=quantity,
                    context=context)
    emit(tx, joined.group, "group.opened")
    return joined


def resolve(tx: Tx, *, merchant_id: str, group_ref: str, lock: bool = False) -> GroupRow:
    """A group by id or by share token, within one merchant; locked when asked."""
    row = (store.get_group(tx, group_ref, merchant_id=merchant_id, lock=lock)
           if group_ref.startswith("grp_") else store.group_by_token(tx, group_ref, lock=lock))
    if row is None or row.merchant_id != merchant_id:
        raise NotFound("no such group", code="group_not_found")
    return row


def join_group(tx: Tx, *, merchant_id: str, shopper_id: str, group_ref: str,
               quantity: int, context: Mapping[str, str] | None = None) -> Joined:
    loaded = load_locked(tx, resolve(tx, merchant_id=merchant_id, group_ref=group_ref,
                                     lock=True))
    deals.check_live(loaded.deal, tx.now())
    _check_quantity(loaded.deal, quantity)
    try:
        return _claim(tx, loaded, shopper_id=shopper_id, quantity=quantity, context=context)
    except Conflict as exc:
        if exc.code not in FULL_OR_CLOSED:
            raise
        policy = Overflow(loaded.deal.overflow)
        if policy is Overflow.REJECT:
            raise
        joined = _overflow(tx, loaded, policy, shopper_id=shopper_id, quantity=quantity,
                           context=context)
        if joined is None:
            raise
        return joined


def _overflow(tx: Tx, full: Loaded, policy: Overflow, *, shopper_id: str,
              quantity: int, context: Mapping[str, str] | None) -> Joined | None:
    deal = full.deal
    for candidate in store.joinable_groups(tx, deal.id, tx.now(), exclude=full.row.id, limit=5):
        other = load(tx, candidate.id)
        if other.group.seat_of(shopper_id) is not None:
            continue
        joined = _claim(tx, other, shopper_id=shopper_id, quantity=quantity, context=context)
        return replace(joined, redirected_from=full.row.id)
    if policy is Overflow.OPEN_NEW:
        opened = open_group(tx, merchant_id=deal.merchant_id, shopper_id=shopper_id,
                            deal_id=deal.id, quantity=quantity, context=context)
        return replace(opened, redirected_from=full.row.id)
    return None


def leave_group(tx: Tx, *, merchant_id: str, shopper_id: str, group_ref: str) -> GroupRow:
    """Leave an open group: an unpaid seat is let go, a paid one refunded; the leadership
    passes to the next member."""
    loaded = load_locked(tx, resolve(tx, merchant_id=merchant_id, group_ref=group_ref,
                                     lock=True))
    member = loaded.group.seat_of(shopper_id)
    if member is None:
        raise Conflict("you are not in this group", code="not_a_member")
    loaded.group.leave(member.id, tx.now())
    commit_change(tx, loaded, reason="left")
    return loaded.row
