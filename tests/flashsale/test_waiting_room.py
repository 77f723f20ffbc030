"""The waiting room's rules, with a batcher whose batches the test answers by hand."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from pintuan.core.settings import Settings
from pintuan.flashsale.engine import SOLD_OUT, BuyRequest
from pintuan.flashsale.waiting_room import WaitingRoom

ITEM = "fsi_1"
FACTS = SimpleNamespace(item=SimpleNamespace(id=ITEM), event=SimpleNamespace(per_order_limit=5),
                        item_id=ITEM, per_order_limit=5)
WON = (201, {"id": "ord"})
LOST = (409, {"code": "shopper_limit_exceeded"})


@dataclass
class Queue:
    left: int = -1
    sold_out_until: float = 0.0
    refused: Counter[str] = field(default_factory=Counter)


class Batches:
    """Stands in for ``Batcher``: records who entered and waits for the test's answer."""

    def __init__(self, **settings: object) -> None:
        self.c = SimpleNamespace(settings=Settings(secret_key="s", **settings))
        self.queues = {ITEM: Queue()}
        self.entered: list[str] = []
        self.answers: dict[str, asyncio.Future[tuple[int, dict[str, object]]]] = {}

    async def buy(self, _facts, req):
        self.entered.append(req.token_hash)
        self.answers[req.token_hash] = asyncio.get_running_loop().create_future()
        return await self.answers[req.token_hash]

    def answer(self, who, outcome, *, left=None, sold_out=False):
        q = self.queues[ITEM]
        q.left = q.left if left is None else left
        if sold_out:
            q.sold_out_until = time.monotonic() + 60
        self.answers[who].set_result(outcome)


async def settle():
    for _ in range(5):
        await asyncio.sleep(0)


def send(room, who, *, key=None, ticket=None, quantity=1):
    return asyncio.ensure_future(room.buy(FACTS, BuyRequest(who, quantity, key), ticket))


def test_admits_in_arrival_order_only_while_demand_can_still_win_then_answers_sold_out():
    async def run():
        b = Batches()
        room = WaitingRoom(b)
        a = send(room, "a")
        await settle()
        b.answer("a", WON, left=2)  # the first batch tells what is left
        assert (await a) == WON
        tasks = {w: send(room, w) for w in "bcdef"}
        await settle()
        assert b.entered == ["a", "b", "c"]  # two in flight cover the two units left
        b.answer("b", LOST)  # a loser frees its place: the next in line goes in
        await settle()
        assert b.entered == ["a", "b", "c", "d"]
        b.answer("c", WON, left=1)
        await settle()
        assert b.entered == ["a", "b", "c", "d"]  # d covers the last unit
        b.answer("d", WON, left=0, sold_out=True)
        await settle()
        assert b.entered == ["a", "b", "c", "d"]
        for w in "ef":
            assert (await tasks[w]) == (SOLD_OUT.status, SOLD_OUT.problem())
        assert b.queues[ITEM].refused["sold_out"] == 2

    asyncio.run(run())


def test_a_keyed_waiter_is_never_told_sold_out_from_memory():
    async def run():
        b = Batches()
        room = WaitingRoom(b)
        b.queues[ITEM].left = 1
        first, keyed = send(room, "a"), send(room, "k", key="key-1")
        await settle()
        assert b.entered == ["a"]
        b.answer("a", WON, left=0, sold_out=True)
        await settle()
        assert b.entered == ["a", "k"]  # the batch replays or refuses it
        b.answer("k", WON)
        assert (await first, await keyed) == (WON, WON)

    asyncio.run(run())


def test_a_wait_that_runs_out_is_answered_queued_and_the_ticket_keeps_the_place():
    async def run():
        b = Batches(flash_wait_seconds=0.3)
        room = WaitingRoom(b)
        b.queues[ITEM].left = 1
        send(room, "a")
        await settle()
        status, queued = await send(room, "b")
        assert (status, queued["code"], queued["position"]) == (429, "queued", 2)
        assert not b.queues[ITEM].refused  # still in line: not a refusal in the report
        assert queued["estimated_wait_seconds"] >= 1
        assert 1 <= queued["retry_after"] <= 30
        later = send(room, "c")
        await settle()
        back = send(room, "b", ticket=queued["ticket"])  # came first: goes ahead of c
        forged = send(room, "d", ticket=queued["ticket"])  # another shopper's ticket
        await settle()
        b.answer("a", LOST)
        await settle()
        assert b.entered == ["a", "b"]
        b.answer("b", LOST)
        await settle()
        assert b.entered == ["a", "b", "c"]
        b.answer("c", WON, left=0, sold_out=True)
        assert (await back, await later) == (LOST, WON)
        assert (await forged)[1] == SOLD_OUT.problem()

    asyncio.run(run())


def test_a_full_room_answers_queued_at_once_and_an_old_ticket_counts_as_new():
    async def run():
        b = Batches(flash_room_max=1)
        room = WaitingRoom(b)
        b.queues[ITEM].left = 1
        send(room, "a")
        await settle()
        send(room, "b")
        await settle()
        status, body = await send(room, "c")
        assert (status, body["code"], body["position"]) == (429, "queued", 3)
        stale = room.ticket(ITEM, "c", time.time_ns() - 10**12)
        assert room.arrival(ITEM, "c", stale) > time.time_ns() - 10**9
        for bad in ("12.nonsense", "9" * 5000 + ".x", "\u00b2.x", ".", ""):
            assert room.arrival(ITEM, "c", bad) > time.time_ns() - 10**9
        assert room.arrival(ITEM, "c", body["ticket"]) < time.time_ns()

    asyncio.run(run())


def test_a_waiter_whose_client_leaves_leaves_no_count_behind():
    async def run():
        b = Batches()
        room = WaitingRoom(b)
        b.queues[ITEM].left = 1
        send(room, "a")
        gone = send(room, "b")
        await settle()
        gone.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gone
        b.answer("a", LOST)
        await settle()
        assert ITEM not in room.rooms  # nobody in flight or waiting: the room is gone
        again = send(room, "c")
        await settle()
        assert b.entered == ["a", "c"]
        b.answer("c", WON)
        assert (await again) == WON

    asyncio.run(run())


def test_a_waiter_who_leaves_right_after_admission_lets_the_next_one_in():
    async def run():
        b = Batches()
        room = WaitingRoom(b)
        b.queues[ITEM].left = 1
        send(room, "a")
        gone, nxt = send(room, "b"), send(room, "c")
        await settle()
        gone.cancel()  # its client leaves while its place comes up
        b.answer("a", LOST)
        await settle()
        with pytest.raises(asyncio.CancelledError):
            await gone
        await settle()
        assert b.entered == ["a", "c"]
        b.answer("c", WON)
        assert (await nxt) == WON

    asyncio.run(run())


def test_a_bad_quantity_is_not_counted_as_demand_in_flight():
    async def run():
        b = Batches()
        room = WaitingRoom(b)
        b.queues[ITEM].left = 1
        send(room, "bad", quantity=-10**12)  # the batcher refuses it (bad_quantity)
        await settle()
        send(room, "a"), send(room, "b")
        await settle()
        assert b.entered == ["bad", "a"]  # a covers the one unit left: b waits
        assert (room.rooms[ITEM].in_flight, room.rooms[ITEM].units) == (1, 1)

    asyncio.run(run())


def test_waiters_who_left_are_forgotten_and_an_idle_room_is_dropped():
    async def run():
        b = Batches(flash_wait_seconds=0.05)
        room = WaitingRoom(b)
        b.queues[ITEM].left = 1
        first = send(room, "a")
        await settle()
        for who in "bc":
            assert (await send(room, who))[1]["code"] == "queued"
        assert room.rooms[ITEM].waiters == []  # nobody waits: those who left are forgotten
        b.answer("a", WON)
        assert (await first) == WON
        assert ITEM not in room.rooms

    asyncio.run(run())
