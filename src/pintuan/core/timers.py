"""Durable timers: rows with a due time, claimed by a worker, handled idempotently.

A handler runs inside the transaction that claimed its timer and deletes it on success, so a
crash before commit leaves the timer to be claimed again. Handlers must be idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Index, ScalarSelect, String, delete, exists, select
from sqlalchemy.orm import Mapped, mapped_column

from pintuan.core.db import Base, insert_ignore, table, upsert
from pintuan.core.ids import new_id
from pintuan.core.tx import Tx

Handler = Callable[[Tx, str], None]


class TimerRow(Base):
    __tablename__ = "timers"
    __table_args__ = (
        Index("ix_timers_due", "due_at"),
        Index("ix_timers_kind_ref", "kind", "ref", unique=True),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(60))
    due_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)


def schedule(tx: Tx, *, kind: str, ref: str, due_at: datetime) -> None:
    """Schedule (or move) the one timer of this kind for ref, in one statement."""
    upsert(tx.session, table(TimerRow), key={"kind": kind, "ref": ref},
           values={"id": new_id("tmr"), "due_at": due_at, "attempts": 0}, update=["due_at"])


def cancel(tx: Tx, *, kind: str, ref: str) -> None:
    cancel_many(tx, kind=kind, refs=[ref])


def cancel_many(tx: Tx, *, kind: str, refs: Sequence[str]) -> None:
    tx.session.execute(delete(TimerRow).where(TimerRow.kind == kind, TimerRow.ref.in_(refs)))


def first_due(now: datetime) -> ScalarSelect[str]:
    """The timer due first, if one is due, for the worker's one-statement look at its queues:
    ordered like ``claim_due`` and a scalar, not an EXISTS: PostgreSQL drops an EXISTS's
    ORDER BY and LIMIT, and with statistics that lag a table growing by thousands of rows a
    second (a flash sale) it then scanned the whole table."""
    return (select(TimerRow.id).where(TimerRow.due_at <= now).order_by(TimerRow.due_at)
            .limit(1).scalar_subquery())


def claim_due(tx: Tx) -> TimerRow | None:
    stmt = (
        select(TimerRow)
        .where(TimerRow.due_at <= tx.now())
        .order_by(TimerRow.due_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return tx.session.scalar(stmt)


def finish(tx: Tx, timer_id: str) -> None:
    """Done: the handler may already have removed its own timer."""
    tx.session.execute(delete(TimerRow).where(TimerRow.id == timer_id))


def retry_later(tx: Tx, *, timer_id: str, error: str) -> None:
    timer = tx.session.get(TimerRow, timer_id, with_for_update=True)
    if timer is None:
        return
    timer.attempts += 1
    timer.last_error = error[:500]
    timer.due_at = tx.now() + timedelta(seconds=min(2**timer.attempts, 300))


def schedule_unless_any(tx: Tx, *, kind: str, ref: str, due_at: datetime) -> bool:
    """Schedule the timer of this kind for ref unless a timer of the kind is scheduled,
    decided in the statement that inserts it (two callers at once schedule one; a caller
    never adds one after another's was handled and replaced by the next); whether it did."""
    return insert_ignore(tx.session, table(TimerRow), {
        "id": new_id("tmr"), "kind": kind, "ref": ref, "due_at": due_at, "attempts": 0},
        unless=exists().where(TimerRow.kind == kind))


def pending(tx: Tx, *, kind: str, ref: str) -> TimerRow | None:
    return tx.session.scalar(select(TimerRow).where(TimerRow.kind == kind, TimerRow.ref == ref))
