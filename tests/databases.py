"""Throwaway databases for tests and benches that need committed transactions or servers of
their own: a fresh SQLite file or PostgreSQL database (on the test server), dropped after."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from tests.conftest import PG_URL

ADMIN_URL = PG_URL.rsplit("/", 1)[0] + "/postgres"


def make_database(backend: str, prefix: str = "pintuan_tmp") -> str:
    """The URL of a new empty database (not migrated); ``drop_database`` removes it."""
    if backend == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix=prefix)}/db.sqlite"
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    if url.startswith("postgresql"):
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@contextmanager
def fresh_database(backend: str, prefix: str = "pintuan_tmp") -> Iterator[str]:
    url = make_database(backend, prefix)
    try:
        yield url
    finally:
        drop_database(url)
