"""Real PostgreSQL: a flash batch's hold ends (its orders expire together, in one
transaction) while its shoppers are cancelling some of the same orders. Every order ends
cancelled once, its unit comes back once: the quota, the limits and the events balance."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import psycopg

from pintuan import container as containers
from pintuan.core.settings import Settings
from pintuan.core.signing import digest
from pintuan.flashsale import hot_store, lifecycle
from pintuan.flashsale.engine import BuyRequest, run_batch
from pintuan.orders import service as orders
from tests.concurrency.conftest import merchant, shopper

SHOPPERS = 16


def _event(client: httpx.Client, admin: dict[str, str]) -> str:
    r = client.post("/v1/products", headers=admin, json={
        "title": "Tea", "skus": [{"code": "EXP", "title": "Tin", "list_price_minor": 9900}]})
    sku = r.json()["skus"][0]["id"]
    client.post(f"/v1/skus/{sku}/stock/receive", headers=admin, json={"quantity": 100})
    now = datetime.now(UTC)
    r = client.post("/v1/flash-sales", headers=admin, json={
        "title": "Race", "items": [{"sku_id": sku, "sale_price_minor": 990, "quota": 50}],
        "slots": [{"starts_at": now.isoformat(),
                   "ends_at": (now + timedelta(hours=1)).isoformat()}]})
    assert r.status_code == 201, r.text
    return str(r.json()["items"][0]["id"])


def test_a_batch_expiring_while_shoppers_cancel_returns_each_unit_once(server):
    slug, admin = merchant(server)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        item_id = _event(client, admin)
        who = [shopper(client, slug, n) for n in range(SHOPPERS)]
    c = containers.build(Settings(database_url=server.database_url, secret_key="conc-secret",
                                  run_worker=False))
    try:
        with c.db.read() as session:
            facts = hot_store.item_facts(c.tx(session), item_id)
        assert facts is not None
        reqs = [BuyRequest(digest(w["Authorization"].removeprefix("Bearer ")), 1) for w in who]
        with c.db.write() as session:
            made = run_batch(c.tx(session), facts, reqs).outcomes
        assert sorted(status for status, _ in made.values()) == [201] * SHOPPERS
        with psycopg.connect(server.database_url) as conn:
            row = conn.execute("SELECT ref FROM timers WHERE kind = %s",
                               (lifecycle.HOLD_TIMER,)).fetchone()
        assert row is not None
        ids = [made[n][1]["id"] for n in range(SHOPPERS)]
        cancelling, expiring = threading.Event(), threading.Event()

        def cancel_half() -> None:
            """Shoppers cancel half the orders; their transaction commits only once the
            expiry has started, so the expiry meets their locks (or, without them, their
            uncommitted cancellations)."""
            with c.db.write() as session:
                tx = c.tx(session)
                for order_id in ids[SHOPPERS // 2:]:
                    orders.cancel(tx, orders.lock(tx, order_id), reason="cancelled_by_shopper")
                session.flush()
                cancelling.set()
                expiring.wait()
                time.sleep(0.3)

        def expire() -> None:
            cancelling.wait()
            expiring.set()
            with c.db.write() as session:
                lifecycle.expire_batch(c.tx(session), row[0])

        with ThreadPoolExecutor(max_workers=2) as pool:
            for done in [pool.submit(cancel_half), pool.submit(expire)]:
                done.result()
    finally:
        c.db.dispose()
    with psycopg.connect(server.database_url) as conn:
        reasons: dict[str, int] = dict(conn.execute(
            "SELECT cancel_reason, count(*) FROM orders WHERE status = 'cancelled' "
            "GROUP BY cancel_reason").fetchall())
        assert sum(reasons.values()) == SHOPPERS
        assert reasons == {"cancelled_by_shopper": SHOPPERS // 2, "hold_expired": SHOPPERS // 2}
        assert conn.execute("SELECT taken FROM flash_items WHERE id = %s",
                            (item_id,)).fetchone() == (0,)
        assert conn.execute("SELECT count(*), coalesce(sum(units), 0) FROM flash_usage"
                            ).fetchone() == (SHOPPERS, 0)
        for kind in ("order.cancelled", "flash_sale.unit_returned"):
            assert conn.execute("SELECT count(*) FROM events WHERE type = %s",
                                (kind,)).fetchone() == (SHOPPERS,), kind


def test_giving_limits_back_takes_rows_in_the_order_a_batch_counts_them(server):
    """An expiry gives back many shoppers' units while a buy batch counts some of the same
    shoppers (in shopper order). In a large scope PostgreSQL plans the give-back as a hash
    join walking the table, whose rows are stored "b" before "a": without taking the rows in
    shopper order first, the expiry would hold "b" while waiting for "a", the batch hold "a"
    while waiting for "b", and PostgreSQL would kill one of them."""
    c = containers.build(Settings(database_url=server.database_url, secret_key="conc-secret",
                                  run_worker=False))
    url = server.database_url.replace("+psycopg", "")
    try:
        with psycopg.connect(url, autocommit=True) as conn:  # "b" first in the table
            for shopper_id in ("b", "a"):
                conn.execute("INSERT INTO flash_usage (scope, shopper_id, units) "
                             "VALUES ('scope', %s, 1)", (shopper_id,))
            conn.execute("INSERT INTO flash_usage (scope, shopper_id, units) "
                         "SELECT 'scope', 'shp_' || n, 1 FROM generate_series(1, 20000) n")
            conn.execute("ANALYZE flash_usage")
        errors: list[BaseException] = []
        with psycopg.connect(url) as batch:
            batch.execute("SET lock_timeout = '5s'")
            batch.execute("UPDATE flash_usage SET units = units + 1 WHERE shopper_id = 'a'")

            def expire() -> None:
                try:
                    with c.db.write() as session:
                        hot_store.undo_usage(c.tx(session), "scope", [("a", 1), ("b", 1)])
                except BaseException as exc:
                    errors.append(exc)

            giving_back = threading.Thread(target=expire)
            giving_back.start()
            time.sleep(0.5)  # the expiry now waits for "a"
            batch.execute("UPDATE flash_usage SET units = units + 1 WHERE shopper_id = 'b'")
            batch.commit()
            giving_back.join(timeout=30)
        assert errors == []
        with psycopg.connect(url) as conn:
            assert dict(conn.execute("SELECT shopper_id, units FROM flash_usage WHERE "
                                     "shopper_id IN ('a', 'b')").fetchall()) == {"a": 1, "b": 1}
    finally:
        c.db.dispose()
