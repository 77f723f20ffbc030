"""The outbox on PostgreSQL with committed transactions: several dispatchers at once hand
every event to the consumers exactly once, in order; one pass at a time holds the queue."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg
import pytest
from sqlalchemy import func, select

from pintuan import migrate
from pintuan.core import outbox
from pintuan.core.clock import SystemClock
from pintuan.core.db import Database
from pintuan.core.outbox import Event, EventRow
from pintuan.core.settings import Settings
from pintuan.core.tx import Tx
from pintuan.core.worker import EventConsumer, Worker
from tests.databases import fresh_database

EVENTS = 1300


@pytest.fixture
def db() -> Iterator[Database]:
    with fresh_database("postgres", "pintuan_outbox") as url:
        migrate.upgrade(url)
        database = Database.for_url(url)
        yield database
        database.dispose()


def _worker(db: Database, consumer: EventConsumer) -> Worker:
    return Worker(db=db, clock=SystemClock(), settings=Settings(secret_key="t"),
                  http=httpx.Client(), timer_handlers={}, event_consumers=[consumer])


def _ignore(_tx: Tx, _events: list[Event]) -> None:
    pass


def _emit(db: Database, n: int) -> list[str]:
    with db.write() as session:
        tx = Tx(session=session, clock=SystemClock(), settings=Settings(secret_key="t"))
        return [outbox.emit(tx, merchant_id="mer_1", type="test.happened", data={"n": k})
                for k in range(n)]


def test_three_dispatchers_hand_every_event_on_once_in_order(db):
    ids = _emit(db, EVENTS)
    seen: list[list[str]] = []
    lock = threading.Lock()

    def record(_tx: Tx, events: list[Event]) -> None:
        assert all(isinstance(e.data["n"], int) and e.created_at.tzinfo for e in events)
        with lock:
            seen.append([e.id for e in events])

    def run(_: int) -> None:
        w = _worker(db, record)
        idle = 0
        while idle < 20:
            idle = 0 if w.dispatch_events() else idle + 1

    with ThreadPoolExecutor(3) as pool:
        list(pool.map(run, range(3)))
    every = [i for batch in seen for i in batch]
    assert Counter(every) == Counter(ids)  # each exactly once
    assert every == sorted(ids)  # passes never overlap, so the queue's order holds
    with db.read() as session:
        assert session.scalar(select(func.count()).where(~EventRow.dispatched)) == 0


def test_while_one_pass_holds_the_queue_another_finds_nothing(db):
    _emit(db, 3)
    inside, release = threading.Event(), threading.Event()

    def slow(_tx: Tx, _events: list[Event]) -> None:
        inside.set()
        assert release.wait(10)

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(_worker(db, slow).dispatch_events)
        assert inside.wait(10)
        assert _worker(db, _ignore).dispatch_events() == 0
        release.set()
        assert first.result(10) == 3
    assert _worker(db, _ignore).dispatch_events() == 0
    _emit(db, 2)
    assert _worker(db, _ignore).dispatch_events() == 2


def test_a_pass_racing_a_dispatcher_without_the_lock_rolls_back(db):
    """A worker of an older version (row locks, no advisory lock) may hand out the same
    events meanwhile: the pass that finds some already marked rolls back what it did."""
    ids = sorted(_emit(db, 3))
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    handed: list[list[str]] = []

    def racing(_tx: Tx, events: list[Event]) -> None:
        handed.append([e.id for e in events])
        with psycopg.connect(url, autocommit=True) as other:
            other.execute("UPDATE events SET dispatched = true WHERE id = %s", (ids[0],))

    with pytest.raises(RuntimeError, match="1 of 3 events were dispatched meanwhile"):
        _worker(db, racing).dispatch_events()
    again: list[list[str]] = []

    def record(_tx: Tx, events: list[Event]) -> None:
        again.append([e.id for e in events])

    assert _worker(db, record).dispatch_events() == 2
    assert handed == [ids]
    assert again == [ids[1:]]
