"""Webhook endpoints, and the dispatcher that turns outbox events into signed deliveries."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import orjson

from pintuan.core import delivery
from pintuan.core.errors import NotFound, ValidationFailed
from pintuan.core.ids import new_id, new_token
from pintuan.core.outbox import Event
from pintuan.core.secretbox import SecretBox
from pintuan.core.tx import Tx
from pintuan.webhooks import store
from pintuan.webhooks.store import EndpointRow

SIGNATURE_HEADER = "Pintuan-Signature"
TARGET = "endpoint:"
MAX_ENDPOINTS = 16


@dataclass(frozen=True)
class CreatedEndpoint:
    row: EndpointRow
    secret: str


def _valid_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        port_ok = parts.port != 0  # .port raises ValueError outside 0-65535
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL):
        return False
    return (parts.scheme in ("http", "https") and bool(parts.hostname) and port_ok
            and len(url) <= 500)


def _check_url(url: str) -> None:
    if not _valid_url(url):
        raise ValidationFailed("webhook url must be an http(s) URL of at most 500 characters",
                               code="bad_webhook_url")


def _check_events(events: list[str]) -> None:
    if not events or any(not e or len(e) > 60 for e in events):
        raise ValidationFailed("events must list event types, or '*' for all",
                               code="bad_webhook_events")


def create(tx: Tx, *, merchant_id: str, url: str, events: list[str]) -> CreatedEndpoint:
    _check_url(url)
    _check_events(events)
    if len(store.of_merchant(tx, merchant_id)) >= MAX_ENDPOINTS:
        raise ValidationFailed(f"at most {MAX_ENDPOINTS} endpoints", code="too_many_endpoints")
    secret = "whsec_" + new_token(24)
    row = EndpointRow(id=new_id("we"), merchant_id=merchant_id, url=url, events=sorted(events),
                      secret_sealed=SecretBox(tx.settings.secret_key).seal(secret),
                      created_at=tx.now())
    store.add(tx, row)
    return CreatedEndpoint(row=row, secret=secret)


def get(tx: Tx, *, merchant_id: str, endpoint_id: str) -> EndpointRow:
    row = store.get(tx, merchant_id, endpoint_id)
    if row is None:
        raise NotFound(f"no webhook endpoint {endpoint_id}", code="webhook_endpoint_not_found")
    return row


def disable(tx: Tx, *, merchant_id: str, endpoint_id: str) -> EndpointRow:
    row = get(tx, merchant_id=merchant_id, endpoint_id=endpoint_id)
    row.enabled = False
    return row


def interest(tx: Tx, merchant_id: str) -> set[str]:
    """The outbox events ``dispatch`` turns into deliveries for a merchant."""
    return store.subscribed(tx, merchant_id)


def dispatch(tx: Tx, events: list[Event]) -> None:
    """Outbox consumer: one delivery per event and subscribed endpoint."""
    endpoints = store.enabled_for(tx, {e.merchant_id for e in events}) if events else []
    for event in events:
        for ep in endpoints:
            if ep.merchant_id != event.merchant_id:
                continue
            if "*" not in ep.events and event.type not in ep.events:
                continue
            payload = orjson.dumps({"id": event.id, "type": event.type,
                                    "created_at": event.created_at.isoformat(),
                                    "data": event.data}).decode()
            delivery.enqueue(tx, merchant_id=ep.merchant_id, target=TARGET + ep.id,
                             event_id=event.id, event_type=event.type, url=ep.url,
                             payload=payload, signature_header=SIGNATURE_HEADER,
                             secret_sealed=ep.secret_sealed)
