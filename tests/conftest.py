"""Fixtures: one app per test on SQLite or PostgreSQL, isolated by a rolled-back transaction."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pintuan import container as containers
from pintuan import migrate
from pintuan.api import create_app
from pintuan.container import Container
from pintuan.core.clock import FakeClock
from pintuan.core.db import Database, make_engine
from pintuan.core.settings import Settings

# Each pytest-xdist worker gets a test database of its own.
PG_URL = (os.environ.get("PINTUAN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/pintuan_test")
          + os.environ.get("PYTEST_XDIST_WORKER", "").replace("gw", "_gw"))
BACKENDS = ["sqlite", "postgres"]


def _pg_ready() -> None:
    """A fresh test database each run: nothing a run (or an older schema) left behind."""
    import psycopg

    base = PG_URL.rsplit("/", 1)[0] + "/postgres"
    name = PG_URL.rsplit("/", 1)[1]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


@pytest.fixture(scope="session")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Engine]]:
    sqlite_url = f"sqlite:///{Path(tmp_path_factory.mktemp('db')) / 'test.db'}"
    _pg_ready()
    out: dict[str, Engine] = {}
    for name, url in (("sqlite", sqlite_url), ("postgres", PG_URL)):
        migrate.upgrade(url)
        out[name] = make_engine(url)
    yield out
    for engine in out.values():
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class Harness:
    def __init__(self, c: Container, client: TestClient, clock: FakeClock) -> None:
        self.c, self.client, self.clock = c, client, clock

    def drain(self) -> None:
        self.c.worker.drain()

    def advance(self, **kw: float) -> None:
        self.clock.advance(**kw)
        self.drain()


@pytest.fixture
def h(engines: dict[str, Engine], backend: str) -> Iterator[Harness]:
    conn = engines[backend].connect()
    outer = conn.begin()
    clock = FakeClock()
    settings = Settings(database_url="sqlite://", secret_key="test-secret",
                        public_url="http://testserver", run_worker=False)
    db = Database.bound_to(conn)
    c = containers.build(settings, db=db, clock=clock)
    app = create_app(c, run_worker=False)
    with TestClient(app, raise_server_exceptions=True) as client:
        c.worker.http = client
        yield Harness(c, client, clock)
    outer.rollback()
    conn.close()


HOUR = timedelta(hours=1)
