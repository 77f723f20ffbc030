"""Payout batches, payouts and their audit trail: tables and SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from pintuan.core.db import Base, BigInt, table
from pintuan.core.tx import Tx
from pintuan.creators.ledger import EARNED
from pintuan.creators.ledger_store import CommissionRow
from pintuan.creators.store import CreatorRow


class BatchRow(Base):
    __tablename__ = "payout_batches"
    __table_args__ = (Index("ix_payout_batches_merchant", "merchant_id", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    status: Mapped[str] = mapped_column(String(12))
    cutoff: Mapped[datetime]
    minimum_minor: Mapped[BigInt]
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[BigInt]
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None] = mapped_column(default=None)


class PayoutRow(Base):
    __tablename__ = "payouts"
    __table_args__ = (Index("ix_payouts_creator", "creator_id", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    batch_id: Mapped[str] = mapped_column(ForeignKey("payout_batches.id"), index=True)
    creator_id: Mapped[str] = mapped_column(ForeignKey("creators.id"))
    status: Mapped[str] = mapped_column(String(12))
    amount_minor: Mapped[BigInt]
    currency: Mapped[str] = mapped_column(String(3))
    commissions: Mapped[int]
    failure_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime]
    settled_at: Mapped[datetime | None] = mapped_column(default=None)


class AuditRow(Base):
    """Who did what to a batch or a payout, and when: append-only."""

    __tablename__ = "payout_audit"
    __table_args__ = (UniqueConstraint("batch_id", "seq"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    batch_id: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int]
    payout_id: Mapped[str | None] = mapped_column(String(40), default=None)
    action: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(60))
    detail: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime]


def add(tx: Tx, row: Base) -> None:
    tx.session.add(row)


def lock_creators(tx: Tx, merchant_id: str) -> list[CreatorRow]:
    """Every creator of the merchant, locked in id order: one statement run at a time."""
    stmt = (select(CreatorRow).where(CreatorRow.merchant_id == merchant_id)
            .order_by(CreatorRow.id).with_for_update())
    return list(tx.session.scalars(stmt))


def lock_creator(tx: Tx, merchant_id: str, creator_id: str) -> CreatorRow | None:
    stmt = (select(CreatorRow).where(CreatorRow.merchant_id == merchant_id,
                                     CreatorRow.id == creator_id).with_for_update())
    return tx.session.scalar(stmt)


def due_commissions(tx: Tx, creator_id: str, cutoff: datetime) -> list[CommissionRow]:
    stmt = (select(CommissionRow).where(CommissionRow.creator_id == creator_id,
                                        CommissionRow.state == "payable",
                                        CommissionRow.payable_at <= cutoff)
            .order_by(CommissionRow.id).with_for_update())
    return list(tx.session.scalars(stmt))


def _sum_commissions(tx: Tx, creator_id: str, states: list[str]) -> int:
    total = tx.session.scalar(select(func.coalesce(func.sum(CommissionRow.total_minor), 0))
                              .where(CommissionRow.creator_id == creator_id,
                                     CommissionRow.state.in_(states)))
    return int(total or 0)


def paid_out(tx: Tx, creator_id: str) -> int:
    """Payouts that stand: failed ones gave their money back to the balance."""
    total = tx.session.scalar(select(func.coalesce(func.sum(PayoutRow.amount_minor), 0))
                              .where(PayoutRow.creator_id == creator_id,
                                     PayoutRow.status != "failed"))
    return int(total or 0)


def earned(tx: Tx, creator_id: str) -> int:
    return _sum_commissions(tx, creator_id, [s.value for s in EARNED])


def paid_commissions(tx: Tx, creator_id: str) -> int:
    return _sum_commissions(tx, creator_id, ["paid"])


def mark_paid(tx: Tx, commission_ids: list[str], payout_id: str, now: datetime) -> int:
    """Guarded: only payable commissions become paid; how many did."""
    cols = table(CommissionRow).c
    result = tx.session.execute(update(table(CommissionRow)).where(
        cols.id.in_(commission_ids), cols.state == "payable").values(
        state="paid", payout_id=payout_id, updated_at=now))
    return int(getattr(result, "rowcount", 0))


def batch(tx: Tx, merchant_id: str, batch_id: str, *, lock: bool = False) -> BatchRow | None:
    stmt = select(BatchRow).where(BatchRow.merchant_id == merchant_id, BatchRow.id == batch_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return tx.session.scalar(stmt)


def batches(tx: Tx, merchant_id: str, *, after: str | None, limit: int) -> list[BatchRow]:
    stmt = select(BatchRow).where(BatchRow.merchant_id == merchant_id)
    if after:
        stmt = stmt.where(BatchRow.id < after)
    return list(tx.session.scalars(stmt.order_by(BatchRow.id.desc()).limit(limit)))


def payouts_of(tx: Tx, batch_id: str) -> list[PayoutRow]:
    stmt = select(PayoutRow).where(PayoutRow.batch_id == batch_id).order_by(PayoutRow.id)
    return list(tx.session.scalars(stmt.execution_options(populate_existing=True)))


def payout(tx: Tx, merchant_id: str, payout_id: str, *, lock: bool = False) -> PayoutRow | None:
    stmt = select(PayoutRow).where(PayoutRow.merchant_id == merchant_id,
                                   PayoutRow.id == payout_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return tx.session.scalar(stmt)


def payouts_of_creator(tx: Tx, creator_id: str) -> list[PayoutRow]:
    stmt = select(PayoutRow).where(PayoutRow.creator_id == creator_id)
    return list(tx.session.scalars(stmt.order_by(PayoutRow.id.desc()).limit(100)))


def audit(tx: Tx, batch_id: str) -> list[AuditRow]:
    stmt = select(AuditRow).where(AuditRow.batch_id == batch_id).order_by(AuditRow.seq)
    return list(tx.session.scalars(stmt))


def next_audit_seq(tx: Tx, batch_id: str) -> int:
    """The caller holds the batch's lock."""
    n = tx.session.scalar(select(func.coalesce(func.max(AuditRow.seq), 0))
                          .where(AuditRow.batch_id == batch_id))
    return int(n or 0) + 1
