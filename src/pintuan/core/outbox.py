"""Transactional outbox: an event row is written in the same transaction as the change.

Every event is kept (the merchant's event log); the undispatched ones are the queue the
worker hands to the consumers. Each consumer declares which event types it wants of a
merchant (``declare_interest``), so a hot path writing an event per order can log an event
nobody wants without queueing it (``wanted``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, ScalarSelect, String, select, text, update
from sqlalchemy.orm import Mapped, mapped_column

from pintuan.core.clock import as_utc
from pintuan.core.db import Base, driver_rows, text_array
from pintuan.core.ids import new_id
from pintuan.core.tx import Tx


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (
        # only the queue: a dispatched event leaves this index (and its update adds no entry)
        Index("ix_events_queue", "id", postgresql_where=text("NOT dispatched"),
              sqlite_where=text("NOT dispatched")),
        Index("ix_events_merchant", "merchant_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(60))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    dispatched: Mapped[bool] = mapped_column(default=False)


Interest = Callable[[Tx, str], Collection[str]]  # a merchant -> the types wanted ("*": all)
_INTERESTS: list[Interest] = []


def declare_interest(interest: Interest) -> None:
    """What a consumer of the outbox wants; every consumer the worker runs declares one
    (``wiring`` pairs them)."""
    if interest not in _INTERESTS:
        _INTERESTS.append(interest)


def wanted(tx: Tx, merchant_id: str, types: Collection[str]) -> set[str]:
    """Which of these event types of this merchant some consumer wants, as read now (an
    endpoint enabled while the asking transaction runs may miss what it writes); each
    consumer is asked once. With no interest declared at all, everything is wanted."""
    if not _INTERESTS:
        return set(types)
    out: set[str] = set()
    for interest in _INTERESTS:
        declared = interest(tx, merchant_id)
        out.update(types if "*" in declared else (t for t in types if t in declared))
    return out


def emit(tx: Tx, *, merchant_id: str, type: str, data: dict[str, Any]) -> str:
    event_id = new_id("evt")
    tx.session.add(
        EventRow(id=event_id, merchant_id=merchant_id, type=type, data=data, created_at=tx.now())
    )
    return event_id


@dataclass(frozen=True, slots=True)
class Event:
    """An event as the dispatcher hands it to consumers (read-only; no ORM object)."""

    id: str
    merchant_id: str
    type: str
    data: dict[str, Any]
    created_at: datetime


# One dispatcher at a time per database: the pass that holds this transaction lock reads the
# queue without locking its rows (a row lock is a write per event).
_DISPATCHER_LOCK = 0x70696E7475616E  # "pintuan"
_CLAIM_PG = """
SELECT id, merchant_id, type, data, created_at FROM events WHERE NOT dispatched
ORDER BY id LIMIT %(limit)s"""
_MARK_PG = """UPDATE events SET dispatched = true WHERE id = ANY(%(ids)s::text[])
AND NOT dispatched RETURNING id"""


def first_queued() -> ScalarSelect[str]:
    """The oldest event waiting for dispatch, if any (for the worker's look at its queues;
    ordered like ``claim_undispatched``, so it walks the queue's partial index: see
    ``timers.first_due``)."""
    return (select(EventRow.id).where(text("NOT events.dispatched")).order_by(EventRow.id)
            .limit(1).scalar_subquery())


def claim_undispatched(tx: Tx, limit: int = 500) -> list[Event]:
    """The oldest events not yet dispatched, for this transaction to dispatch and mark.

    On PostgreSQL one worker's pass at a time claims (a transaction-scoped advisory lock;
    another worker's pass finds nothing and tries again later); the claim and the mark are
    prepared statements without ORM objects, since a flash sale writes an event per order.
    On SQLite the writing transaction already excludes every other."""
    if tx.dialect == "postgresql":
        got = driver_rows(tx.session, "SELECT pg_try_advisory_xact_lock(%(k)s)",
                          {"k": _DISPATCHER_LOCK})
        if not got[0][0]:
            return []
        # a statement of its own: its snapshot sees the last holder's marks
        return [Event(i, m, t, d, as_utc(at))
                for i, m, t, d, at in driver_rows(tx.session, _CLAIM_PG, {"limit": limit})]
    stmt = (
        select(EventRow)
        .where(text("NOT events.dispatched"))  # the words of the partial index
        .order_by(EventRow.id)
        .limit(limit)
    )
    return [Event(e.id, e.merchant_id, e.type, e.data, e.created_at)
            for e in tx.session.scalars(stmt)]


def mark_dispatched(tx: Tx, ids: list[str]) -> None:
    if not ids:
        return
    if tx.dialect == "postgresql":
        marked = len(driver_rows(tx.session, _MARK_PG, {"ids": text_array(ids)}))
        if marked != len(ids):  # another dispatcher (an older version's, by row locks) won
            raise RuntimeError(f"{len(ids) - marked} of {len(ids)} events were dispatched "
                               "meanwhile by another worker; this pass is rolled back")
    else:
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
