"""Shopper use cases: open a group, join one (with the deal's overflow policy), leave."""

from __future__ import annotations

from dataclasses import dataclass

from pintuan.catalog.store import StockLevelRow
from pintuan.core import timers
from pintuan.core.errors import Conflict, NotFound, ValidationFailed
from pintuan.core.ids import new_id, new_token
from pintuan.core.tx import Tx
from pintuan.groupbuy import deals, store
from pintuan.groupbuy.lifecycle import DEADLINE_TIMER, KIND, Loaded, commit_change, emit, load
from pintuan.groupbuy.model import GroupStatus, Overflow
from pintuan.groupbuy.store import DealRow, GroupRow
from pintuan.orders import service as orders
from pintuan.orders.service import LineSpec
from pintuan.orders.store import OrderRow

FULL_OR_CLOSED = ("group_full", "group_closed")


@dataclass(frozen=True)
class Joined:
    group: GroupRow
    order: OrderRow
    member_id: str
    redirected_from: str | None = None


def _check_quantity(deal: DealRow, quantity: int) -> None:
    if not 1 <= quantity <= deal.per_order_limit:
        raise ValidationFailed(f"quantity must be 1-{deal.per_order_limit} for this deal",
                               code="bad_quantity")


def _claim(tx: Tx, loaded: Loaded, *, shopper_id: str, quantity: int) -> Joined:
    """Hold a seat, the deal's quota, the shopper's allowance and the stock, in one go."""
    deal = loaded.deal
    member = loaded.group.claim_seat(member_id=new_id("mem"), shopper_id=shopper_id,
                                     quantity=quantity, now=tx.now())
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
                                  leader=member.is_leader))])
    member.order_id = order.id
    commit_change(tx, loaded, reason="joined")
    return Joined(group=loaded.row, order=order, member_id=member.id)


def open_group(tx: Tx, *, merchant_id: str, shopper_id: str, deal_id: str,
               quantity: int) -> Joined:
    deal = deals.get(tx, merchant_id=merchant_id, deal_id=deal_id)
    deals.check_live(deal, tx.now())
    _check_quantity(deal, quantity)
    now = tx.now()
    row = GroupRow(id=new_id("grp"), merchant_id=merchant_id, deal_id=deal.id,
                   share_token=new_token(16), status=GroupStatus.OPEN.value,
                   size=deal.team_size, virtual_fill_min_paid=deal.virtual_fill_min_paid,
                   opened_at=now, deadline_at=store.terms(deal).deadline_for(now))
    store.add(tx, row)
    tx.session.flush()
    timers.schedule(tx, kind=DEADLINE_TIMER, ref=row.id, due_at=row.deadline_at)
    joined = _claim(tx, load(tx, row.id), shopper_id=shopper_id, quantity=quantity)
    emit(tx, joined.group, "group.opened")
    return joined


def resolve(tx: Tx, *, merchant_id: str, group_ref: str) -> GroupRow:
    """A group by id or by share token, within one merchant."""
    row = (store.get_group(tx, group_ref, merchant_id=merchant_id) if group_ref.startswith("grp_")
           else store.group_by_token(tx, group_ref))
    if row is None or row.merchant_id != merchant_id:
        raise NotFound("no such group", code="group_not_found")
    return row


def join_group(tx: Tx, *, merchant_id: str, shopper_id: str, group_ref: str,
               quantity: int) -> Joined:
    target = resolve(tx, merchant_id=merchant_id, group_ref=group_ref)
    loaded = load(tx, target.id)
    deals.check_live(loaded.deal, tx.now())
    _check_quantity(loaded.deal, quantity)
    try:
        return _claim(tx, loaded, shopper_id=shopper_id, quantity=quantity)
    except Conflict as exc:
        if exc.code not in FULL_OR_CLOSED:
            raise
        policy = Overflow(loaded.deal.overflow)
        if policy is Overflow.REJECT:
            raise
        joined = _overflow(tx, loaded, policy, shopper_id=shopper_id, quantity=quantity)
        if joined is None:
            raise
        return joined


def _overflow(tx: Tx, full: Loaded, policy: Overflow, *, shopper_id: str,
              quantity: int) -> Joined | None:
    deal = full.deal
    for candidate in store.joinable_groups(tx, deal.id, tx.now(), exclude=full.row.id, limit=5):
        other = load(tx, candidate.id)
        if other.group.seat_of(shopper_id) is not None:
            continue
        joined = _claim(tx, other, shopper_id=shopper_id, quantity=quantity)
        return Joined(group=joined.group, order=joined.order, member_id=joined.member_id,
                      redirected_from=full.row.id)
    if policy is Overflow.OPEN_NEW:
        opened = open_group(tx, merchant_id=deal.merchant_id, shopper_id=shopper_id,
                            deal_id=deal.id, quantity=quantity)
        return Joined(group=opened.group, order=opened.order, member_id=opened.member_id,
                      redirected_from=full.row.id)
    return None


def leave_group(tx: Tx, *, merchant_id: str, shopper_id: str, group_ref: str) -> GroupRow:
    """Leave an open group: an unpaid seat is let go, a paid one refunded; the leadership
    passes to the next member."""
    target = resolve(tx, merchant_id=merchant_id, group_ref=group_ref)
    loaded = load(tx, target.id)
    member = loaded.group.seat_of(shopper_id)
    if member is None:
        raise Conflict("you are not in this group", code="not_a_member")
    loaded.group.leave(member.id, tx.now())
    commit_change(tx, loaded, reason="left")
    return loaded.row
