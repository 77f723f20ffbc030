"""Per-IP and per-shopper rate limits of the buy path, shared by every server process.

With ``PINTUAN_REDIS_URL`` set, both token buckets of a request are taken in Redis by one
script (one round trip, atomic, on Redis's clock), so N processes together allow the
configured rate, not N times it. Keys hold a keyed hash (HMAC with the server secret) of the
client IP and a hash of the session token (never either) and expire once a full bucket
would have refilled.

Redis is a protection, never the source of truth: what a shopper may buy (per-slot and
per-event limits) is enforced in PostgreSQL in the batch, whatever Redis says or forgets.
So when Redis is unreachable or slow (more than ``REDIS_TIMEOUT`` seconds), the request is
not refused: it is checked against this process's own buckets (``gate.Buckets``, with N
processes a client may then get up to N times the rate), Redis is left alone for
``RETRY_AFTER`` seconds and then tried again by one request (the others keep to this
process's buckets until it answers). When Redis restarts empty (or is flushed),
every bucket starts full again: each client gets one fresh burst, then the shared rate.
Without ``PINTUAN_REDIS_URL``, the per-process buckets are all there is.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from typing import Any

from redis import asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from pintuan.core.errors import TooManyRequests
from pintuan.core.settings import Settings
from pintuan.flashsale.gate import Buckets

log = logging.getLogger("pintuan.flashsale")
REDIS_TIMEOUT = 0.25
RETRY_AFTER = 1.0
PREFIX = "pintuan:flash:rate:"

# KEYS: ip bucket, shopper bucket. ARGV: ip rate, ip burst, shopper rate, shopper burst.
# Returns 0 (allowed), 1 (the IP is over its rate) or 2 (the shopper is). A refused IP
# does not spend the shopper's token, as in the per-process buckets.
_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local function take(key, rate, burst)
  if rate <= 0 then return true end
  local v = redis.call('HMGET', key, 'l', 't')
  local level = tonumber(v[1]) or burst
  local at = tonumber(v[2]) or now
  level = math.min(burst, level + math.max(0, now - at) * rate)
  local ok = level >= 1
  if ok then level = level - 1 end
  redis.call('HSET', key, 'l', tostring(level), 't', tostring(now))
  redis.call('PEXPIRE', key, math.ceil(burst / rate * 1000) + 1000)
  return ok
end
if not take(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])) then return 1 end
if not take(KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[4])) then return 2 end
return 0
"""


class RateLimits:
    """``check`` raises ``TooManyRequests`` for a client over its rate. Shoppers are known
    by the hash of their session token."""

    def __init__(self, settings: Settings) -> None:
        self.ip_rate, self.shopper_rate = settings.flash_ip_rate, settings.flash_shopper_rate
        self.per_ip = Buckets(self.ip_rate, 2 * self.ip_rate)
        self.per_shopper = Buckets(self.shopper_rate, 2 * self.shopper_rate)
        self.url = settings.redis_url
        self.secret = settings.secret_key.encode()
        self.redis: aioredis.Redis | None = None
        self.script: Any = None
        self.down_until = 0.0

    def _connect(self) -> Any:
        if self.script is None:
            assert self.url is not None
            self.redis = aioredis.Redis.from_url(
                self.url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT,
                retry=Retry(NoBackoff(), 0))  # a failure falls back at once, never waits
            self.script = self.redis.register_script(_SCRIPT)
        return self.script

    async def _shared(self, ip: str, token_hash: str) -> int | None:
        """Redis's verdict, or None when Redis cannot give one now."""
        if self.url is None or self.down_until > time.monotonic():
            return None
        if self.down_until:  # this request probes; the others stay local until it answers
            self.down_until = time.monotonic() + RETRY_AFTER
        ip_key = hmac.new(self.secret, f"pintuan-flash-ip:{ip}".encode(), hashlib.sha256)
        try:
            verdict = await self._connect()(
                keys=[PREFIX + "ip:" + ip_key.hexdigest(), PREFIX + "shopper:" + token_hash],
                args=[self.ip_rate, 2 * self.ip_rate, self.shopper_rate,
                      2 * self.shopper_rate])
        except (RedisError, OSError) as exc:
            if not self.down_until:
                log.warning("flash-sale rate limits fall back to this process: %s", exc)
            self.down_until = time.monotonic() + RETRY_AFTER
            return None
        if self.down_until:
            log.warning("flash-sale rate limits shared through Redis again")
            self.down_until = 0.0
        return int(verdict)

    async def check(self, ip: str, token_hash: str) -> None:
        if self.ip_rate <= 0 and self.shopper_rate <= 0:
            return
        verdict = await self._shared(ip, token_hash)
        if verdict is None:
            verdict = (1 if not self.per_ip.allow(ip)
                       else 2 if not self.per_shopper.allow(token_hash) else 0)
        if verdict == 1:
            raise TooManyRequests("too many buys from this address; retry in a moment",
                                  code="rate_limited_ip")
        if verdict == 2:
            raise TooManyRequests("too many buys from this shopper; retry in a moment",
                                  code="rate_limited_shopper")
