"""Prefixed, time-sortable identifiers (``ord_01J…``), like Stripe's.

The body is a ULID: 48 bits of milliseconds then 80 random bits, in Crockford base32, so ids
sort by creation time and are unguessable.
"""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _b32(value: int, length: int) -> str:
    out = []
    for _ in range(length):
        value, rem = divmod(value, 32)
        out.append(_ALPHABET[rem])
    return "".join(reversed(out))


def new_id(prefix: str, *, ms: int | None = None) -> str:
    stamp = int(time.time() * 1000) if ms is None else ms
    body = (stamp << 80) | secrets.randbits(80)
    return f"{prefix}_{_b32(body, 26)}"


def new_token(nbytes: int = 24) -> str:
    """An unguessable URL-safe token (share links, sessions, API keys)."""
    return secrets.token_urlsafe(nbytes)
