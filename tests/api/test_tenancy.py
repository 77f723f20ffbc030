"""Every merchant endpoint, walked with another merchant's key: it sees none of the first
merchant's data and changes none of it.

The operations come from /openapi.json, so an endpoint added later is walked too; an
endpoint whose path names an id this test cannot seed fails the test until a seed is added.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from tests import factories as f
from tests.creators import helpers as c
from tests.flashsale import helpers as fs

PUBLIC = ("/healthz", "/v1/stores/", "/v1/share/", "/v1/payments/webhooks/")
SHOPPER = "/v1/me"


def _seed(h) -> tuple[dict[str, str], dict[str, str]]:
    """A merchant with one of everything; returns (merchant, ids by path parameter name)."""
    m = f.merchant(h)
    endpoint = h.client.post("/v1/webhook-endpoints", headers=f.auth(m),
                             json={"url": "http://127.0.0.1:9/hook"}).json()
    deal = f.deal(h, m)
    a = f.shopper(h, m)
    opened = h.client.post("/v1/me/groups", headers=f.auth(a), json={"deal_id": deal["id"]})
    f.pay(h, a, opened.json()["order"]["id"])
    key = h.client.post("/v1/api-keys", headers=f.auth(m), json={"label": "spare"}).json()
    h.drain()
    delivery = h.client.get("/v1/webhook-deliveries", headers=f.auth(m)).json()["data"][0]
    product = h.client.get("/v1/products", headers=f.auth(m)).json()["data"][0]
    ids = {"product_id": product["id"], "sku_id": deal["sku_id"], "deal_id": deal["id"],
           "group_id": opened.json()["group"]["id"], "order_id": opened.json()["order"]["id"],
           "endpoint_id": endpoint["id"], "delivery_id": delivery["id"], "key_id": key["id"],
           "event_id": fs.event(h, m)["id"]}
    return m, ids | _creator_ids(h, m)


def _creator_ids(h, m) -> dict[str, str]:
    """A program, a creator whose self-referred sale was held then released, the payout
    batch that paid it, and a bonus contract."""
    prog = c.program(h, m, holding_days=0)
    h.client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=f.auth(m),
                  json={"kind": "percent", "bps": 1000})
    s = f.shopper(h, m)
    me = c.creator(h, m, prog, shopper_id=s["id"])
    c.completed_sale(h, m, s, f.deal(h, m, team_size=2), c.click(h, c.link(h, m, prog, me)))
    com = h.client.get("/v1/commissions", headers=f.auth(m)).json()["data"][0]
    h.client.post(f"/v1/commissions/{com['id']}/release", headers=f.auth(m))
    batch = h.client.post("/v1/payout-batches", headers=f.auth(m), json={}).json()
    now = h.clock.now()
    contract = h.client.post(f"/v1/programs/{prog['id']}/bonus-contracts", headers=f.auth(m),
                             json={"creator_id": me["id"], "starts_at": now.isoformat(),
                                   "ends_at": (now + timedelta(days=1)).isoformat(),
                                   "tiers": [{"gmv_target_minor": 100, "bonus_minor": 10}]})
    return {"program_id": prog["id"], "creator_id": me["id"], "commission_id": com["id"],
            "batch_id": batch["id"], "payout_id": batch["payouts"][0]["id"],
            "contract_id": contract.json()["id"]}


def _bodies(ids: dict[str, str]) -> dict[tuple[str, str], dict[str, Any]]:
    """Valid bodies that name the first merchant's rows, so only tenancy can refuse them."""
    now = "2026-11-11T00:00:00Z"
    creator = {"creator_id": ids["creator_id"]}
    return {
        ("POST", "/v1/products/{product_id}/skus"): {"code": "X-1", "title": "x",
                                                     "list_price_minor": 100},
        ("POST", "/v1/skus/{sku_id}/stock/receive"): {"quantity": 5},
        ("POST", "/v1/deals"): {"sku_id": ids["sku_id"], "title": "Stolen",
                                "group_price_minor": 10, "starts_at": now,
                                "ends_at": "2026-11-20T00:00:00Z"},
        ("POST", "/v1/products"): {"title": "Own", "skus": []},
        ("POST", "/v1/api-keys"): {"label": "own"},
        ("POST", "/v1/webhook-endpoints"): {"url": "http://127.0.0.1:9/own"},
        ("POST", "/v1/orders/{order_id}/refunds"): {"amount_minor": 1},
        ("POST", "/v1/flash-sales"): {"title": "Stolen", "slots": [
            {"starts_at": now, "ends_at": "2026-11-20T00:00:00Z"}],
            "items": [{"sku_id": ids["sku_id"], "sale_price_minor": 1, "quota": 1}]},
        ("POST", "/v1/programs"): {"name": "Own"},
        ("POST", "/v1/creators"): {"name": "Own", "recruited_by": ids["creator_id"]},
        ("POST", "/v1/payout-batches"): {},
        ("POST", "/v1/programs/{program_id}/invitations"): creator,
        ("POST", "/v1/programs/{program_id}/links"): creator,
        ("POST", "/v1/programs/{program_id}/codes"): creator | {"code": "STOLEN"},
        ("POST", "/v1/programs/{program_id}/rate-cards"): {"kind": "percent", "bps": 100},
        ("POST", "/v1/programs/{program_id}/bonus-contracts"): creator | {
            "starts_at": now, "ends_at": "2026-11-20T00:00:00Z",
            "tiers": [{"gmv_target_minor": 100, "bonus_minor": 10}]},
        ("POST", "/v1/creators/{creator_id}/payouts"): {"amount_minor": 1},
        ("POST", "/v1/creators/{creator_id}/audience"): {"followers": [
            {"followers": 1, "following": 2, "posts": 3, "account_age_days": 4,
             "default_avatar": True, "has_bio": False}]},
        ("POST", "/v1/payouts/{payout_id}/fail"): {"reason": "bounced"},
        ("POST", "/v1/skus/{sku_id}/price"): {"list_price_minor": 1},
    }


def _merchant_operations(h) -> list[tuple[str, str]]:
    ops = []
    for path, item in h.client.get("/openapi.json").json()["paths"].items():
        if path.startswith(PUBLIC) or path.startswith(SHOPPER) or not path.startswith("/v1/"):
            continue
        ops += [(method.upper(), path) for method in item]
    return sorted(ops)


def _snapshot(h, m, ids) -> list[Any]:
    paths = [f"/v1/deals/{ids['deal_id']}", f"/v1/orders/{ids['order_id']}",
             f"/v1/skus/{ids['sku_id']}/stock", f"/v1/products/{ids['product_id']}",
             f"/v1/groups/{ids['group_id']}", "/v1/api-keys", "/v1/webhook-endpoints",
             f"/v1/webhook-deliveries/{ids['delivery_id']}", f"/v1/flash-sales/{ids['event_id']}",
             f"/v1/programs/{ids['program_id']}", f"/v1/programs/{ids['program_id']}/members",
             f"/v1/creators/{ids['creator_id']}", f"/v1/commissions/{ids['commission_id']}",
             f"/v1/payout-batches/{ids['batch_id']}", f"/v1/bonus-contracts/{ids['contract_id']}",
             f"/v1/creators/{ids['creator_id']}/audience"]
    return [h.client.get(p, headers=f.auth(m)).json() for p in paths]


def test_another_merchants_key_sees_and_changes_nothing(h):
    m1, ids = _seed(h)
    m2 = f.merchant(h)
    before = _snapshot(h, m1, ids)
    bodies = _bodies(ids)
    walked = []
    for method, template in _merchant_operations(h):
        names = re.findall(r"{(\w+)}", template)
        missing = [n for n in names if n not in ids]
        assert not missing, f"seed an id for {missing} to walk {method} {template}"
        path = template.format(**ids)
        body = bodies.get((method, template), {})
        r = h.client.request(method, path, headers=f.auth(m2), json=body)
        walked.append((method, template, r.status_code))
        assert r.status_code < 500, (method, path, r.text)
        if names:
            assert r.status_code == 404, (method, path, r.status_code, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
        asked = path + str(body)  # an error may name the id it was asked for; no other
        leaked = [i for i in ids.values() if i in r.text and i not in asked]
        assert not leaked, (method, path, leaked)
    assert _snapshot(h, m1, ids) == before
    assert len(walked) >= 20
