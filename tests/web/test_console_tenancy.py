"""Every console page and form that names an id in its URL, walked by another merchant's
owner with the first merchant's ids: each answers 404 and changes nothing.

The routes come from every router in ``pintuan.web``, so a console route added later is
walked too; a route whose path names an id this test cannot seed fails the test until a seed
is added.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

from fastapi.routing import APIRoute

import pintuan.web
from tests import factories as f
from tests.creators import helpers as c
from tests.flashsale import helpers as fs
from tests.web.conftest import staff


def _seed(h):
    """A merchant with one of everything the console names by id; the ids by parameter."""
    m = f.merchant(h)
    deal = f.deal(h, m)
    s = f.shopper(h, m)
    opened = h.client.post("/v1/me/groups", headers=f.auth(s), json={"deal_id": deal["id"]})
    order_id = opened.json()["order"]["id"]
    f.pay(h, s, order_id)
    prog = c.program(h, m, holding_days=0)
    h.client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=f.auth(m),
                  json={"kind": "percent", "bps": 1000})
    me = c.creator(h, m, prog, shopper_id=s["id"])
    c.completed_sale(h, m, s, f.deal(h, m, team_size=2), c.click(h, c.link(h, m, prog, me)))
    com = h.client.get("/v1/commissions", headers=f.auth(m)).json()["data"][0]
    key = h.client.post("/v1/api-keys", headers=f.auth(m), json={"label": "spare"}).json()
    hook = h.client.post("/v1/webhook-endpoints", headers=f.auth(m),
                         json={"url": "http://127.0.0.1:9/hook"}).json()
    batch = h.client.post("/v1/payout-batches", headers=f.auth(m), json={}).json()
    product = h.client.get("/v1/products", headers=f.auth(m)).json()["data"][0]
    return m, {"product_id": product["id"], "sku_id": deal["sku_id"], "deal_id": deal["id"],
               "order_id": order_id, "program_id": prog["id"], "event_id": fs.event(h, m)["id"],
               "commission_id": com["id"], "batch_id": batch["id"], "key_id": key["id"],
               "endpoint_id": hook["id"]}


def _state(h, m, ids):
    """What the console's actions could change, as the first merchant's API reports it."""
    a = f.auth(m)
    get = h.client.get
    return (get(f"/v1/deals/{ids['deal_id']}", headers=a).json()["paused"],
            get(f"/v1/orders/{ids['order_id']}", headers=a).json()["refunded_minor"],
            get(f"/v1/commissions/{ids['commission_id']}", headers=a).json()["state"],
            get(f"/v1/payout-batches/{ids['batch_id']}", headers=a).json()["status"],
            len(get(f"/v1/programs/{ids['program_id']}/members", headers=a).json()),
            [k["revoked_at"] for k in get("/v1/api-keys", headers=a).json()],
            get(f"/v1/skus/{ids['sku_id']}/stock", headers=a).json(),
            len(get(f"/v1/products/{ids['product_id']}", headers=a).json()["skus"]))


def _console_routes() -> list[APIRoute]:
    modules = [importlib.import_module(f"pintuan.web.{m.name}")
               for m in pkgutil.iter_modules(pintuan.web.__path__)]
    return [r for mod in modules if hasattr(mod, "router") for r in mod.router.routes
            if isinstance(r, APIRoute) and r.path.startswith("/console/") and "{" in r.path]


def test_another_merchants_ids_answer_404_on_every_console_route(h):
    m, ids = _seed(h)
    before = _state(h, m, ids)
    intruder = staff(h, f.merchant(h))
    routes = _console_routes()
    assert len(routes) >= 18
    for route in routes:
        names = re.findall(r"{(\w+)}", route.path)
        assert set(names) <= set(ids), f"seed an id for {route.path}"
        url = route.path.format(**ids)
        for method in sorted(route.methods or ()):
            if method == "HEAD":
                continue
            r = (intruder.get(url) if method == "GET" else
                 intruder.post(url, {"creator_id": "cr_x", "quantity": "1", "code": "X-1",
                                     "sku_title": "x", "price": "1", "reason": "x"}))
            assert r.status_code == 404, (method, url, r.status_code)
    assert _state(h, m, ids) == before
