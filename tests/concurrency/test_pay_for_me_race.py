"""Real server, real PostgreSQL: a shopper and family members holding a "pay for me" link
press pay at the same moment; the order gets one payment and is paid once."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg

from pintuan import container as containers
from pintuan.core.settings import Settings
from pintuan.merchants import service as merchants
from tests.concurrency.conftest import setup_deal

ORDERS, PRESSES = 6, 8


def _csrf(client: httpx.Client) -> str:
    if "pt_csrf" not in client.cookies:
        client.get("/console/signin")
    return str(client.cookies["pt_csrf"])


def _post(client: httpx.Client, url: str, data: dict[str, str] | None = None) -> httpx.Response:
    return client.post(url, data={"csrf": _csrf(client)} | (data or {}))


def _order_with_link(url: str, slug: str, deal: str, n: int) -> tuple[httpx.Client, str, str]:
    shopper = httpx.Client(base_url=url, timeout=30)
    r = _post(shopper, f"/s/{slug}/signup", {"email": f"fam{n}@example.com", "name": f"F{n}",
                                             "password": "correct horse"})
    assert r.status_code == 303, r.text
    page = shopper.get(f"/s/{slug}/deals/{deal}").text
    nonce = re.search(r'name="nonce" value="([^"]+)"', page)
    assert nonce
    r = _post(shopper, f"/s/{slug}/deals/{deal}/open", {"nonce": nonce.group(1)})
    order_path = r.headers["location"]
    assert _post(shopper, order_path + "/payfor").status_code == 303
    link = re.search(r'value="http://[^"]+(/pay/[^"]+)"', shopper.get(order_path).text)
    assert link
    return shopper, order_path, link.group(1)


def _press(url: str, shopper: httpx.Client, order_path: str, link: str, i: int) -> str:
    if i % 2 == 0:
        r = _post(shopper, order_path + "/pay")
    else:
        with httpx.Client(base_url=url, timeout=30) as family:
            r = _post(family, link)
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


def test_shopper_and_family_paying_at_once_make_one_payment(server):
    c = containers.build(Settings(database_url=server.database_url, secret_key="conc-secret"))
    with c.db.write() as session:
        tx = c.tx(session)
        m = merchants.create_merchant(tx, name="Family Tea", slug="family-tea")
        key = merchants.issue_key(tx, merchant_id=m.id, label="race")
    c.db.dispose()
    admin = {"Authorization": f"Bearer {key.secret}"}
    with httpx.Client(base_url=server.url, timeout=30) as client:
        _, deal = setup_deal(client, admin, code="FAM-1", stock=50, team_size=2,
                             per_shopper_limit=1, quota=50)
    made = [_order_with_link(server.url, "family-tea", deal, n) for n in range(ORDERS)]
    with ThreadPoolExecutor(max_workers=PRESSES) as pool:
        for shopper, order_path, link in made:
            urls = set(pool.map(lambda i, s=shopper, o=order_path, k=link:
                                _press(server.url, s, o, k, i), range(PRESSES)))
            assert len(urls) == 1, urls
            assert "/sandbox/checkout/" in next(iter(urls))
    order_ids = [order_path.rsplit("/", 1)[1] for _, order_path, _ in made]
    with psycopg.connect(server.database_url) as conn:
        counts = conn.execute("SELECT order_id, count(*) FROM payments WHERE order_id = ANY(%s) "
                              "GROUP BY order_id", (order_ids,)).fetchall()
        checkout = conn.execute("SELECT checkout_url FROM payments WHERE order_id = %s",
                                (order_ids[0],)).fetchone()
    assert sorted(n for _, n in counts) == [1] * ORDERS
    with httpx.Client(base_url=server.url, timeout=30) as payer:
        assert payer.post(checkout[0].split(server.url, 1)[1] + "/approve").status_code == 303
    end = time.monotonic() + 20
    while time.monotonic() < end:
        with psycopg.connect(server.database_url) as conn:
            row = conn.execute("SELECT status, captured_minor, total_minor, refunded_minor "
                               "FROM orders WHERE id = %s", (order_ids[0],)).fetchone()
        if row and row[0] == "paid":
            break
        time.sleep(0.2)
    assert row is not None
    assert row[0] == "paid"
    assert row[1] == row[2]
    assert row[3] == 0
    for shopper, _, _ in made:
        shopper.close()
