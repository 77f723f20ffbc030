"""Flash sales at the largest price a request may name (10**12 minor units): the event, its
order and the payment keep every unit on SQLite and PostgreSQL; a price, quota, limit or
quantity past its bound is refused with a 422 problem and nothing is stored."""

from __future__ import annotations

from pintuan.core.money import MAX_MINOR
from tests import factories as f
from tests.flashsale.helpers import buy, event, stock

BIG = MAX_MINOR


def _refused(r, code="invalid_request"):
    assert r.headers["content-type"] == "application/problem+json", r.text
    assert (r.status_code, r.json()["code"]) == (422, code), r.text


def test_the_largest_sale_price_is_sold_and_paid_in_full(h):
    m = f.merchant(h)
    sku = f.sku(h, m, price=BIG, stock=10)
    ev = event(h, m, sku_id=sku, quota=5, sale=BIG - 1, per_order_limit=3, per_slot_limit=3,
               per_event_limit=3)
    listed = h.client.get(f"/v1/flash-sales/{ev['id']}", headers=f.auth(m)).json()["items"][0]
    assert (listed["list_price_minor"], listed["prior_lowest_minor"],
            listed["sale_price_minor"]) == (BIG, BIG, BIG - 1)
    s = f.shopper(h, m)
    r = buy(h, s, listed["id"], quantity=3)
    assert r.status_code == 201, r.text
    assert r.json()["total_minor"] == 3 * (BIG - 1)
    f.pay(h, s, r.json()["id"])
    order = h.client.get(f"/v1/orders/{r.json()['id']}", headers=f.auth(m)).json()
    assert (order["status"], order["total_minor"], order["captured_minor"]) == (
        "confirmed", 3 * (BIG - 1), 3 * (BIG - 1))
    report = h.client.get(f"/v1/flash-sales/{ev['id']}/report", headers=f.auth(m)).json()
    assert (report["items"][0]["taken"], report["items"][0]["accepted"]) == (3, 1)


def test_past_the_bounds_an_event_is_refused_and_nothing_is_stored(h):
    m = f.merchant(h)
    sku = f.sku(h, m, price=BIG, stock=10)
    item = {"sku_id": sku, "sale_price_minor": 100, "quota": 5}
    slots = [{"starts_at": h.clock.now().isoformat(), "ends_at": "2026-11-12T00:00:00Z"}]
    for over in ({"items": [item | {"sale_price_minor": BIG + 1}]},
                 {"items": [item | {"sale_price_minor": 2**63}]},
                 {"items": [item | {"quota": 10_000_001}]},
                 {"per_order_limit": 10_001}):
        r = h.client.post("/v1/flash-sales", headers=f.auth(m),
                          json={"title": "Too much", "items": [item], "slots": slots} | over)
        _refused(r)
    assert h.client.get("/v1/flash-sales", headers=f.auth(m)).json()["data"] == []
    level = stock(h, m, sku)
    assert (level["available"], level["reserved"]) == (10, 0)


def test_a_quantity_past_the_order_limit_is_refused_and_nothing_is_stored(h):
    m = f.merchant(h)
    ev = event(h, m, quota=5)
    s = f.shopper(h, m)
    for quantity, code in ((2, "bad_quantity"), (2**31, "bad_quantity"),
                           (2**63, "bad_quantity"), (10**30, "invalid_request")):
        _refused(buy(h, s, ev["items"][0]["id"], quantity=quantity), code)
    assert h.client.get("/v1/me/orders", headers=f.auth(s)).json()["data"] == []
    listed = h.client.get(f"/v1/flash-sales/{ev['id']}", headers=f.auth(m)).json()
    assert listed["items"][0]["taken"] == 0
