"""Real server, real PostgreSQL: statement batches and ad-hoc payouts fired at once never pay
a commission twice nor more than the creator earned."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg

from tests.concurrency.conftest import merchant, setup_deal, shopper, wait_for

SALES = 4
PRICE = 5900
COMMISSION = PRICE * 1000 // 10_000


def _setup(client: httpx.Client, admin: dict[str, str]) -> tuple[str, str]:
    prog = client.post("/v1/programs", headers=admin, json={"name": "Pay race",
                                                            "holding_days": 0}).json()
    cr = client.post("/v1/creators", headers=admin, json={"name": "Mei"}).json()
    client.post(f"/v1/programs/{prog['id']}/invitations", headers=admin,
                json={"creator_id": cr["id"]})
    client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=admin,
                json={"kind": "percent", "bps": 1000})
    link = client.post(f"/v1/programs/{prog['id']}/links", headers=admin,
                       json={"creator_id": cr["id"]}).json()
    return cr["id"], str(link["url"]).rsplit("/", 1)[1]


def _pay(client: httpx.Client, shopper: dict[str, str], order_id: str) -> None:
    p = client.post(f"/v1/me/orders/{order_id}/payments", headers=shopper, json={})
    client.post(f"/sandbox/checkout/{p.json()['checkout_url'].rsplit('/', 1)[1]}/approve")


def _confirmed_sale(server, slug: str, token: str, deal: str, n: int) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        browser.get(f"/r/{token}")
        buyer = shopper(browser, slug, 2 * n)
        opened = browser.post("/v1/me/groups", headers=buyer, json={"deal_id": deal}).json()
        _pay(browser, buyer, opened["order"]["id"])
    with httpx.Client(base_url=server.url, timeout=30) as other:
        friend = shopper(other, slug, 2 * n + 1)
        joined = other.post(f"/v1/me/groups/{opened['group']['id']}/join", headers=friend,
                            json={}).json()
        _pay(other, friend, joined["order"]["id"])


def test_concurrent_batches_and_ad_hoc_payouts_never_overpay(server):
    slug, admin = merchant(server)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        creator_id, token = _setup(client, admin)
        _, deal = setup_deal(client, admin, code="PAY", stock=100, team_size=2, quota=100,
                             group_price_minor=PRICE)
        for n in range(SALES):
            _confirmed_sale(server, slug, token, deal, n)
        earned = SALES * COMMISSION
        wait_for(lambda: client.get(f"/v1/creators/{creator_id}/earnings",
                                 headers=admin).json()["payable_minor"] == earned, timeout=60)

    def fire(i: int) -> int:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            headers = admin | {"Idempotency-Key": uuid.uuid4().hex}
            if i % 2:
                return c.post("/v1/payout-batches", headers=headers, json={}).status_code
            return c.post(f"/v1/creators/{creator_id}/payouts", headers=headers,
                          json={"amount_minor": COMMISSION * 3}).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(fire, range(12)))
    assert set(codes) <= {201, 409}
    assert 201 in codes
    with psycopg.connect(server.database_url) as conn:
        paid_out = conn.execute("SELECT coalesce(sum(amount_minor), 0) FROM payouts "
                                "WHERE status <> 'failed'").fetchone()[0]
        paid = conn.execute("SELECT count(*) FROM commissions WHERE state = 'paid' "
                            "AND payout_id IS NOT NULL").fetchone()[0]
        unpaid = conn.execute("SELECT count(*) FROM commissions WHERE state = 'payable' "
                              "AND payout_id IS NULL").fetchone()[0]
        claimed = conn.execute("SELECT coalesce(sum(commissions), 0) FROM payouts").fetchone()[0]
    assert 0 < paid_out <= earned
    assert paid + unpaid == SALES
    assert claimed == paid  # no commission in two statements
    with httpx.Client(base_url=server.url, timeout=30) as client:
        balance = client.get(f"/v1/creators/{creator_id}/earnings", headers=admin).json()
    assert balance["balance_minor"] == earned - paid_out >= 0
