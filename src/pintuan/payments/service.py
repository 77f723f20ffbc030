"""Payment use cases: start a payment, apply provider events, refund.

Every provider event is applied at most once (deduplicated by its id); money that arrives for an
order that no longer takes it is refunded at once, so no payment is ever stranded.
"""

from __future__ import annotations

import hashlib
import hmac

from pintuan.core import outbox
from pintuan.core.db import insert_ignore
from pintuan.core.errors import Conflict, NotFound, ValidationFailed
from pintuan.core.ids import new_id
from pintuan.core.tx import Tx
from pintuan.orders import service as orders
from pintuan.orders.model import SOLD, OrderStatus
from pintuan.orders.store import OrderRow
from pintuan.payments import provider as providers
from pintuan.payments import store
from pintuan.payments.provider import EventType, ProviderEvent
from pintuan.payments.store import MoneyEntryRow, PaymentRow, ProviderEventRow, RefundRow


def payment_data(p: PaymentRow) -> dict[str, object]:
    return {"id": p.id, "order_id": p.order_id, "status": p.status, "provider": p.provider,
            "amount_minor": p.amount_minor, "refunded_minor": p.refunded_minor,
            "currency": p.currency}


def refund_data(r: RefundRow) -> dict[str, object]:
    return {"id": r.id, "order_id": r.order_id, "payment_id": r.payment_id,
            "status": r.status, "amount_minor": r.amount_minor, "currency": r.currency,
            "reason": r.reason}


def payer_fingerprint(secret_key: str, provider: str, payer: str) -> str:
    """What is stored of the instrument that paid: an HMAC of the provider's id for it,
    keyed with the server secret. Equal instruments give equal fingerprints within one
    installation; the stored value neither reveals the instrument nor can be matched
    against another installation's or looked up in a table of known card fingerprints."""
    return hmac.new(secret_key.encode(), f"pintuan-payer:{provider}:{payer}".encode(),
                    hashlib.sha256).hexdigest()


def start_payment(tx: Tx, *, order: OrderRow, provider: str, return_url: str) -> PaymentRow:
    if order.status != OrderStatus.PENDING_PAYMENT.value:
        raise Conflict(f"the order is {order.status}, not awaiting payment",
                       code="order_not_payable")
    if order.hold_expires_at is not None and order.hold_expires_at <= tx.now():
        raise Conflict("the order's hold has expired", code="order_hold_expired")
    impl = providers.get(provider)
    payment = PaymentRow(id=new_id("pay"), merchant_id=order.merchant_id, order_id=order.id,
                         provider=impl.name, status="requires_action",
                         amount_minor=order.total_minor - order.captured_minor,
                         currency=order.currency, created_at=tx.now())
    store.add(tx, payment)
    tx.session.flush()
    payment.provider_ref, payment.checkout_url = impl.start_payment(tx, payment,
                                                                    return_url=return_url)
    outbox.emit(tx, merchant_id=order.merchant_id, type="payment.created",
                data={"payment": payment_data(payment)})
    return payment


def apply_event(tx: Tx, *, provider: str, event: ProviderEvent) -> bool:
    """Apply a verified provider event once; False when it was seen before."""
    fresh = insert_ignore(tx.session, ProviderEventRow.__table__, {
        "provider": provider, "event_id": event.id, "type": event.type.value,
        "received_at": tx.now()})
    if not fresh:
        return False
    if event.type in (EventType.PAYMENT_SUCCEEDED, EventType.PAYMENT_FAILED):
        _apply_payment_event(tx, provider=provider, event=event)
    else:
        _apply_refund_event(tx, provider=provider, event=event)
    return True


def _apply_payment_event(tx: Tx, *, provider: str, event: ProviderEvent) -> None:
    found = store.payment_by_ref(tx, provider, event.ref)
    if found is None:
        raise NotFound("the event names an unknown payment", code="payment_not_found")
    order = orders.lock(tx, found.order_id)
    payment = store.lock_payment(tx, found.id)
    assert payment is not None
    if payment.status != "requires_action":
        return
    if event.payer is not None:
        payment.payer_fingerprint = payer_fingerprint(tx.settings.secret_key, provider,
                                                      event.payer)
    if event.type is EventType.PAYMENT_FAILED:
        payment.status = "failed"
        payment.settled_at = tx.now()
        outbox.emit(tx, merchant_id=payment.merchant_id, type="payment.failed",
                    data={"payment": payment_data(payment)})
        return
    if event.amount_minor != payment.amount_minor:
        raise ValidationFailed("captured amount differs from the payment",
                               code="amount_mismatch")
    payment.status = "succeeded"
    payment.settled_at = tx.now()
    store.add(tx, MoneyEntryRow(id=new_id("mny"), merchant_id=payment.merchant_id,
                                order_id=order.id, payment_id=payment.id, refund_id=None,
                                kind="capture", amount_minor=payment.amount_minor,
                                currency=payment.currency, created_at=tx.now()))
    tx.session.flush()
    outbox.emit(tx, merchant_id=payment.merchant_id, type="payment.succeeded",
                data={"payment": payment_data(payment)})
    if order.status == OrderStatus.PENDING_PAYMENT.value:
        orders.mark_paid(tx, order, amount_minor=payment.amount_minor)
        return
    orders.record_extra_capture(order, amount_minor=payment.amount_minor)
    paid_already = OrderStatus(order.status) in SOLD
    _refund_payment(tx, payment, payment.amount_minor,
                    "duplicate_payment" if paid_already else "order_closed")


def _apply_refund_event(tx: Tx, *, provider: str, event: ProviderEvent) -> None:
    found = store.refund_by_ref(tx, provider, event.ref)
    if found is None:
        raise NotFound("the event names an unknown refund", code="refund_not_found")
    order = orders.lock(tx, found.order_id)
    refund = store.lock_refund(tx, found.id)
    assert refund is not None
    if refund.status != "pending":
        return
    refund.settled_at = tx.now()
    if event.type is EventType.REFUND_FAILED:
        refund.status = "failed"
        store.unreserve_refund(tx, refund.payment_id, refund.amount_minor)
        outbox.emit(tx, merchant_id=refund.merchant_id, type="refund.failed",
                    data={"refund": refund_data(refund)})
        return
    refund.status = "succeeded"
    store.add(tx, MoneyEntryRow(id=new_id("mny"), merchant_id=refund.merchant_id,
                                order_id=order.id, payment_id=refund.payment_id,
                                refund_id=refund.id, kind="refund",
                                amount_minor=-refund.amount_minor, currency=refund.currency,
                                created_at=tx.now()))
    outbox.emit(tx, merchant_id=refund.merchant_id, type="refund.succeeded",
                data={"refund": refund_data(refund)})
    orders.record_refund(tx, order, amount_minor=refund.amount_minor)


def _refund_payment(tx: Tx, payment: PaymentRow, amount: int, reason: str) -> RefundRow:
    if not store.reserve_refund(tx, payment.id, amount):
        raise Conflict("refund exceeds what the payment captured", code="refund_exceeds_capture")
    refund = RefundRow(id=new_id("re"), merchant_id=payment.merchant_id,
                       order_id=payment.order_id, payment_id=payment.id,
                       provider=payment.provider, amount_minor=amount,
                       currency=payment.currency, reason=reason, status="pending",
                       created_at=tx.now())
    store.add(tx, refund)
    tx.session.flush()
    refund.provider_ref = providers.get(payment.provider).start_refund(tx, refund, payment)
    outbox.emit(tx, merchant_id=payment.merchant_id, type="refund.created",
                data={"refund": refund_data(refund)})
    return refund


def refund(tx: Tx, *, order: OrderRow, amount_minor: int | None, reason: str) -> list[RefundRow]:
    """Refund amount_minor (everything still refundable when None) over the order's captured
    payments, oldest first. The caller holds the order's lock."""
    payments = [p for p in store.payments_of(tx, order.id) if p.status == "succeeded"]
    refundable = sum(p.amount_minor - p.refunded_minor for p in payments)
    amount = refundable if amount_minor is None else amount_minor
    if amount_minor is not None and amount_minor <= 0:
        raise ValidationFailed("refund amount must be positive", code="bad_amount")
    if amount > refundable:
        raise Conflict(f"only {refundable} is refundable", code="refund_exceeds_capture",
                       refundable_minor=refundable)
    made: list[RefundRow] = []
    for payment in payments:
        part = min(amount, payment.amount_minor - payment.refunded_minor)
        if part > 0:
            made.append(_refund_payment(tx, payment, part, reason))
            amount -= part
    return made


def refund_remaining(tx: Tx, *, order: OrderRow, reason: str) -> list[RefundRow]:
    """Refund whatever is still refundable; a second call refunds nothing."""
    return refund(tx, order=order, amount_minor=None, reason=reason)


def payments_of(tx: Tx, *, order_id: str) -> list[PaymentRow]:
    return store.payments_of(tx, order_id)


def refunds_of(tx: Tx, *, order_id: str) -> list[RefundRow]:
    return store.refunds_of(tx, order_id)


def get_payment(tx: Tx, *, merchant_id: str, payment_id: str) -> PaymentRow:
    row = tx.session.get(PaymentRow, payment_id)
    if row is None or row.merchant_id != merchant_id:
        raise NotFound(f"no payment {payment_id}", code="payment_not_found")
    return row
