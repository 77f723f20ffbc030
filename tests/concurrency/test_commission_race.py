"""Real server, three dispatchers, real PostgreSQL: the same order paid and refunded at once,
its events delivered again and again, produces one commission and one reversal."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg

from tests.concurrency.conftest import merchant, setup_deal, shopper, wait_for

ORDERS = 8
RATE_BPS = 1000
PRICE = 5900


def _workers(server, n: int) -> list[subprocess.Popen[bytes]]:
    """Extra worker processes: their dispatchers compete for the same events."""
    return [subprocess.Popen([sys.executable, "-c", "from pintuan.cli import app; app()",
                              "worker"], env=server.env, stdout=subprocess.DEVNULL)
            for _ in range(n)]


def _program(client: httpx.Client, admin: dict[str, str]) -> str:
    prog = client.post("/v1/programs", headers=admin, json={"name": "Race KOC",
                                                            "holding_days": 0}).json()
    cr = client.post("/v1/creators", headers=admin, json={"name": "Lily"}).json()
    client.post(f"/v1/programs/{prog['id']}/invitations", headers=admin,
                json={"creator_id": cr["id"]})
    r = client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=admin,
                    json={"kind": "percent", "bps": RATE_BPS})
    assert r.status_code == 201, r.text
    link = client.post(f"/v1/programs/{prog['id']}/links", headers=admin,
                       json={"creator_id": cr["id"]}).json()
    return str(link["url"]).rsplit("/", 1)[1]


def _referred_order(server, slug: str, token: str, deal: str, n: int) -> tuple[dict, str, str]:
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        assert browser.get(f"/r/{token}").status_code == 302
        assert browser.cookies.get("pt_ref")
        who = shopper(browser, slug, n)
        r = browser.post("/v1/me/groups", headers=who, json={"deal_id": deal})
        assert r.status_code == 201, r.text
        order_id = r.json()["order"]["id"]
        p = browser.post(f"/v1/me/orders/{order_id}/payments", headers=who, json={})
        return who, order_id, p.json()["checkout_url"].rsplit("/", 1)[1]


def _pay_and_refund(server, admin, order_id: str, sandbox_id: str, amount: int) -> None:
    """Approve the payment four times and try the refund from four threads at once, each
    retrying until the capture has landed; at most one refund can fit."""
    def approve(_: int) -> int:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            return c.post(f"/sandbox/checkout/{sandbox_id}/approve").status_code

    done = threading.Event()

    def refund(_: int) -> int:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            for _ in range(300):
                r = c.post(f"/v1/orders/{order_id}/refunds", json={"amount_minor": amount},
                           headers=admin | {"Idempotency-Key": uuid.uuid4().hex})
                if r.status_code == 201:
                    done.set()
                    return 201
                if done.is_set():
                    return r.status_code
                time.sleep(0.02)
            return r.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        refunds = [pool.submit(refund, i) for i in range(4)]
        approvals = list(pool.map(approve, range(4)))
        codes = [f.result() for f in refunds]
    assert sorted(approvals)[0] == 303
    assert codes.count(201) == 1, codes


def _redeliver(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE events SET dispatched = false WHERE type LIKE 'order.%'")


def test_paid_and_refunded_at_once_gives_one_commission_and_one_reversal(server):
    slug, admin = merchant(server)
    extra = _workers(server, 2)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            token = _program(client, admin)
            _, deal = setup_deal(client, admin, code="KOC", stock=100, team_size=2, quota=100,
                                 group_price_minor=PRICE)
        made = [_referred_order(server, slug, token, deal, n) for n in range(ORDERS)]
        amounts = {oid: PRICE if n % 2 else 3000 for n, (_, oid, _) in enumerate(made)}
        with ThreadPoolExecutor(max_workers=ORDERS) as pool:
            list(pool.map(lambda m: _pay_and_refund(server, admin, m[1], m[2], amounts[m[1]]),
                          made))
        for _ in range(3):
            _redeliver(server.database_url)
            time.sleep(0.3)
        wait_for(lambda: _settled(server.database_url), timeout=60)
    finally:
        for proc in extra:
            proc.terminate()
            proc.wait(timeout=20)
    _check_ledger(server.database_url, amounts)


def _settled(database_url: str) -> bool:
    with psycopg.connect(database_url) as conn:
        left = conn.execute("SELECT count(*) FROM events WHERE NOT dispatched").fetchone()
        pending = conn.execute("SELECT count(*) FROM refunds WHERE status = 'pending'").fetchone()
        entries = conn.execute("SELECT count(*) FROM commission_entries").fetchone()
    return left == (0,) and pending == (0,) and entries == (2 * ORDERS,)


def _check_ledger(database_url: str, amounts: dict[str, int]) -> None:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("""
            SELECT c.order_id, c.total_minor, count(e.id),
                   array_agg(e.kind || ':' || e.amount_minor ORDER BY e.seq)
            FROM commissions c JOIN commission_entries e ON e.commission_id = c.id
            GROUP BY c.order_id, c.total_minor""").fetchall()
    assert len(rows) == ORDERS
    for order_id, total, count, entries in rows:
        net = PRICE - amounts[order_id]
        kept = (net * RATE_BPS + 5000) // 10_000
        assert count == 2
        assert entries == [f"accrual:{PRICE * RATE_BPS // 10_000}",
                           f"reversal:{kept - PRICE * RATE_BPS // 10_000}"]
        assert total == kept
