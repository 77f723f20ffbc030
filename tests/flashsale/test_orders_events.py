"""Flash orders are orders like the others: an ``order.created`` event each, and the creator
who referred the shopper is credited and earns a commission once the order is paid."""

from __future__ import annotations

from sqlalchemy import select

from pintuan.core.outbox import EventRow
from tests import factories as f
from tests.creators import helpers as c
from tests.flashsale.helpers import buy, event


def _events(h, m, type_):
    return [e for e in h.client.get("/v1/events", headers=f.auth(m),
                                    params={"type": type_}).json()
            if e["type"] == type_]


def _program(h, m):
    prog = c.program(h, m)
    cr = c.creator(h, m, prog)
    r = h.client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=f.auth(m),
                      json={"kind": "percent", "bps": 1000})
    assert r.status_code == 201, r.text
    return cr, c.link(h, m, prog, cr)


def _commissions(h, m, order_id):
    rows = h.client.get("/v1/commissions", headers=f.auth(m)).json()["data"]
    return [x for x in rows if x["order_id"] == order_id]


def test_each_flash_order_emits_order_created_like_group_orders(h):
    m = f.merchant(h)
    ev = event(h, m, quota=5, sale=4900)
    shoppers = [f.shopper(h, m) for _ in range(3)]
    ids = [buy(h, s, ev["items"][0]["id"]).json()["id"] for s in shoppers]
    created = {e["data"]["order"]["id"]: e["data"]["order"]
               for e in _events(h, m, "order.created")}
    assert set(ids) <= set(created)
    one = created[ids[0]]
    assert (one["kind"], one["status"], one["total_minor"], one["currency"]) == (
        "flashsale", "pending_payment", 4900, "CNY")
    assert one["ref"] == ev["items"][0]["id"]
    batch = _events(h, m, "flash_sale.orders_created")
    assert {o["id"] for e in batch for o in e["data"]["orders"]} == set(ids)


def test_a_flash_orders_events_are_queued_only_when_an_endpoint_wants_them(h):
    """Every ``order.created`` and ``flash_sale.orders_created`` is in the event log; a
    flash batch queues each for dispatch only when an enabled endpoint of the merchant
    subscribes to it (or to everything)."""
    m = f.merchant(h)
    item = event(h, m, quota=10)["items"][0]["id"]

    def endpoint(events: list[str]) -> str:
        r = h.client.post("/v1/webhook-endpoints", headers=f.auth(m),
                          json={"url": "https://hooks.example.com/in", "events": events})
        assert r.status_code == 201, r.text
        return str(r.json()["id"])

    def order(queued: bool, batch_queued: bool = False) -> str:
        r = buy(h, f.shopper(h, m), item)
        assert r.status_code == 201, r.text
        order_id = str(r.json()["id"])
        with h.c.db.read() as session:  # before any dispatch: written queued or not
            events = list(session.scalars(select(EventRow).where(EventRow.type.in_(
                ["order.created", "flash_sale.orders_created"]))))
        flags = [e.dispatched for e in events if e.type == "order.created"
                 and e.data["order"]["id"] == order_id]
        batch = [e.dispatched for e in events if e.type == "flash_sale.orders_created"
                 and order_id in {o["id"] for o in e.data["orders"]}]
        assert (flags, batch) == ([not queued], [not batch_queued])
        h.drain()  # a queued event goes to the endpoints enabled when it is dispatched
        return order_id

    nobody = order(queued=False)
    others = endpoint(["group.completed"])
    not_subscribed = order(queued=False)
    endpoint(["order.created"])
    wanted = order(queued=True)
    batches = endpoint(["flash_sale.orders_created"])
    listed = order(queued=True, batch_queued=True)
    h.client.post(f"/v1/webhook-endpoints/{batches}/disable", headers=f.auth(m))
    h.client.post(f"/v1/webhook-endpoints/{others}/disable", headers=f.auth(m))
    endpoint(["*"])
    everything = order(queued=True, batch_queued=True)
    logged = {e["id"]: e["data"]["order"]["id"] for e in _events(h, m, "order.created")}
    assert {nobody, not_subscribed, wanted, everything} <= set(logged.values())
    deliveries = h.client.get("/v1/webhook-deliveries", headers=f.auth(m),
                              params={"limit": 100}).json()["data"]
    sent = [logged[d["event_id"]] for d in deliveries if d["event_type"] == "order.created"]
    # the order.created endpoint got the last three; the "*" endpoint only the last
    assert sorted(sent) == sorted([wanted, listed, everything, everything])
    # the batch events went out twice: to their endpoint, then to "*"
    assert sum(d["event_type"] == "flash_sale.orders_created" for d in deliveries) == 2


def test_a_referred_flash_order_is_attributed_and_earns_a_commission_once_paid(h):
    m = f.merchant(h)
    cr, link = _program(h, m)
    ev = event(h, m, quota=5, sale=4900)
    s, plain = f.shopper(h, m), f.shopper(h, m)
    visitor = c.click(h, link)
    headers = f.auth(s) | {"cookie": f"pt_ref={visitor}"}
    r = h.client.post("/v1/me/flash-orders", headers=headers,
                      json={"item_id": ev["items"][0]["id"]})
    assert r.status_code == 201, r.text
    referred = r.json()["id"]
    other = buy(h, plain, ev["items"][0]["id"]).json()["id"]
    credit = c.credited(h, m, referred)
    assert credit is not None
    assert (credit["creator_id"], credit["source"]) == (cr["id"], "click")
    assert c.credited(h, m, other) is None
    f.pay(h, s, referred)
    f.pay(h, plain, other)
    h.drain()
    rows = _commissions(h, m, referred)
    assert [(x["creator_id"], x["total_minor"]) for x in rows] == [(cr["id"], 490)]
    assert _commissions(h, m, other) == []


def test_a_shopper_a_creator_brought_before_is_credited_without_the_cookie(h):
    """The click was claimed by the shopper on an earlier order: a later flash order from
    another device (no cookie) still finds it, as a group order would."""
    m = f.merchant(h)
    cr, link = _program(h, m)
    s = f.shopper(h, m)
    c.open_group(h, s, f.deal(h, m), visitor=c.click(h, link))
    ev = event(h, m, quota=5)
    order_id = buy(h, s, ev["items"][0]["id"]).json()["id"]
    credit = c.credited(h, m, order_id)
    assert credit is not None
    assert credit["creator_id"] == cr["id"]


def test_a_referral_ref_in_the_body_serves_clients_without_cookies(h):
    m = f.merchant(h)
    cr, link = _program(h, m)
    ev = event(h, m, quota=5)
    s = f.shopper(h, m)
    r = h.client.post("/v1/me/flash-orders", headers=f.auth(s),
                      json={"item_id": ev["items"][0]["id"], "ref": c.click(h, link)})
    assert r.status_code == 201, r.text
    credit = c.credited(h, m, r.json()["id"])
    assert credit is not None
    assert credit["creator_id"] == cr["id"]
    bad = h.client.post("/v1/me/flash-orders", headers=f.auth(s),
                        json={"item_id": ev["items"][0]["id"], "ref": 7})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_request")
