"""A group whose deadline passes while the server is down is settled soon after restart."""

from __future__ import annotations

import time

import httpx

from tests.concurrency.conftest import merchant, pay, setup_deal, shopper, wait_for


def test_deadline_missed_while_stopped_is_settled_after_restart(server):
    slug, admin = merchant(server)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        sku, deal = setup_deal(client, admin, code="RST", stock=10, team_size=3,
                               join_window_seconds=4, quota=10)
        leader = shopper(client, slug, 1)
        opened = client.post("/v1/me/groups", headers=leader, json={"deal_id": deal}).json()
        gid, order_id = opened["group"]["id"], opened["order"]["id"]
        pay(client, leader, order_id)
        wait_for(lambda: client.get(f"/v1/me/orders/{order_id}", headers=leader)
                 .json()["status"] == "paid")
    server.stop()
    time.sleep(5)
    server.start()  # returns once /healthz answers; boot time under load is not measured
    restarted = time.monotonic()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        wait_for(lambda: client.get(f"/v1/me/orders/{order_id}", headers=leader)
                 .json()["status"] == "refunded", timeout=10)
        assert time.monotonic() - restarted < 15
        assert client.get(f"/v1/groups/{gid}", headers=admin).json()["status"] == "failed"
        stock = client.get(f"/v1/skus/{sku}/stock", headers=admin).json()["levels"][0]
        assert (stock["available"], stock["reserved"]) == (10, 0)
