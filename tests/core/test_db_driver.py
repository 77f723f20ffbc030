"""``db.driver_rows`` on PostgreSQL: one cursor kept with each connection, a fresh one after
the connection is replaced, and statements without rows answer an empty list."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from pintuan.core.db import driver_rows, make_engine
from tests.databases import ADMIN_URL


@pytest.fixture
def engine() -> Iterator[Engine]:
    found = make_engine(ADMIN_URL, pool_size=1, max_overflow=0, pool_pre_ping=False)
    yield found
    found.dispose()


def _cursor(session: Session) -> object:
    return next(v for v in session.connection().connection.info.values()
                if isinstance(v, psycopg.Cursor))


def test_statements_share_the_connections_cursor(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        assert driver_rows(session, "SELECT %(a)s::int + 1", {"a": 1}) == [(2,)]
        first = _cursor(session)
        assert driver_rows(session, "CREATE TEMP TABLE t (x int)", {}) == []
        assert driver_rows(session, "INSERT INTO t VALUES (%(x)s)", {"x": 5}) == []
        assert driver_rows(session, "SELECT x FROM t", {}) == [(5,)]
        assert driver_rows(session, "SELECT x FROM t WHERE x > 9", {}) == []
        assert driver_rows(session, "INSERT INTO t VALUES (6) RETURNING x", {}) == [(6,)]
        assert driver_rows(session, "UPDATE t SET x = x + 1", {}) == []
        assert _cursor(session) is first
    with Session(engine) as session, session.begin():  # the pool's one connection again
        assert driver_rows(session, "SELECT 7", {}) == [(7,)]
        assert _cursor(session) is first


def test_a_failed_statement_leaves_the_cursor_usable(engine: Engine) -> None:
    with Session(engine) as session:
        with pytest.raises(psycopg.errors.DivisionByZero):
            driver_rows(session, "SELECT 1 / %(z)s::int", {"z": 0})
        session.rollback()
        assert driver_rows(session, "SELECT 1 / %(z)s::int", {"z": 1}) == [(1,)]
        session.rollback()


def test_a_replaced_connection_gets_its_own_cursor(engine: Engine) -> None:
    with Session(engine) as session:
        driver_rows(session, "SELECT 1", {})
        old = _cursor(session)
        session.connection().invalidate()
        session.rollback()
        assert driver_rows(session, "SELECT pg_backend_pid() > 0", {}) == [(True,)]
        assert _cursor(session) is not old
        session.rollback()
