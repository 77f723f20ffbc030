"""The waiting room under a crowd, on two real server processes and PostgreSQL.

Few buys may be in flight per process (``PINTUAN_FLASH_QUEUE_MAX=2``) and a wait is short
(``PINTUAN_FLASH_WAIT_SECONDS=0.05``), so many shoppers are answered 429 ``queued``; each
comes back with its ticket until it gets a final answer. Every unit is sold exactly once,
every final answer is an order or ``sold_out``, and every queued answer says where the
shopper stands and when to come back.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.concurrency.crowd import Servers, brand
from tests.concurrency.flash_sale import BUY, ledgers, setup_sale
from tests.databases import drop_database, make_database

QUOTA, SHOPPERS = 200, 600


def _until_final(c: httpx.Client, item_id: str, token: str) -> tuple[int, dict[str, Any], int]:
    """Buy, and buy again with the ticket while queued: (status, body, times queued)."""
    headers = {"Authorization": f"Bearer {token}"}
    for queued in range(400):
        r = c.post(BUY, headers=headers, json={"item_id": item_id})
        body = r.json()
        if body.get("code") != "queued":
            return r.status_code, body, queued
        assert r.status_code == 429
        assert body["position"] >= 1
        assert body["estimated_wait_seconds"] >= 1
        assert r.headers["Retry-After"] == str(body["retry_after"])
        headers["Flash-Ticket"] = body["ticket"]
        time.sleep(0.02)  # a real client waits Retry-After; the test keeps it short
    raise AssertionError("still queued after 400 tries")


def test_a_crowd_queued_with_tickets_buys_every_unit_exactly_once():
    db_url = make_database("postgres")
    b = brand(db_url, SHOPPERS)
    servers = Servers(db_url, workers=2, env={
        "PINTUAN_FLASH_QUEUE_MAX": "2", "PINTUAN_FLASH_WAIT_SECONDS": "0.05",
        "PINTUAN_FLASH_SHOPPER_RATE": "0"})
    servers.start()
    try:
        sku, _, item_id = setup_sale(servers.url, b, stock=1000, quota=QUOTA)
        limits = httpx.Limits(max_connections=128, max_keepalive_connections=128)
        with httpx.Client(base_url=servers.url, timeout=60, limits=limits) as c, \
                ThreadPoolExecutor(128) as pool:
            answers = list(pool.map(lambda t: _until_final(c, item_id, t), b.tokens))
        won = [body for status, body, _ in answers if status == 201]
        assert len(won) == QUOTA
        assert {body["code"] for status, body, _ in answers if status != 201} == {"sold_out"}
        assert sum(n for *_, n in answers) > 0  # the room did hold shoppers back
        state = ledgers(db_url, item_id, sku)
        assert (state["taken"], state["reserved"], state["usage"]) == (QUOTA, QUOTA, QUOTA)
        assert state["orders"] == {"pending_payment": QUOTA}
        assert state["shoppers_over_limit"] == 0
    finally:
        servers.stop()
        drop_database(db_url)
