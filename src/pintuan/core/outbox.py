"""Transactional outbox: an event row is written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from pintuan.core.db import Base
from pintuan.core.ids import new_id
from pintuan.core.tx import Tx


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_undispatched", "dispatched", "id"),
        Index("ix_events_merchant", "merchant_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(60))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    dispatched: Mapped[bool] = mapped_column(default=False)


def emit(tx: Tx, *, merchant_id: str, type: str, data: dict[str, Any]) -> str:
    event_id = new_id("evt")
    tx.session.add(
        EventRow(id=event_id, merchant_id=merchant_id, type=type, data=data, created_at=tx.now())
    )
    return event_id


def claim_undispatched(tx: Tx, limit: int = 200) -> list[EventRow]:
    stmt = (
        select(EventRow)
        .where(EventRow.dispatched.is_(False))
        .order_by(EventRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(tx.session.scalars(stmt))


def mark_dispatched(tx: Tx, ids: list[str]) -> None:
    if ids:
        tx.session.execute(update(EventRow).where(EventRow.id.in_(ids)).values(dispatched=True))


def list_events(
    tx: Tx, *, merchant_id: str, type: str | None, after: str | None, limit: int
) -> list[EventRow]:
    stmt = select(EventRow).where(EventRow.merchant_id == merchant_id)
    if type:
        stmt = stmt.where(EventRow.type == type)
    if after:
        stmt = stmt.where(EventRow.id > after)
    return list(tx.session.scalars(stmt.order_by(EventRow.id).limit(limit)))
