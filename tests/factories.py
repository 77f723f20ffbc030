"""Test data through the public API and the services, never hand-built rows."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from pintuan.merchants import service as merchants

_seq = itertools.count(1)


def merchant(h: Any, slug: str | None = None) -> dict[str, str]:
    n = next(_seq)
    with h.c.db.write() as session:
        tx = h.c.tx(session)
        m = merchants.create_merchant(tx, name=f"Brand {n}", slug=slug or f"brand-{n}-x")
        key = merchants.issue_key(tx, merchant_id=m.id, label="test")
    return {"id": m.id, "slug": m.slug, "key": key.secret,
            "auth": f"Bearer {key.secret}"}


def auth(m: dict[str, str]) -> dict[str, str]:
    return {"Authorization": m["auth"]}


def sku(h: Any, m: dict[str, str], *, price: int = 10000, stock: int = 100) -> str:
    r = h.client.post("/v1/products", headers=auth(m), json={
        "title": "Tea", "skus": [{"code": f"T-{next(_seq)}", "title": "Tea tin",
                                  "list_price_minor": price}]})
    assert r.status_code == 201, r.text
    sku_id: str = r.json()["skus"][0]["id"]
    if stock:
        r = h.client.post(f"/v1/skus/{sku_id}/stock/receive", headers=auth(m),
                          json={"quantity": stock})
        assert r.status_code == 200, r.text
    return sku_id


def deal(h: Any, m: dict[str, str], **over: Any) -> dict[str, Any]:
    sku_id = over.pop("sku_id", None) or sku(h, m)
    now = h.clock.now()
    body = {"sku_id": sku_id, "title": "Team tea", "group_price_minor": 6000,
            "leader_price_minor": 5000, "team_size": 3, "join_window_seconds": 3600,
            "starts_at": now.isoformat(), "ends_at": (now + timedelta(days=2)).isoformat(),
            "per_order_limit": 2, "per_shopper_limit": 2, "quota": 50} | over
    r = h.client.post("/v1/deals", headers=auth(m), json=body)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def shopper(h: Any, m: dict[str, str], **over: Any) -> dict[str, str]:
    n = next(_seq)
    r = h.client.post(f"/v1/stores/{m['slug']}/shoppers", json={
        "email": f"s{n}@example.com", "name": f"Shopper{n}", "password": "correct horse"} | over)
    assert r.status_code == 201, r.text
    return {"id": r.json()["shopper_id"], "auth": f"Bearer {r.json()['token']}"}


def start_payment(h: Any, s: dict[str, str], order_id: str) -> str:
    """Start a sandbox payment; return the sandbox's payment id (its checkout page)."""
    r = h.client.post(f"/v1/me/orders/{order_id}/payments", headers=auth(s), json={})
    assert r.status_code == 201, r.text
    sandbox_id: str = r.json()["checkout_url"].rsplit("/", 1)[1]
    return sandbox_id


def pay(h: Any, s: dict[str, str], order_id: str, *, approve: bool = True,
        pay_with: str | None = None) -> None:
    """Pay on the sandbox's page; ``pay_with`` is what the shopper types in "Pay with"
    (left out: the page's default, a wallet of this shopper)."""
    sandbox_id = start_payment(h, s, order_id)
    r = h.client.post(f"/sandbox/checkout/{sandbox_id}/{'approve' if approve else 'decline'}",
                      data={} if pay_with is None else {"pay_with": pay_with},
                      follow_redirects=False)
    assert r.status_code == 303, r.text
    h.drain()
