"""What pintuan needs of a payment provider, and the registry of installed ones."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from pintuan.core.errors import NotFound
from pintuan.core.settings import Settings
from pintuan.core.tx import Tx
from pintuan.payments.store import PaymentRow, RefundRow

REF_MAX = 80
PAYER_MAX = 200


class EventType(enum.StrEnum):
    PAYMENT_SUCCEEDED = "payment.succeeded"
    PAYMENT_FAILED = "payment.failed"
    REFUND_SUCCEEDED = "refund.succeeded"
    REFUND_FAILED = "refund.failed"


@dataclass(frozen=True)
class ProviderEvent:
    """A verified provider webhook, in pintuan's terms."""

    id: str
    type: EventType
    ref: str
    amount_minor: int
    payer: str | None = None
    """The provider's stable, opaque id of the instrument that paid (a card fingerprint, a
    wallet account id), when it gives one. pintuan keeps only a keyed hash of it."""

    def __post_init__(self) -> None:
        """Ids fit their columns (80 characters), a payer id 200; none holds NUL. Raises
        ValueError."""
        for value in (self.id, self.ref):
            if not 1 <= len(value) <= REF_MAX or "\x00" in value:
                raise ValueError("a provider event id or reference is empty, too long or has NUL")
        if self.payer is not None and (not 1 <= len(self.payer) <= PAYER_MAX
                                       or "\x00" in self.payer):
            raise ValueError("a payer id is empty, too long or has NUL")


class PaymentProvider(Protocol):
    name: str

    def start_payment(self, tx: Tx, payment: PaymentRow, *, return_url: str) -> tuple[str, str]:
        """Create the payment at the provider; return (provider_ref, checkout_url). The
        payment id is the provider-side idempotency key, so a retried call is safe."""
        ...

    def start_refund(self, tx: Tx, refund: RefundRow, payment: PaymentRow) -> str:
        """Ask the provider to refund; return its reference. The outcome arrives by webhook."""
        ...

    def verify(self, settings: Settings, headers: Mapping[str, str], body: bytes, *,
               now: int) -> ProviderEvent:
        """Check the webhook's signature and parse it, or raise a domain error."""
        ...


_PROVIDERS: dict[str, PaymentProvider] = {}


def install(provider: PaymentProvider) -> None:
    _PROVIDERS[provider.name] = provider


def get(name: str) -> PaymentProvider:
    provider = _PROVIDERS.get(name)
    if provider is None:
        raise NotFound(f"no payment provider {name!r}", code="provider_not_found")
    return provider
