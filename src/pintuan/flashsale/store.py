"""Flash-sale tables and the SQL of setting events up, listing them and ending them.

The hot path's statements (batched buys) live in ``hot_store.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    case,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from pintuan.core.db import Base, BigInt, table
from pintuan.core.ids import lowest
from pintuan.core.integrity import Reference, dangling
from pintuan.core.outbox import EventRow
from pintuan.core.tx import Tx
from pintuan.orders.store import OrderRow


class FlashEventRow(Base):
    __tablename__ = "flash_events"
    __table_args__ = (Index("ix_flash_events_merchant", "merchant_id", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12))
    price_rule_days: Mapped[int]
    per_order_limit: Mapped[int]
    per_slot_limit: Mapped[int]
    per_event_limit: Mapped[int]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(default=None)


class FlashSlotRow(Base):
    __tablename__ = "flash_slots"
    __table_args__ = (Index("ix_flash_slots_event", "event_id", "starts_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("flash_events.id"))
    merchant_id: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]


class FlashItemRow(Base):
    """A SKU on sale in an event. ``quota`` units are held out of stock (reserved) for it;
    ``taken`` of them belong to live orders. ``last_grant`` is scratch for the batch UPDATE."""

    __tablename__ = "flash_items"
    __table_args__ = (
        Index("ix_flash_items_event", "event_id"),
        CheckConstraint("taken >= 0 AND taken <= quota", name="quota"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("flash_events.id"))
    merchant_id: Mapped[str] = mapped_column(String(40))
    sku_id: Mapped[str] = mapped_column(ForeignKey("skus.id"))
    stock_level_id: Mapped[str] = mapped_column(ForeignKey("stock_levels.id"))
    title: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    list_price_minor: Mapped[BigInt]
    prior_lowest_minor: Mapped[BigInt]
    sale_price_minor: Mapped[BigInt]
    quota: Mapped[int]
    taken: Mapped[int] = mapped_column(default=0)
    last_grant: Mapped[int] = mapped_column(default=0)
    ended: Mapped[bool] = mapped_column(default=False)


class FlashUsageRow(Base):
    """Units a shopper holds in one scope (a slot id or an event id), for the limits."""

    __tablename__ = "flash_usage"
    __table_args__ = (CheckConstraint("units >= 0", name="nonneg"),)

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    shopper_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    units: Mapped[int]


class FlashOrderRow(Base):
    """Which item, slot and shopper an order of kind ``flashsale`` took its units from."""

    __tablename__ = "flash_orders"
    __table_args__ = (Index("ix_flash_orders_item", "item_id", "created_at"),)

    order_id: Mapped[str] = mapped_column(String(40), primary_key=True)  # no foreign keys: 0009
    item_id: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(String(40))
    slot_id: Mapped[str] = mapped_column(String(40))
    shopper_id: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[int]
    created_at: Mapped[datetime]


class FlashRejectionRow(Base):
    """How many buys of an item were refused, by reason (for the report)."""

    __tablename__ = "flash_rejections"

    item_id: Mapped[str] = mapped_column(ForeignKey("flash_items.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[BigInt]


def add(tx: Tx, row: Base) -> None:
    tx.session.add(row)


def get_event(tx: Tx, event_id: str, *, merchant_id: str | None = None) -> FlashEventRow | None:
    stmt = select(FlashEventRow).where(FlashEventRow.id == event_id)
    if merchant_id is not None:
        stmt = stmt.where(FlashEventRow.merchant_id == merchant_id)
    return tx.session.scalar(stmt)


def events(tx: Tx, merchant_id: str, *, after: str | None, limit: int) -> list[FlashEventRow]:
    stmt = select(FlashEventRow).where(FlashEventRow.merchant_id == merchant_id)
    if after:
        stmt = stmt.where(FlashEventRow.id > after)
    return list(tx.session.scalars(stmt.order_by(FlashEventRow.id).limit(limit)))


def open_events(tx: Tx, merchant_id: str, now: datetime) -> list[FlashEventRow]:
    stmt = select(FlashEventRow).where(FlashEventRow.merchant_id == merchant_id,
                                       FlashEventRow.status == "scheduled",
                                       FlashEventRow.ends_at > now)
    return list(tx.session.scalars(stmt.order_by(FlashEventRow.starts_at)))


def slots(tx: Tx, event_id: str) -> list[FlashSlotRow]:
    stmt = select(FlashSlotRow).where(FlashSlotRow.event_id == event_id)
    return list(tx.session.scalars(stmt.order_by(FlashSlotRow.starts_at)))


def items(tx: Tx, event_id: str, *, lock: bool = False) -> list[FlashItemRow]:
    stmt = select(FlashItemRow).where(FlashItemRow.event_id == event_id)
    if lock:
        stmt = stmt.with_for_update()
    return list(tx.session.scalars(stmt.order_by(FlashItemRow.id)
                                   .execution_options(populate_existing=True)))


def get_item(tx: Tx, item_id: str) -> FlashItemRow | None:
    stmt = select(FlashItemRow).where(FlashItemRow.id == item_id)
    return tx.session.scalar(stmt.execution_options(populate_existing=True))


def flash_orders(tx: Tx, order_ids: Sequence[str]) -> list[FlashOrderRow]:
    stmt = select(FlashOrderRow).where(FlashOrderRow.order_id.in_(order_ids))
    return list(tx.session.scalars(stmt.order_by(FlashOrderRow.order_id)))


def batch_order_ids(tx: Tx, event_id: str) -> list[str]:
    """The orders a batch made, as its ``flash_sale.orders_created`` event lists them."""
    row = tx.session.get(EventRow, event_id)
    if row is None:  # never deleted: the timer fails (and retries) rather than hold units
        raise LookupError(f"no flash_sale.orders_created event {event_id}")
    return [o["id"] for o in row.data["orders"]]


def give_back(tx: Tx, *, item_id: str, units: int) -> bool:
    """Units of a cancelled order return: to the quota while the event runs, else (the quota
    shrinks with them) to stock. One statement, so it cannot interleave with the end of the
    event; True when the event had ended and the units go to stock."""
    cols = table(FlashItemRow).c
    stmt = (update(table(FlashItemRow)).where(cols.id == item_id, cols.taken >= units)
            .values(taken=cols.taken - units,
                    quota=case((cols.ended, cols.quota - units), else_=cols.quota))
            .returning(cols.ended))
    ended = tx.session.execute(stmt).scalar_one()
    return bool(ended)


def due_ended(tx: Tx, event_id: str) -> FlashEventRow | None:
    stmt = select(FlashEventRow).where(FlashEventRow.id == event_id).with_for_update()
    return tx.session.scalar(stmt.execution_options(populate_existing=True))


def rejections(tx: Tx, item_ids: list[str]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {i: {} for i in item_ids}
    stmt = select(FlashRejectionRow).where(FlashRejectionRow.item_id.in_(item_ids))
    for r in tx.session.scalars(stmt.order_by(FlashRejectionRow.reason)):
        out[r.item_id][r.reason] = r.count
    return out


def accepted_times(tx: Tx, item_id: str) -> list[datetime]:
    stmt = select(FlashOrderRow.created_at).where(FlashOrderRow.item_id == item_id)
    return list(tx.session.scalars(stmt.order_by(FlashOrderRow.created_at)))


def order_statuses(tx: Tx, item_id: str) -> dict[str, int]:
    stmt = (select(OrderRow.status, func.count()).join(FlashOrderRow,
                                                        FlashOrderRow.order_id == OrderRow.id)
            .where(FlashOrderRow.item_id == item_id).group_by(OrderRow.status))
    return {row[0]: row[1] for row in tx.session.execute(stmt)}


_ENTRY_REFERENCES = (
    Reference("flash-sale entries without their order", "flash_orders", "order_id",
              "order_id", "orders"),
    Reference("flash-sale entries without their item", "flash_orders", "order_id", "item_id",
              "flash_items"),
    Reference("flash-sale orders without their entry", "orders", "id", "id", "flash_orders",
              target_key="order_id", where="kind = 'flashsale'"))


def dangling_entries(session: Session, since: datetime | None = None,
                     newest: int | None = None) -> dict[str, int]:
    """Flash-sale entries pointing at a missing order or item, and flash-sale orders without
    their entry: what foreign keys would refuse or the batch should never leave (the table
    has none, migration 0009; ``pintuan check``, and the worker every
    ``integrity_check_minutes``). Only the orders and entries made since ``since``, and of
    those only the ``newest`` (default: all), found by order id on the primary keys."""
    return dangling(session, _ENTRY_REFERENCES, "" if since is None else lowest("ord", since),
                    newest)
