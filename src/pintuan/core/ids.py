"""Prefixed, time-sortable identifiers (``ord_01J…``), like Stripe's.

The body is a ULID: 48 bits of milliseconds then 80 random bits, in Crockford base32, so ids
sort by creation time and are unguessable.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime, timedelta

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# every 10-bit value as its two digits: an id is 13 table lookups (a flash sale makes ids by
# the thousand; the standard library's base32 encoder is Python code, ~2.5x slower)
_PAIRS = tuple(a + b for a in _ALPHABET for b in _ALPHABET)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _b32(value: int, length: int) -> str:
    """``value`` (below 32**length) as ``length`` Crockford digits, most significant first."""
    head = _ALPHABET[value >> (5 * length - 5)] if length % 2 else ""
    return head + "".join([_PAIRS[(value >> shift) & 1023]
                           for shift in range(10 * (length // 2) - 10, -1, -10)])


def new_id(prefix: str, *, ms: int | None = None) -> str:
    stamp = int(time.time() * 1000) if ms is None else ms
    body = (stamp << 80) | secrets.randbits(80)
    return f"{prefix}_{_b32(body, 26)}"


def lowest(prefix: str, at: datetime) -> str:
    """The smallest id ``new_id(prefix)`` can make at ``at`` or later: ids sort by time, so
    ``id >= lowest(prefix, t)`` selects the rows made since ``t`` on the primary key's
    index (the text sorts the same in C and in the usual locales: one prefix, digits and
    capitals)."""
    ms = (at - _EPOCH) // timedelta(milliseconds=1)  # exact, unlike a float timestamp
    return f"{prefix}_{_b32(ms << 80, 26)}"


def new_token(nbytes: int = 24) -> str:
    """An unguessable URL-safe token (share links, sessions, API keys)."""
    return secrets.token_urlsafe(nbytes)
