"""HMAC-SHA256 signatures with a timestamp (``t=…,v1=…``), as Stripe signs webhooks."""

from __future__ import annotations

import hashlib
import hmac

from pintuan.core.errors import Unauthorized


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str | None, body: bytes, *, now: int, tolerance: int) -> None:
    """Raise ``Unauthorized`` unless the header signs body within tolerance seconds of now."""
    if not header:
        raise Unauthorized("missing signature header", code="signature_missing")
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise Unauthorized("malformed signature header", code="signature_malformed") from None
    if abs(now - timestamp) > tolerance:
        raise Unauthorized("signature timestamp outside tolerance", code="signature_expired")
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        raise Unauthorized("signature does not match", code="signature_invalid")


def digest(value: str) -> str:
    """A one-way hash for stored secrets that are only ever compared (API keys, tokens)."""
    return hashlib.sha256(value.encode()).hexdigest()
