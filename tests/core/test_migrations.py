"""A fresh database migrated to head has exactly the tables, columns and indexes of the models."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pintuan import migrate, models
from pintuan.core.db import make_engine
from tests.conftest import PG_URL

ADMIN_URL = PG_URL.rsplit("/", 1)[0] + "/postgres"


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"pintuan_mig_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrations_at_head_match_the_models(fresh_url):
    migrate.upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                             "compare_server_default": True})
            diff = compare_metadata(context, models.metadata())
    finally:
        engine.dispose()
    assert diff == []


def test_the_comparison_sees_a_missing_column(tmp_path):
    url = f"sqlite:///{tmp_path / 'drift.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE merchants ADD COLUMN stray INTEGER")
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), models.metadata())
    finally:
        engine.dispose()
    assert [d[0] for d in diff] == ["remove_column"]
