"""The batcher's queue, with commits the test answers by hand (no database)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from pintuan.core.errors import NotFound
from pintuan.core.settings import Settings
from pintuan.flashsale.batcher import Batcher
from pintuan.flashsale.engine import BatchResult, BuyRequest

ITEM = "fsi_1"
FACTS: Any = SimpleNamespace(item=SimpleNamespace(id=ITEM),
                             event=SimpleNamespace(per_order_limit=5))
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
