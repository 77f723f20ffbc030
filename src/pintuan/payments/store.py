"""Payments, refunds, the money ledger and received provider events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from pintuan.core.db import Base, BigInt, table, updated_one
from pintuan.core.tx import Tx
from pintuan.orders.store import OrderRow


class PaymentRow(Base):
    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("provider", "provider_ref"),
                      Index("ix_payments_payer", "merchant_id", "payer_fingerprint"))

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    provider: Mapped[str] = mapped_column(String(30))
    provider_ref: Mapped[str | None] = mapped_column(String(80), default=None)
    status: Mapped[str] = mapped_column(String(20))
    amount_minor: Mapped[BigInt]
    refunded_minor: Mapped[BigInt] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3))
    checkout_url: Mapped[str | None] = mapped_column(String(500), default=None)
    payer_fingerprint: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime]
    settled_at: Mapped[datetime | None] = mapped_column(default=None)


class RefundRow(Base):
    __tablename__ = "refunds"
    __table_args__ = (UniqueConstraint("provider", "provider_ref"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), index=True)
    provider: Mapped[str] = mapped_column(String(30))
    provider_ref: Mapped[str | None] = mapped_column(String(80), default=None)
    amount_minor: Mapped[BigInt]
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    settled_at: Mapped[datetime | None] = mapped_column(default=None)


class MoneyEntryRow(Base):
    """Append-only: captures are positive, refunds negative; balances are sums."""

    __tablename__ = "money_entries"
    __table_args__ = (Index("ix_money_entries_order", "order_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    order_id: Mapped[str] = mapped_column(String(40))
    payment_id: Mapped[str] = mapped_column(String(40))
    refund_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    amount_minor: Mapped[BigInt]
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime]


class ProviderEventRow(Base):
    __tablename__ = "provider_events"

    provider: Mapped[str] = mapped_column(String(30), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime]


def add(tx: Tx, row: Base) -> None:
    tx.session.add(row)


def payment_by_ref(tx: Tx, provider: str, ref: str) -> PaymentRow | None:
    return tx.session.scalar(select(PaymentRow).where(
        PaymentRow.provider == provider, PaymentRow.provider_ref == ref))


def refund_by_ref(tx: Tx, provider: str, ref: str) -> RefundRow | None:
    return tx.session.scalar(select(RefundRow).where(
        RefundRow.provider == provider, RefundRow.provider_ref == ref))


def lock_payment(tx: Tx, payment_id: str) -> PaymentRow | None:
    stmt = (select(PaymentRow).where(PaymentRow.id == payment_id).with_for_update()
            .execution_options(populate_existing=True))
    return tx.session.scalar(stmt)


def lock_refund(tx: Tx, refund_id: str) -> RefundRow | None:
    stmt = (select(RefundRow).where(RefundRow.id == refund_id).with_for_update()
            .execution_options(populate_existing=True))
    return tx.session.scalar(stmt)


def payments_of(tx: Tx, order_id: str) -> list[PaymentRow]:
    stmt = select(PaymentRow).where(PaymentRow.order_id == order_id).order_by(PaymentRow.id)
    return list(tx.session.scalars(stmt.execution_options(populate_existing=True)))


def refunds_of(tx: Tx, order_id: str) -> list[RefundRow]:
    stmt = select(RefundRow).where(RefundRow.order_id == order_id).order_by(RefundRow.id)
    return list(tx.session.scalars(stmt))


def reserve_refund(tx: Tx, payment_id: str, amount_minor: int) -> bool:
    """Guarded: refunds of a payment never exceed what it captured."""
    cols = table(PaymentRow).c
    stmt = (update(table(PaymentRow))
            .where(cols.id == payment_id, cols.status == "succeeded",
                   cols.refunded_minor + amount_minor <= cols.amount_minor)
            .values(refunded_minor=cols.refunded_minor + amount_minor))
    return updated_one(tx.session, stmt)


def unreserve_refund(tx: Tx, payment_id: str, amount_minor: int) -> None:
    cols = table(PaymentRow).c
    tx.session.execute(update(table(PaymentRow)).where(cols.id == payment_id)
                       .values(refunded_minor=cols.refunded_minor - amount_minor))


def balance(tx: Tx, order_id: str) -> int:
    total = tx.session.scalar(select(func.coalesce(func.sum(MoneyEntryRow.amount_minor), 0))
                              .where(MoneyEntryRow.order_id == order_id))
    return int(total or 0)


def payer_fingerprints(tx: Tx, order_id: str) -> set[str]:
    """The instruments the order's succeeded payments were made with, as fingerprints."""
    rows = tx.session.scalars(select(PaymentRow.payer_fingerprint).where(
        PaymentRow.order_id == order_id, PaymentRow.status == "succeeded",
        PaymentRow.payer_fingerprint.is_not(None)))
    return {r for r in rows if r}


def paid_own_order_with(tx: Tx, merchant_id: str, *, shopper_id: str, fingerprints: set[str],
                        except_order: str) -> bool:
    """Whether the shopper paid another of their orders at this merchant with one of these
    instruments."""
    if not fingerprints:
        return False
    found = tx.session.scalar(select(PaymentRow.id).join(
        OrderRow, OrderRow.id == PaymentRow.order_id).where(
        PaymentRow.merchant_id == merchant_id, PaymentRow.payer_fingerprint.in_(fingerprints),
        PaymentRow.status == "succeeded", OrderRow.shopper_id == shopper_id,
        OrderRow.id != except_order).limit(1))
    return found is not None
