"""Every merchant endpoint, walked with another merchant's key: it sees none of the first
merchant's data and changes none of it.

The operations come from /openapi.json, so an endpoint added later is walked too; an
endpoint whose path names an id this test cannot seed fails the test until a seed is added.
"""

from __future__ import annotations

import re
from typing import Any

from tests import factories as f

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
           "endpoint_id": endpoint["id"], "delivery_id": delivery["id"], "key_id": key["id"]}
    return m, ids


def _bodies(ids: dict[str, str]) -> dict[tuple[str, str], dict[str, Any]]:
    """Valid bodies that name the first merchant's rows, so only tenancy can refuse them."""
    now = "2026-11-11T00:00:00Z"
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
             f"/v1/webhook-deliveries/{ids['delivery_id']}"]
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
