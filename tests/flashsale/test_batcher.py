"""The batcher's queue, with commits the test answers by hand (no database)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from pintuan.core.errors import NotFound
from pintuan.core.settings import Settings
from pintuan.flashsale import batcher
from pintuan.flashsale.batcher import Batcher
from pintuan.flashsale.engine import BatchResult, BuyRequest

ITEM = "fsi_1"
FACTS: Any = SimpleNamespace(item=SimpleNamespace(id=ITEM),
                             event=SimpleNamespace(per_order_limit=5),
                             item_id=ITEM, per_order_limit=5)
WON = (201, {"id": "ord"})


class Held(Batcher):
    """Each commit waits for the test's ``release`` and answers every request ``WON``."""

    def __init__(self) -> None:
        super().__init__(SimpleNamespace(settings=Settings(secret_key="s")),  # type: ignore[arg-type]
                         threads=1)
        self.release = asyncio.Event()
        self.failing = False

    async def _in_thread(self, _fn: Callable[[], Any]) -> Any:
        await self.release.wait()
        self.release.clear()
        if self.failing:
            raise RuntimeError("the database went away")
        return BatchResult(outcomes=dict.fromkeys(range(2), WON), left=3)


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def _two_buyers_one_of_whom_leaves(failing: bool) -> None:
    async def run() -> None:
        b = Held()
        b.failing = failing
        gone = asyncio.ensure_future(b.buy(FACTS, BuyRequest("a", 1)))
        stays = asyncio.ensure_future(b.buy(FACTS, BuyRequest("b", 1)))
        await settle()
        gone.cancel()
        await settle()
        b.release.set()
        answer = await asyncio.wait_for(stays, 2)
        assert answer[0] == (503 if failing else 201)
        await settle()
        assert not b.queues[ITEM].running
        assert not b.tasks

    asyncio.run(run())


def test_a_cancelled_request_does_not_stop_the_answers_of_its_batch() -> None:
    _two_buyers_one_of_whom_leaves(failing=False)


def test_a_cancelled_request_does_not_stop_the_answers_of_a_failed_batch() -> None:
    _two_buyers_one_of_whom_leaves(failing=True)


def test_an_unknown_item_is_not_cached() -> None:
    async def run() -> None:
        b = Held()
        b._read_facts = lambda _item_id: None  # type: ignore[method-assign]
        b._in_thread = Batcher._in_thread.__get__(b)  # type: ignore[method-assign]
        for n in range(3):
            with pytest.raises(NotFound):
                await b.item(f"fsi_made_up_{n}")
        assert b.facts == {}

    asyncio.run(run())


class Sized(Held):
    """Records the size of each batch; every request wins."""

    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    async def _in_thread(self, fn: Callable[[], Any]) -> Any:
        await self.release.wait()
        self.release.clear()
        return fn()

    def _commit(self, _facts: Any, buys: list[BuyRequest], _refused: Any) -> BatchResult:
        self.sizes.append(len(buys))
        return BatchResult(outcomes=dict.fromkeys(range(len(buys)), WON), left=10**6)


def test_the_next_batch_waits_a_moment_for_the_shoppers_just_answered(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """10 in a batch while 6 wait: once the 10 are answered, the next batch waits (at most
    ``LINGER``) until as many are pending as were in play (16), and carries them all; when
    they do not come back, it leaves with whoever is there once ``LINGER`` has passed."""
    monkeypatch.setattr(batcher, "LINGER", 5.0)  # far longer than any stall of the loop

    async def run() -> None:
        b = Sized()
        queue = b.queues.setdefault(ITEM, batcher._Queue())
        buys = [asyncio.ensure_future(b.buy(FACTS, BuyRequest(f"a{n}", 1))) for n in range(10)]
        await settle()
        buys += [asyncio.ensure_future(b.buy(FACTS, BuyRequest(f"b{n}", 1))) for n in range(6)]
        await settle()
        b.release.set()
        await asyncio.wait_for(asyncio.gather(*buys[:10]), 2)
        buys += [asyncio.ensure_future(b.buy(FACTS, BuyRequest(f"c{n}", 1))) for n in range(4)]
        await asyncio.sleep(0.05)
        assert len(queue.pending) == 10  # as many as the last batch carried: not enough
        buys += [asyncio.ensure_future(b.buy(FACTS, BuyRequest(f"d{n}", 1))) for n in range(6)]
        await settle()
        assert queue.pending == []  # 16: the batch left without waiting out LINGER
        b.release.set()
        await asyncio.wait_for(asyncio.gather(*buys), 2)
        assert b.sizes == [10, 16]
        ended = queue.last[0]
        monkeypatch.setattr(batcher, "LINGER", 0.2)
        buys = [asyncio.ensure_future(b.buy(FACTS, BuyRequest(f"e{n}", 1))) for n in range(3)]
        b.release.set()
        await asyncio.wait_for(asyncio.gather(*buys), 2)
        assert b.sizes == [10, 16, 3]
        assert time.monotonic() - ended >= 0.19  # nobody came back: it waited out LINGER

    asyncio.run(run())


def test_the_wait_is_for_at_most_a_full_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """25 in play, batches of at most 10: the second batch is full at once, so it leaves
    without waiting for the first one's shoppers."""
    monkeypatch.setattr(batcher, "LINGER", 5.0)
    monkeypatch.setattr(batcher, "MAX_BATCH", 10)

    async def run() -> None:
        b = Sized()
        queue = b.queues.setdefault(ITEM, batcher._Queue())
        buys = [asyncio.ensure_future(b.buy(FACTS, BuyRequest(f"a{n}", 1))) for n in range(25)]
        await settle()
        assert len(queue.pending) == 15
        b.release.set()
        await asyncio.wait_for(asyncio.gather(*buys[:10]), 2)
        await settle()
        assert len(queue.pending) == 5

    asyncio.run(run())


def test_the_crowd_that_opens_a_sale_costs_one_read_of_the_item() -> None:
    async def run() -> None:
        b = Held()
        reads: list[str] = []
        release = threading.Event()

        def read(item_id: str) -> Any:
            reads.append(item_id)
            release.wait(5)
            return FACTS

        b._read_facts = read  # type: ignore[method-assign]
        b._in_thread = Batcher._in_thread.__get__(b)  # type: ignore[method-assign]
        first = asyncio.ensure_future(b.item(ITEM))
        await settle()  # the first request has started the read
        others = [asyncio.ensure_future(b.item(ITEM)) for _ in range(49)]
        await settle()
        first.cancel()  # and its shopper leaves while the read runs
        await settle()
        release.set()
        assert await asyncio.wait_for(asyncio.gather(*others), 5) == [FACTS] * 49
        assert reads == [ITEM]
        assert await b.item(ITEM) is FACTS  # cached
        assert reads == [ITEM]
        assert b.reading == {}

    asyncio.run(run())


def test_a_failed_read_of_the_item_reaches_every_waiter_and_is_not_kept() -> None:
    async def run() -> None:
        b = Held()
        reads: list[int] = []

        def read(_item_id: str) -> Any:
            reads.append(1)
            if len(reads) == 1:
                raise RuntimeError("the database went away")
            return FACTS

        b._read_facts = read  # type: ignore[method-assign]
        b._in_thread = Batcher._in_thread.__get__(b)  # type: ignore[method-assign]
        answers = await asyncio.gather(*(b.item(ITEM) for _ in range(5)),
                                       return_exceptions=True)
        assert all(isinstance(a, RuntimeError) for a in answers)
        assert (reads, b.facts, b.reading) == ([1], {}, {})
        assert await b.item(ITEM) is FACTS
        assert len(reads) == 2

    asyncio.run(run())
