"""SQLite writers queue for an exclusive ``flock`` beside the database file
(``db.WriterLockedConnection``): held from a writing transaction's start to its end, never
by a read, given back when the transaction cannot start."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool

from pintuan.core.db import READONLY, make_engine


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "db.sqlite"


@pytest.fixture
def engine(path: Path) -> Iterator[Engine]:
    found = make_engine(f"sqlite:///{path}")
    with found.begin() as conn:
        conn.execute(text("CREATE TABLE t (x int)"))
    yield found
    found.dispose()


def _locked(path: Path) -> bool:
    """Whether another open file of the lock is refused an exclusive lock now."""
    fd = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _insert_then_fail(engine: Engine, path: Path) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (2)"))
        assert _locked(path)
        _ = 1 / 0


def test_a_writing_transaction_holds_the_lock_until_it_ends(engine: Engine, path: Path) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
        assert _locked(path)
    assert not _locked(path)
    with pytest.raises(ZeroDivisionError):
        _insert_then_fail(engine, path)
    assert not _locked(path)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT x FROM t")).scalars().all() == [1]


def test_a_read_does_not_take_it(engine: Engine, path: Path) -> None:
    with engine.execution_options(**{READONLY: True}).begin() as conn:
        conn.execute(text("SELECT count(*) FROM t"))
        assert not _locked(path)


def test_a_second_writer_waits_in_the_queue_and_starts_when_the_first_ends(
        engine: Engine, path: Path) -> None:
    began = threading.Event()
    seen: list[list[int]] = []

    def second() -> None:
        with engine.begin() as conn:
            began.set()
            seen.append(conn.execute(text("SELECT x FROM t")).scalars().all())

    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
        waiting = threading.Thread(target=second)
        waiting.start()
        assert not began.wait(0.3)  # queued behind this transaction
    waiting.join(timeout=10)
    assert began.is_set()
    assert seen == [[1]]
    assert not _locked(path)


def test_a_writer_that_cannot_begin_gives_the_lock_back(path: Path) -> None:
    """A writer outside pintuan holds SQLite's own lock: pintuan's writer, past the file
    lock, is refused by SQLite (here after 50 ms) and leaves the file lock free."""
    engine = make_engine(f"sqlite:///{path}", poolclass=StaticPool)
    raw = engine.raw_connection()
    raw.driver_connection.execute("PRAGMA busy_timeout=50")  # type: ignore[union-attr]
    raw.close()
    outside = sqlite3.connect(path, isolation_level=None)
    outside.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError, match="locked"), engine.begin() as conn:
            conn.execute(text("SELECT 1"))
        assert not _locked(path)
    finally:
        outside.execute("ROLLBACK")
        outside.close()
        engine.dispose()
