"""A group whose deadline passes while the server is down is settled soon after restart."""

from __future__ import annotations

import time

import httpx

from tests.concurrency.conftest import setup_deal
from tests.concurrency.test_group_race import _merchant, _shopper, _wait


def test_deadline_missed_while_stopped_is_settled_after_restart(server):
    slug, key = _merchant(server)
    admin = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=server.url, timeout=30) as client:
        sku, deal = setup_deal(client, admin, code="RST", stock=10, team_size=3,
                               join_window_seconds=4, quota=10)
        leader = _shopper(client, slug, 1)
        opened = client.post("/v1/me/groups", headers=leader, json={"deal_id": deal}).json()
        gid, order_id = opened["group"]["id"], opened["order"]["id"]
        p = client.post(f"/v1/me/orders/{order_id}/payments", headers=leader, json={}).json()
        client.post(f"/sandbox/checkout/{p['checkout_url'].rsplit('/', 1)[1]}/approve")
        _wait(lambda: client.get(f"/v1/me/orders/{order_id}", headers=leader)
              .json()["status"] == "paid")
    server.stop()
    time.sleep(5)
    restarted = time.monotonic()
    server.start()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        _wait(lambda: client.get(f"/v1/me/orders/{order_id}", headers=leader)
              .json()["status"] == "refunded", timeout=10)
        assert time.monotonic() - restarted < 15
        assert client.get(f"/v1/groups/{gid}", headers=admin).json()["status"] == "failed"
        stock = client.get(f"/v1/skus/{sku}/stock", headers=admin).json()["levels"][0]
        assert (stock["available"], stock["reserved"]) == (10, 0)
