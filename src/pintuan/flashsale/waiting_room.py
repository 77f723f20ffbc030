"""The waiting room in front of an item's batches: admission in arrival order, and a quick
honest answer for those who cannot be admitted yet.

A buy enters its item's batch queue at once while the demand already admitted cannot take
every unit left: fewer units in flight (sent to a batch, not yet answered) than the last
batch left (``Batcher`` learns it in each commit), and fewer than ``flash_queue_max``
requests in flight. Otherwise it waits here, in arrival order, and is admitted as answers
come back. So once the quota is covered by those ahead, later shoppers cost the database
nothing: when the batches ahead sell the last unit, everyone waiting is told ``sold_out``
from memory at once; when some of those ahead lose (limits, expired sessions), the next in
line go in.

A shopper who cannot be admitted within ``flash_wait_seconds`` (or finds the room full,
``flash_room_max``) gets 429 ``queued`` with a ticket, the number of requests ahead, an
estimated wait and ``Retry-After``. Sending the buy again with ``Flash-Ticket: <ticket>``
keeps the place: the ticket is signed and carries the first arrival's time, and waiters are
admitted by that time, so a returning shopper goes ahead of everyone who came later.

Across processes: each process admits its own waiters in arrival order; the order between
processes is the order in which their batches take the item row's lock. A ticket carries
its arrival time to whichever process the retry reaches (server clocks agree to
milliseconds under NTP), so a returning shopper keeps the place everywhere. One global
queue would need one sequencer per item on the hot path for every request; the per-process
order is what the batching gives for free. (Idempotency-keyed waiters go on to the batcher:
a retry must replay its first answer, which the batcher reads, without a batch once the item
is known sold out.)
"""

from __future__ import annotations

import asyncio
import bisect
import hashlib
import hmac
import math
import time
from dataclasses import dataclass, field

from pintuan.core.errors import TooManyRequests
from pintuan.flashsale.batcher import Batcher
from pintuan.flashsale.engine import SOLD_OUT, BuyRequest, Outcome
from pintuan.flashsale.hot_store import ItemFacts

TICKET_SECONDS = 300
MAX_RETRY_AFTER = 30
RATE_WINDOW = 0.5


@dataclass(order=True)
class _Waiter:
    arrival_ns: int
    seq: int
    req: BuyRequest = field(compare=False)
    fut: asyncio.Future[Outcome | None] = field(compare=False)


@dataclass
class _Room:
    """``waiters[head:]`` in arrival order; those whose future is cancelled (their wait ran
    out, their client left: ``gone`` of them) are skipped when reached, not searched for
    and removed, so a wave of time-outs costs no more than the wave."""

    waiters: list[_Waiter] = field(default_factory=list)
    head: int = 0
    gone: int = 0
    in_flight: int = 0
    units: int = 0
    rate: float = 0.0  # answers a second, measured over RATE_WINDOW
    window: tuple[float, int] = (0.0, 0)

    def waiting(self) -> int:
        return len(self.waiters) - self.head - self.gone

    def next(self) -> _Waiter | None:
        while self.head < len(self.waiters):
            w = self.waiters[self.head]
            self.head += 1
            if not w.fut.cancelled():
                self._compact()
                return w
            self.gone -= 1
        self.waiters, self.head = [], 0
        return None

    def _compact(self) -> None:
        if self.head > 1024 and self.head * 2 > len(self.waiters):
            del self.waiters[:self.head]
            self.head = 0

    def leave(self, w: _Waiter) -> int:
        """Take a waiter out of line; how many are at most ahead of it."""
        w.fut.cancel()
        self.gone += 1
        return bisect.bisect_left(self.waiters, w, lo=self.head) - self.head


class WaitingRoom:
    def __init__(self, batcher: Batcher) -> None:
        self.batcher = batcher
        self.settings = batcher.c.settings
        self.rooms: dict[str, _Room] = {}
        self.seq = 0

    def ticket(self, item_id: str, token_hash: str, arrival_ns: int) -> str:
        mac = hmac.new(self.settings.secret_key.encode(),
                       f"{item_id}|{token_hash}|{arrival_ns}".encode(), hashlib.sha256)
        return f"{arrival_ns}.{mac.hexdigest()[:32]}"

    def arrival(self, item_id: str, token_hash: str, ticket: str | None) -> int:
        """The first arrival's time a valid ticket carries, else now."""
        now = time.time_ns()
        stamp, _, _ = (ticket or "").partition(".")
        if 0 < len(stamp) <= 20 and stamp.isascii() and stamp.isdigit() and hmac.compare_digest(
                ticket or "", self.ticket(item_id, token_hash, int(stamp))):
            at = int(stamp)
            if now - TICKET_SECONDS * 10**9 < at <= now:
                return at
        return now

    def _may_enter(self, item_id: str, room: _Room) -> bool:
        if room.in_flight == 0:
            return True
        left = self.batcher.queues[item_id].left if item_id in self.batcher.queues else -1
        return (room.in_flight < self.settings.flash_queue_max
                and (left < 0 or room.units < left))

    def _pump(self, item_id: str, room: _Room) -> None:
        self._admit_waiters(item_id, room)
        self._tidy(item_id, room)

    def _tidy(self, item_id: str, room: _Room) -> None:
        """Nobody waiting: forget those who left; nobody in flight either: drop the room."""
        if room.waiting():
            return
        room.waiters, room.head, room.gone = [], 0, 0
        if room.in_flight == 0 and self.rooms.get(item_id) is room:
            del self.rooms[item_id]

    def _admit_waiters(self, item_id: str, room: _Room) -> None:
        """Admit waiters in order while the rule allows; all of them, told sold out, once
        the batches found the item sold out."""
        q = self.batcher.queues.get(item_id)
        if q is not None and q.sold_out_until > time.monotonic():
            while (w := room.next()) is not None:
                if w.req.key is None:
                    q.refused[SOLD_OUT.code] += 1
                    w.fut.set_result((SOLD_OUT.status, SOLD_OUT.problem()))
                else:
                    self._admit(room, w)
            return
        while room.waiting() and self._may_enter(item_id, room):
            w = room.next()
            assert w is not None
            self._admit(room, w)

    @staticmethod
    def _admit(room: _Room, w: _Waiter) -> None:
        room.in_flight, room.units = room.in_flight + 1, room.units + w.req.quantity
        w.fut.set_result(None)

    async def _enter(self, facts: ItemFacts, room: _Room, req: BuyRequest,
                     counted: bool) -> Outcome:
        if not counted:
            room.in_flight, room.units = room.in_flight + 1, room.units + req.quantity
        try:
            return await self.batcher.buy(facts, req)
        finally:
            room.in_flight, room.units = room.in_flight - 1, room.units - req.quantity
            self._measure(room)
            self._pump(facts.item_id, room)

    def _measure(self, room: _Room) -> None:
        now = time.monotonic()
        start, done = room.window
        if now - start >= RATE_WINDOW:
            room.rate = (done + 1) / (now - start) if start else room.rate
            room.window = (now, 0)
        else:
            room.window = (start, done + 1)

    def _queued(self, facts: ItemFacts, room: _Room, req: BuyRequest, arrival_ns: int,
                ahead: int) -> Outcome:
        position = room.in_flight + ahead + 1
        wait = max(1, math.ceil(position / room.rate)) if room.rate > 0 else 1
        exc = TooManyRequests(
            "many shoppers are buying this item; you are in line: send the buy again with "
            "your ticket in the Flash-Ticket header to keep your place", code="queued",
            ticket=self.ticket(facts.item_id, req.token_hash, arrival_ns),
            position=position, estimated_wait_seconds=wait,
            retry_after=min(wait, MAX_RETRY_AFTER))
        return exc.status, exc.problem()  # not a refusal: the shopper is still in line

    async def buy(self, facts: ItemFacts, req: BuyRequest, ticket: str | None) -> Outcome:
        if not 1 <= req.quantity <= facts.per_order_limit:
            return await self.batcher.buy(facts, req)  # refused there, counted nowhere here
        item_id = facts.item_id
        room = self.rooms.get(item_id)
        if room is None:
            room = self.rooms[item_id] = _Room()
        if not room.waiting() and self._may_enter(item_id, room):
            return await self._enter(facts, room, req, counted=False)
        arrival_ns = self.arrival(item_id, req.token_hash, ticket)
        if room.waiting() >= self.settings.flash_room_max:
            return self._queued(facts, room, req, arrival_ns, room.waiting())
        self.seq += 1
        w = _Waiter(arrival_ns, self.seq, req, asyncio.get_running_loop().create_future())
        bisect.insort(room.waiters, w, lo=room.head)
        self._pump(item_id, room)
        answer = await self._wait(item_id, room, w)
        if answer is None:
            return await self._enter(facts, room, req, counted=True)
        if answer[0] == 0:
            return self._queued(facts, room, req, arrival_ns, answer[1]["ahead"])
        return answer

    async def _wait(self, item_id: str, room: _Room, w: _Waiter) -> Outcome | None:
        """None once admitted (counted in flight), an answer, or (0, {"ahead": n}) when the
        wait ran out. A waiter whose client went away leaves no count behind."""
        try:
            return await asyncio.wait_for(asyncio.shield(w.fut), self.settings.flash_wait_seconds)
        except (TimeoutError, asyncio.CancelledError) as exc:
            if w.fut.done():
                if isinstance(exc, TimeoutError):
                    return w.fut.result()
                if w.fut.result() is None:
                    room.in_flight, room.units = room.in_flight - 1, room.units - w.req.quantity
                    self._pump(item_id, room)  # its place goes to the next in line
                raise
            ahead = room.leave(w)
            self._tidy(item_id, room)
            if isinstance(exc, TimeoutError):
                return 0, {"ahead": ahead}
            raise
