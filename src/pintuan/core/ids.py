"""Prefixed, time-sortable identifiers (``ord_01J…``), like Stripe's.

The body is a ULID: 48 bits of milliseconds then 80 random bits, in Crockford base32, so ids
sort by creation time and are unguessable.
"""

from __future__ import annotations

import base64
import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# RFC 4648 base32 digit -> Crockford digit of the same value (both are 5 bits, most
# significant first), so the C encoder does the work (a flash sale makes ids by the thousand)
_TO_CROCKFORD = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", _ALPHABET.encode())


def _b32(value: int, length: int) -> str:
    """``value`` (below 32**length) as ``length`` Crockford digits, most significant first."""
    nbytes = (5 * length + 7) // 8
    aligned = (value << (8 * nbytes - 5 * length)).to_bytes(nbytes, "big")
    return base64.b32encode(aligned)[:length].translate(_TO_CROCKFORD).decode()


def new_id(prefix: str, *, ms: int | None = None) -> str:
    stamp = int(time.time() * 1000) if ms is None else ms
    body = (stamp << 80) | secrets.randbits(80)
    return f"{prefix}_{_b32(body, 26)}"


def new_token(nbytes: int = 24) -> str:
    """An unguessable URL-safe token (share links, sessions, API keys)."""
    return secrets.token_urlsafe(nbytes)
