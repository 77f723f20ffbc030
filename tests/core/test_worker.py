"""The worker's look at its queues, on both backends: one read says whether a timer is due,
an event waits for dispatch or a delivery for an attempt; an idle pass does nothing more."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from pintuan.core import delivery, outbox, timers
from pintuan.core.worker import waiting_work


def _write(h: Any, fn: Any) -> Any:
    with h.c.db.write() as session:
        return fn(h.c.tx(session))


def test_a_timer_is_work_once_due(h):
    h.drain()
    assert not h.c.worker.work_waiting()
    _write(h, lambda tx: timers.schedule(tx, kind="test.kind", ref="r-1",
                                         due_at=tx.now() + timedelta(minutes=5)))
    assert not h.c.worker.work_waiting()
    h.clock.advance(minutes=5)
    assert h.c.worker.work_waiting()
    _write(h, lambda tx: timers.cancel(tx, kind="test.kind", ref="r-1"))
    assert not h.c.worker.work_waiting()


def test_a_queued_event_is_work_until_dispatched(h):
    h.drain()
    event_id = _write(h, lambda tx: outbox.emit(tx, merchant_id="mer_x", type="test.happened",
                                                data={}))
    assert h.c.worker.work_waiting()
    _write(h, lambda tx: outbox.mark_dispatched(tx, [event_id]))
    assert not h.c.worker.work_waiting()


def test_a_delivery_is_work_until_leased(h):
    h.drain()
    _write(h, lambda tx: delivery.enqueue(
        tx, merchant_id="mer_x", target="webhook:x", event_id="evt_x", event_type="test",
        url="http://127.0.0.1:9/", payload="{}", signature_header="Sig", secret_sealed="-"))
    assert h.c.worker.work_waiting()
    leased = _write(h, lambda tx: [d.id for d in delivery.claim_due(tx)])
    assert len(leased) == 1
    assert not h.c.worker.work_waiting()
    h.clock.advance(seconds=delivery.LEASE.total_seconds())
    assert h.c.worker.work_waiting()


def test_an_idle_pass_only_looks(h, monkeypatch):
    h.drain()

    def forbidden() -> int:
        pytest.fail("an idle pass opened a queue's transaction")

    for name in ("run_timers", "dispatch_events", "send_deliveries"):
        monkeypatch.setattr(h.c.worker, name, forbidden)
    assert h.c.worker.run_once() == 0


@pytest.mark.parametrize("backend", ["postgres"])
def test_the_look_walks_indexes_however_stale_the_statistics(h):
    """A flash sale adds thousands of dispatched events and future timers a second, faster
    than the planner's statistics follow (here: none of these rows analyzed). An EXISTS
    form of the look scanned whole tables four times a second per process (~18 ms each
    at 300,000 events)."""
    sql = str(waiting_work(h.clock.now()).compile(dialect=postgresql.dialect(),
                                                  compile_kwargs={"literal_binds": True}))
    with h.c.db.write() as session:
        session.execute(text(
            "INSERT INTO events (id, merchant_id, type, data, created_at, dispatched) "
            "SELECT 'evt' || g, 'mer_x', 'test', '{}', now(), true "
            "FROM generate_series(1, 30000) g"))
        session.execute(text(
            "INSERT INTO timers (id, kind, ref, due_at, attempts) "
            "SELECT 'tmr' || g, 'test.kind', 'r' || g, now() + interval '15 minutes', 0 "
            "FROM generate_series(1, 5000) g"))
        plan = "\n".join(str(r[0]) for r in session.execute(text("EXPLAIN " + sql)))
    assert "Seq Scan" not in plan, plan
