"""Protection in front of the batches: per-IP and per-shopper rate limits, and a bounded
queue per item.

These token buckets live in one server process (with N processes a client may get up to N
times the rate; the per-shopper limits that matter for fairness are enforced in the
database). ``limits.RateLimits`` shares them across processes through Redis when it has one,
and falls back to these.
A full queue answers at once with 429 and ``Retry-After`` instead of letting latency grow
without bound; requests already queued keep their arrival order.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

BUCKETS_MAX = 100_000


@dataclass
class Buckets:
    """Token buckets: ``rate`` requests a second, bursts of ``burst``; rate 0 turns it off."""

    rate: float
    burst: float
    tokens: dict[str, tuple[float, float]] = field(default_factory=dict)

    def allow(self, key: str, now: float | None = None) -> bool:
        if self.rate <= 0:
            return True
        now = time.monotonic() if now is None else now
        level, at = self.tokens.get(key, (self.burst, now))
        level = min(self.burst, level + (now - at) * self.rate)
        if len(self.tokens) >= BUCKETS_MAX:
            self.tokens.clear()
        if level < 1:
            self.tokens[key] = (level, now)
            return False
        self.tokens[key] = (level - 1, now)
        return True
