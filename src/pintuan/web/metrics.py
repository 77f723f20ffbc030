"""The dashboard's figures, from real queries over orders, groups, members and page views.

Like a capability's ``store.py``, this is the only place these statements live. Days are UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select

from pintuan.catalog.store import ProductRow, SkuRow
from pintuan.core.tx import Tx
from pintuan.groupbuy.store import GroupRow, MemberRow
from pintuan.orders.store import OrderLineRow, OrderRow
from pintuan.web.store import DealViewRow


@dataclass(frozen=True)
class Day:
    day: str
    gmv_minor: int
    orders: int


@dataclass(frozen=True)
class GroupStats:
    opened: int
    completed: int
    failed: int
    avg_fill_seconds: float | None

    @property
    def success_rate(self) -> float | None:
        closed = self.completed + self.failed
        return None if closed == 0 else self.completed / closed


@dataclass(frozen=True)
class Funnel:
    """Each step counts within the period, and every later step is part of the one before
    it where the data allows: a seat is any shopper's place in a group (leaders and joiners
    alike), and a paid seat is one of those seats that was paid."""

    views: int
    groups_opened: int
    seats: int
    paid: int


@dataclass(frozen=True)
class TopProduct:
    product_id: str
    title: str
    units: int
    revenue_minor: int


def _day(tx: Tx, col: Any) -> ColumnElement[str]:
    if tx.dialect == "postgresql":
        return func.to_char(func.timezone("UTC", col), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", col)


def days(since: datetime, until: datetime) -> list[str]:
    first = since.date()
    return [(first + timedelta(days=i)).isoformat()
            for i in range((until.date() - first).days + 1)]


def daily_sales(tx: Tx, merchant_id: str, since: datetime) -> list[Day]:
    """Paid orders and money kept (captured less refunded) per day paid, zero-filled."""
    day = _day(tx, OrderRow.paid_at)
    stmt = (select(day.label("day"),
                   func.sum(OrderRow.captured_minor - OrderRow.refunded_minor).label("gmv"),
                   func.count().label("n"))
            .where(OrderRow.merchant_id == merchant_id, OrderRow.paid_at >= since)
            .group_by(day))
    found = {r.day: (int(r.gmv or 0), int(r.n)) for r in tx.session.execute(stmt)}
    return [Day(d, *found.get(d, (0, 0))) for d in days(since, tx.now())]


def _fill_seconds(tx: Tx) -> ColumnElement[float]:
    if tx.dialect == "postgresql":
        return func.extract("epoch", GroupRow.closed_at - GroupRow.opened_at)  # type: ignore[return-value]
    return (func.julianday(GroupRow.closed_at) - func.julianday(GroupRow.opened_at)) * 86400.0


def group_stats(tx: Tx, merchant_id: str, since: datetime) -> GroupStats:
    rows = tx.session.execute(
        select(GroupRow.status, func.count())
        .where(GroupRow.merchant_id == merchant_id, GroupRow.opened_at >= since)
        .group_by(GroupRow.status))
    counts = {str(status): int(n) for status, n in rows}
    avg = tx.session.scalar(
        select(func.avg(_fill_seconds(tx)))
        .where(GroupRow.merchant_id == merchant_id, GroupRow.opened_at >= since,
               GroupRow.status == "completed"))
    return GroupStats(opened=sum(counts.values()), completed=counts.get("completed", 0),
                      failed=counts.get("failed", 0),
                      avg_fill_seconds=None if avg is None else float(avg))


def funnel(tx: Tx, merchant_id: str, since: datetime) -> Funnel:
    views = tx.session.scalar(
        select(func.coalesce(func.sum(DealViewRow.views), 0))
        .where(DealViewRow.merchant_id == merchant_id,
               DealViewRow.day >= since.date().isoformat()))
    opened = tx.session.scalar(
        select(func.count()).select_from(GroupRow)
        .where(GroupRow.merchant_id == merchant_id, GroupRow.opened_at >= since))
    seats = (MemberRow.merchant_id == merchant_id, MemberRow.shopper_id.is_not(None),
             MemberRow.joined_at >= since)
    taken = tx.session.scalar(select(func.count()).select_from(MemberRow).where(*seats))
    paid = tx.session.scalar(select(func.count()).select_from(MemberRow)
                             .where(*seats, MemberRow.paid_at.is_not(None)))
    return Funnel(views=int(views or 0), groups_opened=int(opened or 0), seats=int(taken or 0),
                  paid=int(paid or 0))


def top_products(tx: Tx, merchant_id: str, since: datetime, *, limit: int = 5) -> list[TopProduct]:
    """Products by money taken on paid orders (refunds not subtracted), best first."""
    revenue = func.sum(OrderLineRow.total_minor).label("revenue")
    stmt = (select(ProductRow.id, ProductRow.title,
                   func.sum(OrderLineRow.quantity).label("units"), revenue)
            .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
            .join(SkuRow, SkuRow.id == OrderLineRow.sku_id)
            .join(ProductRow, ProductRow.id == SkuRow.product_id)
            .where(OrderRow.merchant_id == merchant_id, OrderRow.paid_at >= since)
            .group_by(ProductRow.id, ProductRow.title)
            .order_by(revenue.desc(), ProductRow.id)
            .limit(limit))
    return [TopProduct(r.id, r.title, int(r.units), int(r.revenue))
            for r in tx.session.execute(stmt)]
