"""Rate cards, commissions and their append-only entries: tables and SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    case,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from pintuan.core.db import Base, BigInt, insert_ignore, table
from pintuan.core.tx import Tx
from pintuan.creators.ledger import EARNED


class RateCardRow(Base):
    __tablename__ = "rate_cards"
    __table_args__ = (Index("ix_rate_cards_program", "program_id", "active"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    program_id: Mapped[str] = mapped_column(ForeignKey("creator_programs.id"))
    creator_id: Mapped[str | None] = mapped_column(ForeignKey("creators.id"), default=None)
    product_id: Mapped[str | None] = mapped_column(ForeignKey("products.id"), default=None)
    kind: Mapped[str] = mapped_column(String(10))
    bps: Mapped[int]
    fixed_minor: Mapped[BigInt]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class CommissionRow(Base):
    """One per attributed order (depth 1), one per upline creator paid an override on it
    when the program pays deeper levels (depth 2, 3), or one per settled bonus contract
    (``order_id`` empty).
    ``total_minor`` caches the sum of its entries."""

    __tablename__ = "commissions"
    __table_args__ = (
        Index("ix_commissions_creator", "creator_id", "id"),
        Index("ix_commissions_merchant", "merchant_id", "state", "id"),
        UniqueConstraint("order_id", "depth"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    program_id: Mapped[str] = mapped_column(String(40))
    creator_id: Mapped[str] = mapped_column(String(40))
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"))
    depth: Mapped[int] = mapped_column(default=1)
    contract_id: Mapped[str | None] = mapped_column(String(40), unique=True, default=None)
    currency: Mapped[str] = mapped_column(String(3))
    parts: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10))
    flags: Mapped[list[str]] = mapped_column(JSON)
    total_minor: Mapped[BigInt] = mapped_column(default=0)
    seen_captured: Mapped[BigInt] = mapped_column(default=0)
    seen_refunded: Mapped[BigInt] = mapped_column(default=0)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    payable_at: Mapped[datetime | None] = mapped_column(default=None)
    payout_id: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class EntryRow(Base):
    """Append-only: never updated, never deleted."""

    __tablename__ = "commission_entries"
    __table_args__ = (
        UniqueConstraint("commission_id", "seq"),
        Index("ix_commission_entries_creator", "creator_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    commission_id: Mapped[str] = mapped_column(ForeignKey("commissions.id"))
    merchant_id: Mapped[str] = mapped_column(String(40))
    creator_id: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))
    amount_minor: Mapped[BigInt]
    captured_minor: Mapped[BigInt]
    refunded_minor: Mapped[BigInt]
    reason: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]


def add(tx: Tx, row: Base) -> None:
    tx.session.add(row)


def active_cards(tx: Tx, program_id: str) -> list[RateCardRow]:
    stmt = select(RateCardRow).where(RateCardRow.program_id == program_id,
                                     RateCardRow.active.is_(True))
    return list(tx.session.scalars(stmt.order_by(RateCardRow.id)))


def retire_cards(tx: Tx, *, program_id: str, creator_id: str | None,
                 product_id: str | None) -> None:
    """A new card replaces the active one with the same target."""
    cols = table(RateCardRow).c
    tx.session.execute(update(table(RateCardRow)).where(
        cols.program_id == program_id, cols.active.is_(True),
        cols.creator_id.is_(None) if creator_id is None else cols.creator_id == creator_id,
        cols.product_id.is_(None) if product_id is None else cols.product_id == product_id,
    ).values(active=False))


def create_commission(tx: Tx, row: CommissionRow) -> bool:
    """Insert unless the order has one already (a concurrent insert waits, then skips);
    whether this call inserted it."""
    values = {c.name: getattr(row, c.name) for c in table(CommissionRow).columns}
    return insert_ignore(tx.session, table(CommissionRow), values)


def lock_commissions_of_order(tx: Tx, order_id: str) -> list[CommissionRow]:
    """The order's commissions, locked in depth order."""
    stmt = (select(CommissionRow).where(CommissionRow.order_id == order_id)
            .order_by(CommissionRow.depth).with_for_update()
            .execution_options(populate_existing=True))
    return list(tx.session.scalars(stmt))


def lock_commission(tx: Tx, merchant_id: str, commission_id: str) -> CommissionRow | None:
    stmt = (select(CommissionRow).where(CommissionRow.merchant_id == merchant_id,
                                        CommissionRow.id == commission_id)
            .with_for_update().execution_options(populate_existing=True))
    return tx.session.scalar(stmt)


def lock_commission_by_id(tx: Tx, commission_id: str) -> CommissionRow | None:
    stmt = (select(CommissionRow).where(CommissionRow.id == commission_id).with_for_update()
            .execution_options(populate_existing=True))
    return tx.session.scalar(stmt)


def entries(tx: Tx, commission_id: str) -> list[EntryRow]:
    stmt = select(EntryRow).where(EntryRow.commission_id == commission_id)
    return list(tx.session.scalars(stmt.order_by(EntryRow.seq)))


def commissions(tx: Tx, merchant_id: str, *, creator_id: str | None, state: str | None,
                after: str | None, limit: int) -> list[CommissionRow]:
    stmt = select(CommissionRow).where(CommissionRow.merchant_id == merchant_id)
    if creator_id is not None:
        stmt = stmt.where(CommissionRow.creator_id == creator_id)
    if state is not None:
        stmt = stmt.where(CommissionRow.state == state)
    if after:
        stmt = stmt.where(CommissionRow.id < after)
    return list(tx.session.scalars(stmt.order_by(CommissionRow.id.desc()).limit(limit)))


def totals_by_state(tx: Tx, creator_id: str) -> dict[str, int]:
    rows = tx.session.execute(select(CommissionRow.state, func.sum(CommissionRow.total_minor))
                              .where(CommissionRow.creator_id == creator_id)
                              .group_by(CommissionRow.state))
    return {state: int(total or 0) for state, total in rows}


def earned(tx: Tx, creator_id: str) -> int:
    total = tx.session.scalar(select(func.coalesce(func.sum(CommissionRow.total_minor), 0))
                              .where(CommissionRow.creator_id == creator_id,
                                     CommissionRow.state.in_([s.value for s in EARNED])))
    return int(total or 0)


def program_totals(tx: Tx, program_id: str, *, since: datetime,
                   until: datetime) -> list[tuple[str, int, int, int, int]]:
    """Per creator: orders, captured and refunded of their own sales, and earnings
    (overrides and bonuses included, voided excluded), of the commissions opened in a
    period."""
    c = CommissionRow
    earned = func.sum(case((c.state == "voided", 0), else_=c.total_minor))
    rows = tx.session.execute(
        select(c.creator_id, func.count(case((c.depth == 1, c.order_id))),
               func.sum(case((c.depth == 1, c.seen_captured), else_=0)),
               func.sum(case((c.depth == 1, c.seen_refunded), else_=0)), earned)
        .where(c.program_id == program_id, c.created_at >= since, c.created_at < until)
        .group_by(c.creator_id))
    return [(cr, int(n), int(cap or 0), int(ref or 0), int(e or 0))
            for cr, n, cap, ref, e in rows]
