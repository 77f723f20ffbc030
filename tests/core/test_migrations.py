"""A fresh database migrated to head has exactly the tables, columns and indexes of the models."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from pintuan import migrate, models
from pintuan.core.db import make_engine
from tests.databases import fresh_database


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    with fresh_database("postgres", "pintuan_mig") as url:
        yield url


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


def test_0007_rewrites_creator_phones_in_e164_and_gives_merchants_a_region(fresh_url):
    cfg = migrate.config(fresh_url)
    command.upgrade(cfg, "0006")
    engine = make_engine(fresh_url)
    now = "2026-12-01 00:00:00+00:00"
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO merchants (id, name, slug, currency, created_at) "
                              "VALUES ('mer_1', 'Tea', 'tea', 'CNY', :now)"), {"now": now})
            for cid, phone in (("cr_1", "8613800000000"), ("cr_2", "13900000000"),
                               ("cr_3", "123"), ("cr_4", None), ("cr_5", "13012345678"),
                               ("cr_6", "15012345678"), ("cr_7", "17012345678")):
                conn.execute(text(
                    "INSERT INTO creators (id, merchant_id, name, email, phone, segments, "
                    "status, created_at) VALUES (:id, 'mer_1', 'C', NULL, :phone, '[]', "
                    "'active', :now)"), {"id": cid, "phone": phone, "now": now})
            conn.execute(text("INSERT INTO shoppers (id, merchant_id, email, name, "
                              "password_hash, created_at) VALUES ('shp_1', 'mer_1', 'a@x.cn', "
                              "'A', 'x', :now)"), {"now": now})
            conn.execute(text("UPDATE creators SET shopper_id = 'shp_1' WHERE id = 'cr_4'"))
        command.upgrade(cfg, "head")
        with engine.connect() as conn:
            phones = dict(conn.execute(text("SELECT id, phone FROM creators")).all())
            region = conn.execute(text("SELECT phone_region FROM merchants")).scalar_one()
        assert phones == {"cr_1": "+8613800000000", "cr_2": "+8613900000000", "cr_3": "123",
                          "cr_4": None, "cr_5": "+8613012345678", "cr_6": "+8615012345678",
                          "cr_7": "+8617012345678"}
        assert region == "CN"
        command.downgrade(cfg, "0006")
        command.upgrade(cfg, "head")
    finally:
        engine.dispose()
