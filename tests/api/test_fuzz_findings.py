"""Regression tests for the 500s the schema fuzz (tests/api/test_fuzz.py) found."""

from __future__ import annotations

from tests import factories as f

BIG = 10**12  # the largest price the API accepts, past a 32-bit INTEGER


def test_the_largest_prices_are_stored_and_paid_in_full(h):
    m = f.merchant(h)
    sku = f.sku(h, m, price=BIG, stock=5)
    assert h.client.get(f"/v1/skus/{sku}", headers=f.auth(m)).json()["list_price_minor"] == BIG
    deal = f.deal(h, m, sku_id=sku, group_price_minor=BIG - 1, leader_price_minor=BIG - 2,
                  team_size=2, per_order_limit=3, per_shopper_limit=3)
    a, b = f.shopper(h, m), f.shopper(h, m)
    opened = h.client.post("/v1/me/groups", headers=f.auth(a),
                           json={"deal_id": deal["id"], "quantity": 3})
    assert opened.status_code == 201, opened.text
    assert opened.json()["order"]["total_minor"] == 3 * (BIG - 2)
    joined = h.client.post(f"/v1/me/groups/{opened.json()['group']['id']}/join",
                           headers=f.auth(b), json={})
    f.pay(h, a, opened.json()["order"]["id"])
    f.pay(h, b, joined.json()["order"]["id"])
    order = h.client.get(f"/v1/orders/{opened.json()['order']['id']}", headers=f.auth(m)).json()
    assert (order["status"], order["captured_minor"]) == ("confirmed", 3 * (BIG - 2))
    r = h.client.post(f"/v1/orders/{order['id']}/refunds", headers=f.auth(m),
                      json={"amount_minor": BIG})
    assert r.status_code == 201, r.text
    h.drain()
    refunded = h.client.get(f"/v1/orders/{order['id']}", headers=f.auth(m)).json()
    assert refunded["refunded_minor"] == BIG



def _invalid(r, code="invalid_request"):
    assert r.headers["content-type"] == "application/problem+json", r.text
    assert (r.status_code, r.json()["code"]) == (422, code), r.text


def test_nul_characters_in_bodies_are_refused(h):
    m = f.merchant(h)
    _invalid(h.client.post("/v1/products", headers=f.auth(m), json={"title": "a\u0000b"}))
    _invalid(h.client.post("/v1/products", headers=f.auth(m), json={
        "title": "ok", "skus": [{"code": "A1", "title": "t\u0000", "list_price_minor": 1}]}))
    _invalid(h.client.post(f"/v1/stores/{m['slug']}/shoppers", json={
        "email": "a\u0000@example.com", "name": "Ann", "password": "correct horse"}))
    _invalid(h.client.post(f"/v1/stores/{m['slug']}/sessions", json={
        "email": "a\u0000@example.com", "password": "correct horse"}))
    _invalid(h.client.post("/v1/webhook-endpoints", headers=f.auth(m),
                           json={"url": "http://a\u0000b/"}))
    assert h.client.get("/v1/products", headers=f.auth(m)).json()["data"] == []
    assert h.client.get("/v1/webhook-endpoints", headers=f.auth(m)).json() == []


def test_nul_characters_in_paths_and_queries_are_refused(h):
    m = f.merchant(h)
    s = f.shopper(h, m)
    for url, headers in (("/v1/products/prod%00x", f.auth(m)), ("/v1/orders?after=a%00", f.auth(m)),
                         ("/v1/stores/a%00b/deals", {}), ("/v1/share/tok%00en", {}),
                         ("/v1/me/orders/ord%00", f.auth(s))):
        _invalid(h.client.get(url, headers=headers))
    _invalid(h.client.post("/v1/me/groups/grp%00/join", headers=f.auth(s), json={}))


def test_a_nul_in_an_idempotency_key_is_refused(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    s = f.shopper(h, m)
    r = h.client.post("/v1/me/groups", headers=f.auth(s) | {"Idempotency-Key": b"k\x00"},
                      json={"deal_id": deal["id"]})
    _invalid(r, "bad_idempotency_key")
    assert h.client.get("/v1/me/orders", headers=f.auth(s)).json()["data"] == []


def test_deal_times_out_of_range_in_utc_are_refused(h):
    m = f.merchant(h)
    sku = f.sku(h, m, price=1000)
    for starts, ends in (("0001-01-01T00:00:00+23:59", "2027-01-01T00:00:00Z"),
                         ("2026-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59")):
        r = h.client.post("/v1/deals", headers=f.auth(m), json={
            "sku_id": sku, "title": "x", "group_price_minor": 500, "team_size": 2,
            "starts_at": starts, "ends_at": ends, "quota": 1})
        _invalid(r)
    assert h.client.get("/v1/deals", headers=f.auth(m)).json()["data"] == []


def test_webhook_urls_that_do_not_parse_are_refused(h):
    m = f.merchant(h)
    for url in ("http://[::1", "http://host:99999/", "http://host:0/", "http://host:x/"):
        r = h.client.post("/v1/webhook-endpoints", headers=f.auth(m), json={"url": url})
        _invalid(r, "bad_webhook_url")
    assert h.client.get("/v1/webhook-endpoints", headers=f.auth(m)).json() == []
