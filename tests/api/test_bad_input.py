"""Bad input gets a problem+json with a stable code and changes nothing."""

from __future__ import annotations

import orjson

from pintuan.core.signing import sign
from pintuan.payments.sandbox import SIGNATURE_HEADER, webhook_secret
from tests import factories as f


def _orders(h, s):
    return h.client.get("/v1/me/orders", headers=f.auth(s)).json()["data"]


def test_paused_and_ended_deals_refuse_new_groups(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    a = f.shopper(h, m)
    h.client.post(f"/v1/deals/{deal['id']}/pause", headers=f.auth(m))
    r = h.client.post("/v1/me/groups", headers=f.auth(a), json={"deal_id": deal["id"]})
    assert (r.status_code, r.json()["code"]) == (409, "deal_paused")
    h.client.post(f"/v1/deals/{deal['id']}/resume", headers=f.auth(m))
    h.clock.advance(days=3)
    r = h.client.post("/v1/me/groups", headers=f.auth(a), json={"deal_id": deal["id"]})
    assert (r.status_code, r.json()["code"]) == (409, "deal_ended")
    assert _orders(h, a) == []


def test_double_join_and_limits(h):
    m = f.merchant(h)
    deal = f.deal(h, m, per_order_limit=2, per_shopper_limit=2)
    a, b = f.shopper(h, m), f.shopper(h, m)
    gid = h.client.post("/v1/me/groups", headers=f.auth(a),
                        json={"deal_id": deal["id"]}).json()["group"]["id"]
    r = h.client.post(f"/v1/me/groups/{gid}/join", headers=f.auth(a), json={})
    assert (r.status_code, r.json()["code"]) == (409, "already_member")
    r = h.client.post(f"/v1/me/groups/{gid}/join", headers=f.auth(b), json={"quantity": 3})
    assert (r.status_code, r.json()["code"]) == (422, "bad_quantity")
    r = h.client.post(f"/v1/me/groups/{gid}/join", headers=f.auth(b), json={"quantity": -1})
    assert r.status_code == 422
    r = h.client.post("/v1/me/groups", headers=f.auth(a), json={"deal_id": deal["id"],
                                                               "quantity": 2})
    assert (r.status_code, r.json()["code"]) == (409, "shopper_limit_exceeded")
    assert len(_orders(h, a)) == 1
    assert _orders(h, b) == []
    assert h.client.get(f"/v1/groups/{gid}", headers=f.auth(m)).json()["seats_taken"] == 1


def test_bad_deal_setup_is_refused(h):
    m = f.merchant(h)
    sku = f.sku(h, m, price=1000)
    for over, code in (({"group_price_minor": 2000}, "bad_price"),
                       ({"team_size": 1}, "invalid_request"),
                       ({"virtual_fill_min_paid": 3}, "bad_virtual_fill"),
                       ({"sku_id": "sku_missing"}, "sku_not_found")):
        now = h.clock.now()
        body = {"sku_id": sku, "title": "x", "group_price_minor": 500, "team_size": 3,
                "starts_at": now.isoformat(), "ends_at": now.replace(year=2027).isoformat(),
                "quota": 5} | over
        r = h.client.post("/v1/deals", headers=f.auth(m), json=body)
        assert r.json()["code"] == code, (over, r.text)
    assert h.client.get("/v1/deals", headers=f.auth(m)).json()["data"] == []


def test_a_replayed_signed_webhook_is_applied_once(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    a = f.shopper(h, m)
    opened = h.client.post("/v1/me/groups", headers=f.auth(a),
                           json={"deal_id": deal["id"]}).json()
    oid = opened["order"]["id"]
    ref = f.start_payment(h, a, oid)
    body = orjson.dumps({"id": "evt_replay", "type": "payment.succeeded", "ref": ref,
                         "amount_minor": 5000})
    secret = webhook_secret(h.c.settings)
    headers = {SIGNATURE_HEADER: sign(secret, int(h.clock.now().timestamp()), body)}
    first = h.client.post("/v1/payments/webhooks/sandbox", content=body, headers=headers)
    again = h.client.post("/v1/payments/webhooks/sandbox", content=body, headers=headers)
    assert first.json() == {"received": True, "duplicate": False}
    assert again.json() == {"received": True, "duplicate": True}
    order = h.client.get(f"/v1/me/orders/{oid}", headers=f.auth(a)).json()
    assert (order["status"], order["captured_minor"]) == ("paid", 5000)
    tampered = body.replace(b"5000", b"9000")
    r = h.client.post("/v1/payments/webhooks/sandbox", content=tampered, headers=headers)
    assert (r.status_code, r.json()["code"]) == (401, "signature_invalid")
