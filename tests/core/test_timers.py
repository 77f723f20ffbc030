"""Durable timers on both backends: one timer per (kind, ref); scheduling again moves it."""

from __future__ import annotations

from datetime import timedelta

from pintuan.core import timers


def test_scheduling_again_moves_the_one_timer(h):
    now = h.clock.now()
    with h.c.db.write() as session:
        tx = h.c.tx(session)
        timers.schedule(tx, kind="test.kind", ref="r-1", due_at=now + timedelta(minutes=5))
        timers.schedule(tx, kind="test.kind", ref="r-1", due_at=now + timedelta(minutes=30))
        timers.schedule(tx, kind="test.kind", ref="r-2", due_at=now + timedelta(minutes=1))
    with h.c.db.write() as session:
        tx = h.c.tx(session)
        moved = timers.pending(tx, kind="test.kind", ref="r-1")
        assert moved is not None
        assert moved.due_at == now + timedelta(minutes=30)
        h.clock.advance(minutes=10)
        due = timers.claim_due(tx)
        assert due is not None
        assert due.ref == "r-2"
        timers.finish(tx, due.id)
        assert timers.claim_due(tx) is None


def test_schedule_unless_any_adds_a_timer_only_to_an_empty_kind(h):
    now = h.clock.now()
    with h.c.db.write() as session:
        tx = h.c.tx(session)
        assert timers.schedule_unless_any(tx, kind="test.chain", ref="first", due_at=now)
        assert not timers.schedule_unless_any(tx, kind="test.chain", ref="first", due_at=now)
        timers.schedule(tx, kind="test.chain", ref="next", due_at=now + timedelta(minutes=5))
        timers.cancel(tx, kind="test.chain", ref="first")
        assert not timers.schedule_unless_any(tx, kind="test.chain", ref="first", due_at=now)
        assert timers.schedule_unless_any(tx, kind="test.other", ref="first", due_at=now)
        found = timers.pending(tx, kind="test.chain", ref="next")
        assert found is not None
        assert found.due_at == now + timedelta(minutes=5)
        assert timers.pending(tx, kind="test.chain", ref="first") is None
