"""Orders and order lines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from pintuan.core.db import Base, BigInt
from pintuan.core.ids import lowest
from pintuan.core.integrity import Reference, dangling
from pintuan.core.tx import Tx


class OrderRow(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_merchant", "merchant_id", "id"),
        Index("ix_orders_shopper", "shopper_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    shopper_id: Mapped[str] = mapped_column(ForeignKey("shoppers.id"))
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str | None] = mapped_column(String(60), default=None)
    status: Mapped[str] = mapped_column(String(24))
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[BigInt]
    captured_minor: Mapped[BigInt] = mapped_column(default=0)
    refunded_minor: Mapped[BigInt] = mapped_column(default=0)
    hold_expires_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime]
    paid_at: Mapped[datetime | None] = mapped_column(default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)


class OrderLineRow(Base):
    __tablename__ = "order_lines"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(40), index=True)  # no foreign keys: 0009
    merchant_id: Mapped[str] = mapped_column(String(40))
    sku_id: Mapped[str] = mapped_column(String(40))
    stock_level_id: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[int]
    list_price_minor: Mapped[BigInt]
    unit_price_minor: Mapped[BigInt]
    total_minor: Mapped[BigInt]


def add(tx: Tx, row: Base) -> None:
    tx.session.add(row)


def get(tx: Tx, order_id: str, *, merchant_id: str | None = None,
        lock: bool = False) -> OrderRow | None:
    stmt = select(OrderRow).where(OrderRow.id == order_id)
    if merchant_id is not None:
        stmt = stmt.where(OrderRow.merchant_id == merchant_id)
    if lock:
        stmt = stmt.with_for_update()
    return tx.session.scalar(stmt.execution_options(populate_existing=True))


def lock_many(tx: Tx, order_ids: Sequence[str]) -> list[OrderRow]:
    """Orders locked in id order, so two callers never wait on each other's in opposite
    orders; fresh. For kinds whose orders have no scope to lock first (flash sales)."""
    stmt = (select(OrderRow).where(OrderRow.id.in_(order_ids)).order_by(OrderRow.id)
            .with_for_update())
    return list(tx.session.scalars(stmt.execution_options(populate_existing=True)))


def lines(tx: Tx, order_id: str) -> list[OrderLineRow]:
    stmt = select(OrderLineRow).where(OrderLineRow.order_id == order_id).order_by(OrderLineRow.id)
    return list(tx.session.scalars(stmt))


def lines_of(tx: Tx, order_ids: list[str]) -> list[OrderLineRow]:
    if not order_ids:
        return []
    stmt = select(OrderLineRow).where(OrderLineRow.order_id.in_(order_ids))
    return list(tx.session.scalars(stmt.order_by(OrderLineRow.id)))


def page(tx: Tx, *, merchant_id: str, shopper_id: str | None, status: str | None,
         after: str | None, limit: int) -> list[OrderRow]:
    stmt = select(OrderRow).where(OrderRow.merchant_id == merchant_id)
    if shopper_id is not None:
        stmt = stmt.where(OrderRow.shopper_id == shopper_id)
    if status is not None:
        stmt = stmt.where(OrderRow.status == status)
    if after:
        stmt = stmt.where(OrderRow.id < after)
    return list(tx.session.scalars(stmt.order_by(OrderRow.id.desc()).limit(limit)))


_LINE_REFERENCES = (
    Reference("order lines without their order", "order_lines", "id", "order_id", "orders"),
    Reference("order lines without their SKU", "order_lines", "id", "sku_id", "skus"),
    Reference("order lines without their stock level", "order_lines", "id", "stock_level_id",
              "stock_levels"))


def dangling_lines(session: Session, since: datetime | None = None,
                   newest: int | None = None) -> dict[str, int]:
    """Order lines pointing at a missing order, SKU or stock level: what foreign keys would
    refuse (the table has none, migration 0009; ``pintuan check``, and the worker every
    ``integrity_check_minutes``). Only the lines made since ``since``, and of those only
    the ``newest`` (default: all), found by id on the primary key: ids sort by time."""
    return dangling(session, _LINE_REFERENCES, "" if since is None else lowest("oln", since),
                    newest)
