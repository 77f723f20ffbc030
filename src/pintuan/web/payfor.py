""""Pay for me": a shopper hands an unguessable link for a pending order to someone who pays it.

The link expires with the order's hold; opening it needs no account. The payer goes through the
provider's hosted page like the shopper would, so the order is paid exactly as any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from pintuan.core.errors import Conflict, NotFound
from pintuan.core.ids import new_token
from pintuan.core.secretbox import SecretBox
from pintuan.core.signing import digest
from pintuan.core.tx import Tx
from pintuan.orders import service as orders
from pintuan.orders.model import OrderStatus
from pintuan.orders.store import OrderRow
from pintuan.payments import service as payments
from pintuan.web import store
from pintuan.web.store import PayLinkRow

PREFIX = "pf_"


@dataclass(frozen=True)
class PayLink:
    token: str
    order: OrderRow
    expired: bool


def _payable(tx: Tx, order: OrderRow) -> bool:
    hold = order.hold_expires_at
    return (order.status == OrderStatus.PENDING_PAYMENT.value
            and hold is not None and hold > tx.now())


def url(tx: Tx, token: str) -> str:
    return f"{tx.settings.public_url.rstrip('/')}/pay/{token}"


def create(tx: Tx, *, merchant_id: str, shopper_id: str, order_id: str) -> str:
    """The order's link (made once); only its own shopper may ask, only while it is payable."""
    order = orders.get(tx, merchant_id=merchant_id, order_id=order_id)
    if order.shopper_id != shopper_id:
        raise NotFound(f"no order {order_id}", code="order_not_found")
    if not _payable(tx, order):
        raise Conflict("this order is not awaiting payment", code="order_not_payable")
    box = SecretBox(tx.settings.secret_key)
    existing = store.pay_link_of_order(tx, order.id)
    if existing is not None:
        return box.open(existing.token_sealed)
    token = PREFIX + new_token(24)
    assert order.hold_expires_at is not None
    store.add(tx, PayLinkRow(token_hash=digest(token), token_sealed=box.seal(token),
                             order_id=order.id, merchant_id=order.merchant_id,
                             shopper_id=shopper_id, created_at=tx.now(),
                             expires_at=order.hold_expires_at))
    return token


def existing_token(tx: Tx, *, order_id: str) -> str | None:
    row = store.pay_link_of_order(tx, order_id)
    return None if row is None else SecretBox(tx.settings.secret_key).open(row.token_sealed)


def resolve(tx: Tx, token: str) -> PayLink:
    row = store.pay_link_by_hash(tx, digest(token)) if token.startswith(PREFIX) else None
    if row is None:
        raise NotFound("this payment link does not exist", code="pay_link_not_found")
    order = orders.get(tx, merchant_id=row.merchant_id, order_id=row.order_id)
    return PayLink(token=token, order=order,
                   expired=row.expires_at <= tx.now() or not _payable(tx, order))


def checkout(tx: Tx, order_id: str, *, return_url: str) -> str:
    """The provider page that pays the order. With the order locked, a payment still awaiting
    the payer is reused, so the shopper and whoever holds the link pay through one payment
    and the order cannot be paid twice."""
    order = orders.lock(tx, order_id)
    if _payable(tx, order):
        for payment in payments.payments_of(tx, order_id=order.id):
            if payment.status == "requires_action" and payment.checkout_url:
                return payment.checkout_url
    made = payments.start_payment(tx, order=order, provider="sandbox", return_url=return_url)
    assert made.checkout_url is not None
    return made.checkout_url


def start(tx: Tx, token: str, *, return_url: str) -> str:
    """Send whoever holds the link to the provider's page for the order."""
    link = resolve(tx, token)
    if link.expired:
        raise Conflict("this payment link has expired", code="pay_link_expired")
    return checkout(tx, link.order.id, return_url=return_url)
