"""Group buying end to end over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests import factories as f


def _order(h, s, order_id):
    r = h.client.get(f"/v1/me/orders/{order_id}", headers=f.auth(s))
    assert r.status_code == 200, r.text
    return r.json()


def _stock(h, m, sku_id):
    r = h.client.get(f"/v1/skus/{sku_id}/stock", headers=f.auth(m))
    return r.json()["levels"][0]


def test_group_fills_and_every_member_gets_the_group_price(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    shoppers = [f.shopper(h, m) for _ in range(3)]
    r = h.client.post("/v1/me/groups", headers=f.auth(shoppers[0]),
                      json={"deal_id": deal["id"]})
    assert r.status_code == 201, r.text
    opened = r.json()
    assert opened["order"]["total_minor"] == 5000  # leader price
    token = opened["group"]["share_url"].rsplit("/", 1)[1]
    orders = [opened["order"]["id"]]
    for s in shoppers[1:]:
        r = h.client.post(f"/v1/me/groups/{token}/join", headers=f.auth(s), json={})
        assert r.status_code == 201, r.text
        assert r.json()["order"]["total_minor"] == 6000
        orders.append(r.json()["order"]["id"])
    for s, order_id in zip(shoppers, orders, strict=True):
        f.pay(h, s, order_id)
    group = h.client.get(f"/v1/share/{token}").json()
    assert group["status"] == "completed"
    assert group["paid_count"] == 3
    for s, order_id in zip(shoppers, orders, strict=True):
        assert _order(h, s, order_id)["status"] == "confirmed"
    level = _stock(h, m, deal["sku_id"])
    assert (level["sold"], level["reserved"], level["available"]) == (3, 0, 97)
    types = [e["type"] for e in h.client.get("/v1/events", headers=f.auth(m)).json()]
    assert "group.completed" in types
    assert types.count("order.confirmed") == 3


def test_group_that_misses_its_deadline_refunds_every_paid_member_once(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    a, b = f.shopper(h, m), f.shopper(h, m)
    opened = h.client.post("/v1/me/groups", headers=f.auth(a),
                           json={"deal_id": deal["id"]}).json()
    gid = opened["group"]["id"]
    joined = h.client.post(f"/v1/me/groups/{gid}/join", headers=f.auth(b), json={}).json()
    f.pay(h, a, opened["order"]["id"])
    h.advance(hours=2)
    h.drain()
    assert h.client.get(f"/v1/groups/{gid}", headers=f.auth(m)).json()["status"] == "failed"
    paid = _order(h, a, opened["order"]["id"])
    assert paid["status"] == "refunded"
    assert len(paid["refunds"]) == 1
    assert paid["refunds"][0]["amount_minor"] == paid["captured_minor"] == 5000
    assert _order(h, b, joined["order"]["id"])["status"] == "cancelled"
    level = _stock(h, m, deal["sku_id"])
    assert (level["available"], level["reserved"], level["sold"]) == (100, 0, 0)
    h.advance(hours=2)
    assert len(_order(h, a, opened["order"]["id"])["refunds"]) == 1


def test_payment_after_the_hold_expired_is_refunded_not_stranded(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    a = f.shopper(h, m)
    opened = h.client.post("/v1/me/groups", headers=f.auth(a),
                           json={"deal_id": deal["id"]}).json()
    oid = opened["order"]["id"]
    sandbox_id = f.start_payment(h, a, oid)
    h.advance(minutes=16)
    assert _order(h, a, oid)["status"] == "cancelled"
    h.client.post(f"/sandbox/checkout/{sandbox_id}/approve", follow_redirects=False)
    h.drain()
    order = _order(h, a, oid)
    assert order["captured_minor"] == 5000
    assert order["refunded_minor"] == 5000
    assert order["refunds"][0]["reason"] == "order_closed"


def test_full_group_rejects_or_redirects_per_overflow_policy(h):
    m = f.merchant(h)
    for policy, expect in (("reject", 409), ("open_new", 201)):
        deal = f.deal(h, m, team_size=2, overflow=policy)
        a, b, c = (f.shopper(h, m) for _ in range(3))
        gid = h.client.post("/v1/me/groups", headers=f.auth(a),
                            json={"deal_id": deal["id"]}).json()["group"]["id"]
        assert h.client.post(f"/v1/me/groups/{gid}/join", headers=f.auth(b),
                             json={}).status_code == 201
        r = h.client.post(f"/v1/me/groups/{gid}/join", headers=f.auth(c), json={})
        assert r.status_code == expect, r.text
        if expect == 409:
            assert r.json()["code"] == "group_full"
            assert r.headers["content-type"].startswith("application/problem+json")
        else:
            assert r.json()["redirected_from"] == gid
            assert r.json()["group"]["id"] != gid


def test_idempotency_key_replays_and_rejects_another_body(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    a = f.shopper(h, m)
    headers = f.auth(a) | {"Idempotency-Key": "k-1"}
    first = h.client.post("/v1/me/groups", headers=headers, json={"deal_id": deal["id"]})
    again = h.client.post("/v1/me/groups", headers=headers, json={"deal_id": deal["id"]})
    assert first.status_code == again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json()["order"]["id"] == first.json()["order"]["id"]
    other = h.client.post("/v1/me/groups", headers=headers,
                          json={"deal_id": deal["id"], "quantity": 2})
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert len(h.client.get("/v1/me/orders", headers=f.auth(a)).json()["data"]) == 1


def test_forged_and_replayed_provider_webhooks(h):
    r = h.client.post("/v1/payments/webhooks/sandbox", content=b'{"id":"x"}',
                      headers={"Sandbox-Signature": "t=1,v1=00"})
    assert r.status_code == 401
    assert r.json()["code"] in ("signature_expired", "signature_invalid")


def test_malformed_input_gets_problem_json(h):
    m = f.merchant(h)
    r = h.client.post("/v1/products", headers=f.auth(m) | {"Content-Type": "application/json"},
                      content=b"{not json")
    assert r.status_code == 422
    assert r.json()["code"] == "malformed_json"
    r = h.client.post("/v1/skus/sku_nope/stock/receive", headers=f.auth(m),
                      json={"quantity": -5})
    assert r.status_code == 422
    r = h.client.get("/v1/products", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401


def test_idempotency_key_expires_after_its_lifetime(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    a = f.shopper(h, m)
    headers = f.auth(a) | {"Idempotency-Key": "k-expiring"}
    first = h.client.post("/v1/me/groups", headers=headers, json={"deal_id": deal["id"]})
    h.advance(hours=23)
    kept = h.client.post("/v1/me/groups", headers=headers, json={"deal_id": deal["id"]})
    assert kept.headers.get("idempotent-replayed") == "true"
    assert kept.json()["order"]["id"] == first.json()["order"]["id"]
    h.advance(hours=2)
    again = h.client.post("/v1/me/groups", headers=headers, json={"deal_id": deal["id"]})
    assert "idempotent-replayed" not in again.headers
    assert again.status_code == 201, again.text
    assert again.json()["order"]["id"] != first.json()["order"]["id"]
