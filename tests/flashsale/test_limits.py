"""The shared rate limits' Redis fallback, with a stand-in for the Redis script."""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Any

from pintuan.core.settings import Settings
from pintuan.flashsale.limits import PREFIX, RateLimits


class Script:
    """Answers 0 (allowed) after ``delay`` seconds, recording the keys of each call."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.calls: list[list[str]] = []

    async def __call__(self, *, keys: list[str], args: list[Any]) -> int:
        del args
        self.calls.append(keys)
        await asyncio.sleep(self.delay)
        return 0


def _limits(script: Script) -> RateLimits:
    limits = RateLimits(Settings(secret_key="s", redis_url="redis://127.0.0.1:1/0"))
    limits.script = script
    return limits


def test_after_a_fallback_one_request_probes_redis_while_the_others_stay_local() -> None:
    async def run() -> None:
        script = Script(delay=0.1)
        limits = _limits(script)
        limits.down_until = time.monotonic() - 0.01  # was down; due for a probe
        await asyncio.gather(*(limits.check(f"10.0.0.{n}", f"t{n}") for n in range(5)))
        assert len(script.calls) == 1
        assert limits.down_until == 0.0  # the probe answered: shared again
        await limits.check("10.0.0.9", "t9")
        assert len(script.calls) == 2

    asyncio.run(run())


def test_the_ip_key_is_a_keyed_hash() -> None:
    async def run() -> None:
        script = Script(delay=0)
        await _limits(script).check("10.0.0.1", "t")
        [[ip_key, _]] = script.calls
        assert ip_key.startswith(PREFIX + "ip:")
        assert ip_key != PREFIX + "ip:" + hashlib.sha256(b"10.0.0.1").hexdigest()
        other = RateLimits(Settings(secret_key="other", redis_url="redis://127.0.0.1:1/0"))
        other.script = Script(delay=0)
        await other.check("10.0.0.1", "t")
        assert other.script.calls[0][0] != ip_key

    asyncio.run(run())
