"""``pintuan check``: order lines and flash-sale entries have no foreign keys (migration
0009), so the check counts the rows that point at nothing."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pintuan import migrate
from pintuan.cli import app
from pintuan.core.db import make_engine
from pintuan.core.ids import new_id
from pintuan.core.timers import TimerRow
from pintuan.core.worker import INTEGRITY_TIMER
from pintuan.flashsale import store as flash_store
from pintuan.orders import store as order_store
from tests import factories as f
from tests.flashsale.helpers import buy, event

DANGLING_LINE = text(
    "INSERT INTO order_lines (id, order_id, merchant_id, sku_id, stock_level_id, quantity, "
    "list_price_minor, unit_price_minor, total_minor) VALUES (:id, 'ord_gone', 'mer_1', "
    "'sku_gone', 'stl_gone', 1, 100, 100, 100)")


def _line_id(hours_ago: float = 0) -> str:
    return new_id("oln", ms=int((time.time() - hours_ago * 3600) * 1000))


def _found(h) -> dict[str, int]:
    with h.c.db.read() as session:
        return order_store.dangling_lines(session) | flash_store.dangling_entries(session)


def test_the_check_counts_each_kind_of_dangling_detail_row(h):
    m = f.merchant(h)
    item_id = event(h, m, quota=5)["items"][0]["id"]
    made = [buy(h, f.shopper(h, m), item_id).json()["id"] for _ in range(3)]
    assert set(_found(h).values()) == {0}
    with h.c.db.write() as session:
        session.execute(text("DELETE FROM flash_orders WHERE order_id = :o"), {"o": made[0]})
        session.execute(text("UPDATE order_lines SET sku_id = 'sku_gone' WHERE order_id = :o"),
                        {"o": made[1]})
        session.execute(text("UPDATE flash_orders SET item_id = 'fsi_gone', order_id = "
                             "'ord_gone' WHERE order_id = :o"), {"o": made[2]})
    assert _found(h) == {
        "order lines without their order": 0, "order lines without their SKU": 1,
        "order lines without their stock level": 0,
        "flash-sale entries without their order": 1,
        "flash-sale entries without their item": 1,
        "flash-sale orders without their entry": 2}


def test_pintuan_check_exits_1_when_a_row_points_at_nothing(tmp_path: Path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'check.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("PINTUAN_DATABASE_URL", url)
    monkeypatch.setenv("PINTUAN_SECRET_KEY", "test-secret")
    runner = CliRunner()
    clean = runner.invoke(app, ["check"])
    assert clean.exit_code == 0, clean.output
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(DANGLING_LINE, {"id": _line_id(hours_ago=2)})
    finally:
        engine.dispose()
    found = runner.invoke(app, ["check"])
    assert found.exit_code == 1
    assert "order lines without their order" in found.output
    recent = runner.invoke(app, ["check", "--since", "1h"])
    assert recent.exit_code == 0, recent.output  # the row was made two hours ago
    assert runner.invoke(app, ["check", "--since", "3h"]).exit_code == 1
    assert runner.invoke(app, ["check", "--since", "soon"]).exit_code == 2


def test_a_window_counts_only_the_rows_made_since_its_start(h):
    m = f.merchant(h)
    item_id = event(h, m, quota=5)["items"][0]["id"]
    made = buy(h, f.shopper(h, m), item_id).json()["id"]
    with h.c.db.write() as session:
        session.execute(DANGLING_LINE, {"id": _line_id(hours_ago=2)})
        session.execute(DANGLING_LINE, {"id": _line_id(hours_ago=-0.001)})  # the newest
        session.execute(text("DELETE FROM flash_orders WHERE order_id = :o"), {"o": made})

    def counted(session: Session, since: datetime | None) -> tuple[int, int]:
        lines = order_store.dangling_lines(session, since)["order lines without their order"]
        entries = flash_store.dangling_entries(session, since)
        return lines, entries["flash-sale orders without their entry"]

    now = datetime.now(UTC)
    with h.c.db.read() as session:
        assert counted(session, None) == (2, 1)
        assert counted(session, now - timedelta(hours=3)) == (2, 1)
        assert counted(session, now - timedelta(hours=1)) == (1, 1)
        assert counted(session, now + timedelta(minutes=1)) == (0, 0)
        # the newest lines are the new dangling one and the buy's: the old one is not read
        newest = [order_store.dangling_lines(session, None, n)["order lines without their "
                                                               "order"] for n in (1, 2, 3)]
        assert newest == [1, 1, 2]


def _integrity_timers(h) -> list[tuple[str, datetime]]:
    with h.c.db.read() as session:
        return [(r.ref, r.due_at) for r in session.scalars(
            select(TimerRow).where(TimerRow.kind == INTEGRITY_TIMER))]


def test_the_worker_counts_the_new_rows_when_due_and_logs_what_it_finds(h, caplog):
    worker = replace(h.c.worker, _next_look=None)
    with caplog.at_level(logging.ERROR, logger="pintuan.worker"):
        worker.run_once()  # schedules the first count, due now, and runs it: nothing found
        assert "integrity" not in caplog.text
        ((window, due),) = _integrity_timers(h)
        assert due == h.clock.now() + timedelta(minutes=10)
        assert datetime.fromisoformat(window) < datetime.now(UTC) - timedelta(minutes=4)
        with h.c.db.write() as session:
            session.execute(DANGLING_LINE, {"id": _line_id()})
            session.execute(DANGLING_LINE, {"id": _line_id(hours_ago=2)})  # before the window
        worker.run_once()
        assert "integrity" not in caplog.text  # not due for ten minutes
        h.clock.advance(minutes=10)
        worker.run_once()
    assert caplog.text.count("integrity: 1 order lines without their order") == 1
    ((next_window, _),) = _integrity_timers(h)
    assert next_window > window


def test_processes_share_one_count(h, caplog):
    """Each process looks for the count's timer; the first schedules it, the one that claims
    it counts, and every later count is scheduled by the one before: one log line for all."""
    workers = [replace(h.c.worker, _next_look=None) for _ in range(3)]
    with h.c.db.write() as session:
        session.execute(DANGLING_LINE, {"id": _line_id()})
    with caplog.at_level(logging.ERROR, logger="pintuan.worker"):
        for _ in range(2):
            for worker in workers:
                worker.run_once()
            assert len(_integrity_timers(h)) == 1
            h.clock.advance(minutes=10)
    assert caplog.text.count("integrity: 1 order lines without their order") == 2


def test_a_chain_ended_by_a_process_with_the_count_off_starts_again(h):
    off = replace(h.c.worker, settings=h.c.settings.model_copy(
        update={"integrity_check_minutes": 0}), _next_look=None)
    off.run_once()
    assert _integrity_timers(h) == []  # off: never scheduled
    on = replace(h.c.worker, _next_look=None)
    on.run_once()
    with h.c.db.write() as session:  # the chain's next count, claimed by the process with it off
        session.execute(update(TimerRow).where(TimerRow.kind == INTEGRITY_TIMER)
                        .values(due_at=h.clock.now()))
    off.run_once()
    assert _integrity_timers(h) == []
    assert on.keep_integrity_counted() is False  # looked ten minutes ago
    h.clock.advance(minutes=10)
    assert on.keep_integrity_counted() is True
    assert [ref for ref, _ in _integrity_timers(h)] == ["first"]


def test_the_worker_reads_only_the_newest_rows(h, caplog):
    worker = replace(h.c.worker, settings=h.c.settings.model_copy(
        update={"integrity_check_rows": 1}), _next_look=None)
    with h.c.db.write() as session:
        for _ in range(3):
            session.execute(DANGLING_LINE, {"id": _line_id()})
    with caplog.at_level(logging.ERROR, logger="pintuan.worker"):
        worker.run_once()
    assert "integrity: 1 order lines without their order among the newest 1 rows" in caplog.text
