"""Real server, real PostgreSQL, real concurrent requests: groups never overfill."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg

from tests.concurrency.conftest import merchant, pay, setup_deal, shopper, wait_for
from tests.concurrency.integrity import ORDERS_WITHOUT_ONE_LINE, dangling


def test_fifty_shoppers_race_for_the_last_two_seats(server):
    slug, admin = merchant(server)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        sku, deal = setup_deal(client, admin, code="RACE", stock=1000, team_size=5,
                               quota=1000, overflow="reject")
        shoppers = [shopper(client, slug, n) for n in range(53)]
        opened = client.post("/v1/me/groups", headers=shoppers[0], json={"deal_id": deal})
        gid = opened.json()["group"]["id"]
        orders = {0: opened.json()["order"]["id"]}
        for i in (1, 2):
            r = client.post(f"/v1/me/groups/{gid}/join", headers=shoppers[i], json={})
            orders[i] = r.json()["order"]["id"]

    def join(i: int) -> tuple[int, httpx.Response]:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            return i, c.post(f"/v1/me/groups/{gid}/join", headers=shoppers[i], json={})

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(join, range(3, 53)))

    winners = [(i, r) for i, r in results if r.status_code == 201]
    losers = [r for _, r in results if r.status_code != 201]
    assert len(winners) == 2, [r.text for _, r in winners]
    assert {r.status_code for r in losers} == {409}
    assert {r.json()["code"] for r in losers} <= {"group_full"}
    for i, r in winners:
        orders[i] = r.json()["order"]["id"]

    with httpx.Client(base_url=server.url, timeout=30) as client:
        group = client.get(f"/v1/groups/{gid}", headers=admin).json()
        assert group["seats_taken"] == 5
        assert len(group["members"]) == 5
        for i, order_id in orders.items():
            pay(client, shoppers[i], order_id)
        wait_for(lambda: client.get(f"/v1/groups/{gid}", headers=admin).json()["status"]
                 == "completed")
        stock = client.get(f"/v1/skus/{sku}/stock", headers=admin).json()["levels"][0]
        assert (stock["sold"], stock["reserved"], stock["available"]) == (5, 0, 995)

    with psycopg.connect(server.database_url) as conn:
        stranded = conn.execute("""
            SELECT p.id FROM payments p JOIN orders o ON o.id = p.order_id
            WHERE p.status = 'succeeded' AND o.status NOT IN ('paid', 'confirmed')
              AND p.refunded_minor < p.amount_minor""").fetchall()
        assert stranded == []
        negative = conn.execute("SELECT count(*) FROM stock_levels WHERE available < 0 "
                                "OR reserved < 0").fetchone()
        assert negative == (0,)
        lineless = conn.execute(ORDERS_WITHOUT_ONE_LINE, {"orders": list(orders.values()),
                                                          "sku": sku}).fetchone()
        assert lineless == (0,)
    assert dangling(server.database_url) == 0
