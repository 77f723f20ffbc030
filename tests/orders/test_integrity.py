"""``pintuan check``: order lines and flash-sale entries have no foreign keys (migration
0009), so the check counts the rows that point at nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from pintuan import migrate
from pintuan.cli import app
from pintuan.core.db import make_engine
from pintuan.flashsale import store as flash_store
from pintuan.orders import store as order_store
from tests import factories as f
from tests.flashsale.helpers import buy, event


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
            conn.execute(text(
                "INSERT INTO order_lines (id, order_id, merchant_id, sku_id, stock_level_id, "
                "quantity, list_price_minor, unit_price_minor, total_minor) VALUES ('oln_1', "
                "'ord_gone', 'mer_1', 'sku_gone', 'stl_gone', 1, 100, 100, 100)"))
    finally:
        engine.dispose()
    found = runner.invoke(app, ["check"])
    assert found.exit_code == 1
    assert "order lines without their order" in found.output
