"""Real server, real PostgreSQL: several payments of one order approved at once. One payment
pays the order; each other one is refunded in full, alone; the sale stands."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg

from tests.concurrency.conftest import merchant, setup_deal, shopper, wait_for

ORDERS, PAYMENTS = 6, 3


def test_concurrent_payments_of_one_order_keep_one_and_refund_the_rest(server):
    slug, admin = merchant(server)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        _, deal = setup_deal(client, admin, code="DUP", stock=100, team_size=2, quota=100)
        checkouts = []
        for n in range(ORDERS):
            who = shopper(client, slug, n)
            r = client.post("/v1/me/groups", headers=who, json={"deal_id": deal})
            order_id = r.json()["order"]["id"]
            for _ in range(PAYMENTS):
                p = client.post(f"/v1/me/orders/{order_id}/payments", headers=who, json={})
                assert p.status_code == 201, p.text
                checkouts.append(p.json()["checkout_url"].rsplit("/", 1)[1])

    def approve(sandbox_id: str) -> int:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            return c.post(f"/sandbox/checkout/{sandbox_id}/approve").status_code

    with ThreadPoolExecutor(max_workers=len(checkouts)) as pool:
        assert set(pool.map(approve, checkouts)) <= {200, 303}

    with psycopg.connect(server.database_url, autocommit=True) as conn:
        wait_for(lambda: conn.execute(
            "SELECT count(*) FROM refunds WHERE status = 'succeeded'").fetchone()
            == (ORDERS * (PAYMENTS - 1),), timeout=60)
        rows = conn.execute("""
            SELECT o.status, o.total_minor, o.captured_minor, o.refunded_minor,
                   (SELECT count(*) FROM payments p WHERE p.order_id = o.id
                      AND p.status = 'succeeded' AND p.refunded_minor = 0)
            FROM orders o""").fetchall()
        assert len(rows) == ORDERS
        for status, total, captured, refunded, kept in rows:
            assert status == "paid"
            assert (captured, refunded) == (PAYMENTS * total, (PAYMENTS - 1) * total)
            assert kept == 1
        money = conn.execute("SELECT coalesce(sum(amount_minor), 0) FROM money_entries"
                             ).fetchone()
        assert money == (sum(r[1] for r in rows),)
