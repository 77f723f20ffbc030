"""The built-in ``sandbox`` provider: it behaves like a real one.

It keeps its own records, shows the shopper a hosted page to approve or decline, and tells the
engine the outcome by a signed webhook over HTTP, retried until acknowledged. Refunds succeed
asynchronously the same way.

The page asks what to "Pay with" (a wallet or card identifier; by default a wallet of the
order's shopper), so tests can pay two orders with one instrument. Like a real provider's
card fingerprint, the webhook names the instrument by a stable keyed hash of what was typed
(spaces, dashes and case ignored), never by the typed value; the sandbox keeps neither.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime

import orjson
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from pintuan.core import delivery
from pintuan.core.db import Base, BigInt
from pintuan.core.errors import Conflict, NotFound, ValidationFailed
from pintuan.core.ids import new_id
from pintuan.core.secretbox import SecretBox
from pintuan.core.settings import Settings
from pintuan.core.signing import verify
from pintuan.core.tx import Tx
from pintuan.orders import store as orders
from pintuan.payments.provider import EventType, ProviderEvent
from pintuan.payments.store import PaymentRow, RefundRow

NAME = "sandbox"
SIGNATURE_HEADER = "Sandbox-Signature"
WEBHOOK_PATH = "/v1/payments/webhooks/sandbox"
PAY_WITH_MAX = 100


class SandboxPaymentRow(Base):
    __tablename__ = "sandbox_payments"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    engine_payment_id: Mapped[str] = mapped_column(String(40), unique=True)
    amount_minor: Mapped[BigInt]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20))
    return_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime]


class SandboxRefundRow(Base):
    __tablename__ = "sandbox_refunds"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    payment_id: Mapped[str] = mapped_column(String(40))
    engine_refund_id: Mapped[str] = mapped_column(String(40), unique=True)
    amount_minor: Mapped[BigInt]
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]


def webhook_secret(settings: Settings) -> str:
    return hmac.new(settings.secret_key.encode(), b"sandbox-webhook", hashlib.sha256).hexdigest()


def instrument_id(settings: Settings, pay_with: str) -> str:
    """The sandbox's stable id of an instrument, as a real provider's card fingerprint."""
    typed = "".join(pay_with.split()).replace("-", "").lower()
    if not 1 <= len(typed) <= PAY_WITH_MAX or not typed.isprintable():
        raise ValidationFailed(f"'Pay with' is 1-{PAY_WITH_MAX} printable characters",
                               code="bad_pay_with")
    mac = hmac.new(settings.secret_key.encode(), f"sandbox-instrument:{typed}".encode(),
                   hashlib.sha256)
    return "sbx_ins_" + mac.hexdigest()[:40]


def _notify(tx: Tx, *, merchant_id: str, type: EventType, ref: str, amount_minor: int,
            payer: str | None = None) -> None:
    event_id = new_id("sbx_evt")
    body: dict[str, object] = {"id": event_id, "type": type.value, "ref": ref,
                               "amount_minor": amount_minor}
    if payer is not None:
        body["payer"] = payer
    payload = orjson.dumps(body).decode()
    delivery.enqueue(
        tx, merchant_id=merchant_id, target="sandbox", event_id=event_id, event_type=type.value,
        url=tx.settings.public_url.rstrip("/") + WEBHOOK_PATH, payload=payload,
        signature_header=SIGNATURE_HEADER,
        secret_sealed=SecretBox(tx.settings.secret_key).seal(webhook_secret(tx.settings)),
    )


class SandboxProvider:
    name = NAME

    def start_payment(self, tx: Tx, payment: PaymentRow, *, return_url: str) -> tuple[str, str]:
        existing = tx.session.scalar(select(SandboxPaymentRow).where(
            SandboxPaymentRow.engine_payment_id == payment.id))
        if existing is None:
            existing = SandboxPaymentRow(
                id=new_id("sbx_pay"), merchant_id=payment.merchant_id,
                engine_payment_id=payment.id, amount_minor=payment.amount_minor,
                currency=payment.currency, status="requires_action", return_url=return_url,
                created_at=tx.now())
            tx.session.add(existing)
        url = f"{tx.settings.public_url.rstrip('/')}/sandbox/checkout/{existing.id}"
        return existing.id, url

    def start_refund(self, tx: Tx, refund: RefundRow, payment: PaymentRow) -> str:
        existing = tx.session.scalar(select(SandboxRefundRow).where(
            SandboxRefundRow.engine_refund_id == refund.id))
        if existing is not None:
            return existing.id
        assert payment.provider_ref is not None
        row = SandboxRefundRow(id=new_id("sbx_re"), merchant_id=refund.merchant_id,
                               payment_id=payment.provider_ref, engine_refund_id=refund.id,
                               amount_minor=refund.amount_minor, status="succeeded",
                               created_at=tx.now())
        tx.session.add(row)
        _notify(tx, merchant_id=refund.merchant_id, type=EventType.REFUND_SUCCEEDED, ref=row.id,
                amount_minor=row.amount_minor)
        return row.id

    def verify(self, settings: Settings, headers: Mapping[str, str], body: bytes, *,
               now: int) -> ProviderEvent:
        verify(webhook_secret(settings), headers.get(SIGNATURE_HEADER.lower()), body, now=now,
               tolerance=settings.webhook_tolerance_seconds)
        try:
            data = orjson.loads(body)
            payer = data.get("payer")
            if payer is not None and not isinstance(payer, str):
                raise TypeError("payer")
            return ProviderEvent(id=str(data["id"]), type=EventType(data["type"]),
                                 ref=str(data["ref"]), amount_minor=int(data["amount_minor"]),
                                 payer=payer)
        except (orjson.JSONDecodeError, KeyError, ValueError, TypeError, AttributeError):
            raise ValidationFailed("malformed sandbox event", code="bad_provider_event") from None


def checkout(tx: Tx, sandbox_payment_id: str) -> SandboxPaymentRow:
    row = tx.session.get(SandboxPaymentRow, sandbox_payment_id)
    if row is None:
        raise NotFound("no such sandbox payment", code="sandbox_payment_not_found")
    return row


def default_pay_with(tx: Tx, row: SandboxPaymentRow) -> str:
    """What the page offers to pay with: a wallet of the shopper whose order this is."""
    payment = tx.session.get(PaymentRow, row.engine_payment_id)
    order = orders.get(tx, payment.order_id) if payment is not None else None
    return f"wallet-{order.shopper_id}" if order is not None else f"wallet-{row.id}"


def decide(tx: Tx, sandbox_payment_id: str, *, approve: bool,
           pay_with: str = "") -> SandboxPaymentRow:
    """The shopper approves or declines on the hosted page, paying with what they typed
    (blank: the page's default); the engine hears by webhook."""
    row = tx.session.get(SandboxPaymentRow, sandbox_payment_id, with_for_update=True)
    if row is None:
        raise NotFound("no such sandbox payment", code="sandbox_payment_not_found")
    if row.status != "requires_action":
        raise Conflict(f"this payment is already {row.status}", code="sandbox_payment_decided")
    payer = instrument_id(tx.settings, pay_with.strip() or default_pay_with(tx, row))
    row.status = "succeeded" if approve else "failed"
    _notify(tx, merchant_id=row.merchant_id,
            type=EventType.PAYMENT_SUCCEEDED if approve else EventType.PAYMENT_FAILED,
            ref=row.id, amount_minor=row.amount_minor, payer=payer)
    return row
