"""Shared steps of the flash-sale concurrency tests: set a sale up, fire buys, read ledgers."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.concurrency.crowd import Brand, Servers, brand
from tests.concurrency.integrity import dangling
from tests.databases import drop_database, make_database

BUY = "/v1/me/flash-orders"


@pytest.fixture(params=["postgres", "sqlite"])
def crowd(request: pytest.FixtureRequest) -> Iterator[tuple[Brand, Servers]]:
    db_url = make_database(request.param)
    b = brand(db_url, 2100)
    servers = Servers(db_url, workers=2, hold_minutes=1)
    servers.start()
    try:
        yield b, servers
    finally:
        servers.stop()
        drop_database(db_url)


def setup_sale(url: str, b: Brand, *, stock: int, quota: int) -> tuple[str, str, str]:
    """A SKU with stock and a live one-slot sale on it: (sku id, event id, item id)."""
    admin = {"Authorization": f"Bearer {b.key}"}
    with httpx.Client(base_url=url, timeout=30) as c:
        r = c.post("/v1/products", headers=admin, json={
            "title": "Tea", "skus": [{"code": "HOT", "title": "Tin", "list_price_minor": 9900}]})
        sku = r.json()["skus"][0]["id"]
        c.post(f"/v1/skus/{sku}/stock/receive", headers=admin, json={"quantity": stock})
        now = datetime.now(UTC)
        r = c.post("/v1/flash-sales", headers=admin, json={
            "title": "Hot", "items": [{"sku_id": sku, "sale_price_minor": 990, "quota": quota}],
            "slots": [{"starts_at": now.isoformat(),
                       "ends_at": (now + timedelta(hours=2)).isoformat()}]})
        assert r.status_code == 201, r.text
        return sku, r.json()["id"], r.json()["items"][0]["id"]


Answer = tuple[str, int, dict[str, Any]]


def fire(url: str, item_id: str, jobs: list[tuple[str, str | None]], threads: int = 64,
         sink: list[Answer] | None = None) -> list[Answer]:
    """POST a buy per (token, idempotency key) concurrently: (token, status, body) each, in
    order; also appended to ``sink`` as they arrive. Status 0: no answer (not acknowledged);
    a keyed request is retried with its key first, as a client should after a lost answer."""
    limits = httpx.Limits(max_connections=threads, max_keepalive_connections=threads)
    with httpx.Client(base_url=url, timeout=60, limits=limits) as c:
        def one(job: tuple[str, str | None]) -> Answer:
            token, key = job
            headers = {"Authorization": f"Bearer {token}"}
            if key:
                headers["Idempotency-Key"] = key
            answer: Answer = (token, 0, {})
            for _ in range(3 if key else 1):  # a keyed request is safe to send again
                try:
                    r = c.post(BUY, headers=headers, json={"item_id": item_id})
                except httpx.HTTPError:
                    continue
                answer = (token, r.status_code, r.json())
                break
            if sink is not None:
                sink.append(answer)
            return answer
        with ThreadPoolExecutor(threads) as pool:
            return list(pool.map(one, jobs))


def query(db_url: str, sql: str, **params: Any) -> list[Any]:
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params))
    finally:
        engine.dispose()


def ledgers(db_url: str, item_id: str, sku: str) -> dict[str, Any]:
    """Every count the invariants compare, read straight from storage."""
    item = query(db_url, "SELECT quota, taken FROM flash_items WHERE id = :i", i=item_id)[0]
    level = query(db_url, "SELECT received, available, reserved, sold FROM stock_levels "
                          "WHERE sku_id = :s", s=sku)[0]
    by_status = dict(query(db_url, "SELECT status, count(*) FROM orders WHERE kind = 'flashsale' "
                                   "AND ref = :i GROUP BY status", i=item_id))
    live_per_shopper = query(db_url, "SELECT shopper_id, count(*) FROM orders WHERE ref = :i "
                                     "AND status <> 'cancelled' GROUP BY shopper_id "
                                     "HAVING count(*) > 1", i=item_id)
    usage = query(db_url, "SELECT coalesce(sum(units), 0) FROM flash_usage u JOIN flash_items i "
                          "ON u.scope = i.event_id WHERE i.id = :i", i=item_id)[0][0]
    return {"quota": item[0], "taken": item[1], "received": level[0], "available": level[1],
            "reserved": level[2], "sold": level[3], "orders": by_status,
            "shoppers_over_limit": len(live_per_shopper), "usage": int(usage),
            "detail_faults": detail_faults(db_url, item_id)}


def detail_faults(db_url: str, item_id: str) -> int:
    """The item's orders without exactly one matching line and flash entry, and any line or
    entry pointing at nothing (``pintuan check``'s counts): what foreign keys on these
    detail tables would have refused (they have none: migration 0009)."""
    unmatched = query(db_url, """
        SELECT count(*) FROM orders o JOIN flash_items i ON i.id = o.ref
        WHERE o.ref = :i AND (
          (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id AND l.sku_id = i.sku_id
             AND l.stock_level_id = i.stock_level_id AND l.total_minor = o.total_minor) <> 1
          OR (SELECT count(*) FROM flash_orders f WHERE f.order_id = o.id AND f.item_id = i.id
             AND f.shopper_id = o.shopper_id) <> 1)""", i=item_id)[0][0]
    return int(unmatched) + dangling(db_url)
