"""Flash sales over HTTP on SQLite and PostgreSQL: setup, buying, limits, expiry, ending."""

from __future__ import annotations

import time
from datetime import timedelta

from pintuan.flashsale import batcher
from pintuan.flashsale.batcher import SOLD_OUT_TTL
from tests import factories as f
from tests.flashsale.helpers import buy, event, item, no_rate_limits, stock


def test_setup_reserves_the_quota_and_the_storefront_counts_down(h):
    m = f.merchant(h)
    sku = f.sku(h, m, price=10000, stock=100)
    ev = event(h, m, sku_id=sku, quota=30, start_in=timedelta(minutes=10))
    assert ev["items"][0]["prior_lowest_minor"] == 10000
    assert (stock(h, m, sku)["available"], stock(h, m, sku)["reserved"]) == (70, 30)
    listing = h.client.get(f"/v1/stores/{m['slug']}/flash-sales").json()
    slot = listing["events"][0]["slots"][0]
    assert (slot["state"], slot["seconds_to_change"]) == ("upcoming", 600)
    assert listing["server_time"].startswith("2026-11-11T00:00")
    h.clock.advance(minutes=15)
    slot = h.client.get(f"/v1/stores/{m['slug']}/flash-sales").json()["events"][0]["slots"][0]
    assert (slot["state"], slot["seconds_to_change"]) == ("live", 55 * 60)


def test_daily_sessions_make_one_slot_per_session_per_day(h):
    m = f.merchant(h)
    ev = event(h, m, slots=None, daily={"first_day": "2026-11-11", "days": 3,
                                        "starts": ["10:00", "20:00"], "minutes": 30,
                                        "timezone": "Asia/Shanghai"})
    starts = [s["starts_at"] for s in ev["slots"]]
    assert len(starts) == 6
    assert starts[0] == "2026-11-11T02:00:00Z"
    assert starts[-1] == "2026-11-13T12:00:00Z"


def test_a_buy_creates_a_pending_order_that_pays_and_confirms(h):
    m = f.merchant(h)
    sku = f.sku(h, m, price=10000, stock=10)
    ev = event(h, m, sku_id=sku, quota=5, sale=4900)
    s = f.shopper(h, m)
    r = buy(h, s, ev["items"][0]["id"])
    assert r.status_code == 201, r.text
    order = r.json()
    assert (order["status"], order["kind"], order["total_minor"]) == (
        "pending_payment", "flashsale", 4900)
    assert item(h, m, ev["id"])["taken"] == 1
    f.pay(h, s, order["id"])
    assert h.client.get(f"/v1/me/orders/{order['id']}",
                        headers=f.auth(s)).json()["status"] == "confirmed"
    level = stock(h, m, sku)
    assert (level["available"], level["reserved"], level["sold"]) == (5, 4, 1)


def test_unpaid_orders_expire_and_their_units_are_sold_again(h):
    m = f.merchant(h)
    sku = f.sku(h, m, stock=10)
    ev = event(h, m, sku_id=sku, quota=1, per_slot_limit=1, per_event_limit=1)
    item_id = ev["items"][0]["id"]
    a, b = f.shopper(h, m), f.shopper(h, m)
    first = buy(h, a, item_id).json()
    r = buy(h, b, item_id)
    assert (r.status_code, r.json()["code"]) == (409, "sold_out")
    h.advance(minutes=h.c.settings.hold_minutes + 1)
    assert h.client.get(f"/v1/me/orders/{first['id']}",
                        headers=f.auth(a)).json()["status"] == "cancelled"
    assert item(h, m, ev["id"])["taken"] == 0
    time.sleep(SOLD_OUT_TTL + 0.05)
    assert buy(h, b, item_id).status_code == 201
    assert buy(h, a, item_id).json()["code"] == "sold_out"
    level = stock(h, m, sku)
    assert (level["available"], level["reserved"]) == (9, 1)


def test_limits_per_order_slot_and_event(h):
    m = f.merchant(h)
    start = h.clock.now()
    slots = [{"starts_at": (start + timedelta(hours=i)).isoformat(),
              "ends_at": (start + timedelta(hours=i, minutes=30)).isoformat()} for i in (0, 1)]
    ev = event(h, m, quota=20, slots=slots, per_order_limit=2, per_slot_limit=2,
               per_event_limit=3)
    no_rate_limits(h)
    item_id = ev["items"][0]["id"]
    s = f.shopper(h, m)
    r = buy(h, s, item_id, quantity=3)
    assert (r.status_code, r.json()["code"]) == (422, "bad_quantity")
    assert buy(h, s, item_id, quantity=2).status_code == 201
    assert buy(h, s, item_id).json()["code"] == "shopper_limit_exceeded"
    h.clock.advance(hours=1)
    assert buy(h, s, item_id, quantity=2).json()["code"] == "shopper_limit_exceeded"
    assert buy(h, s, item_id).status_code == 201
    assert item(h, m, ev["id"])["taken"] == 3


def test_slot_not_started_and_ended(h):
    m = f.merchant(h)
    ev = event(h, m, start_in=timedelta(minutes=5))
    item_id = ev["items"][0]["id"]
    s = f.shopper(h, m)
    assert buy(h, s, item_id).json()["code"] == "slot_not_started"
    h.clock.advance(hours=2)
    assert buy(h, s, item_id).json()["code"] == "event_ended"
    assert h.client.get("/v1/me/orders", headers=f.auth(s)).json()["data"] == []


def test_the_end_returns_unsold_quota_and_later_cancellations_to_stock(h):
    m = f.merchant(h)
    sku = f.sku(h, m, stock=10)
    ev = event(h, m, sku_id=sku, quota=4, length=timedelta(minutes=5))
    s = f.shopper(h, m)
    order = buy(h, s, ev["items"][0]["id"]).json()
    h.advance(minutes=6)
    got = h.client.get(f"/v1/flash-sales/{ev['id']}", headers=f.auth(m)).json()
    assert got["status"] == "ended"
    assert (got["items"][0]["quota"], got["items"][0]["taken"]) == (1, 1)
    assert (stock(h, m, sku)["available"], stock(h, m, sku)["reserved"]) == (9, 1)
    h.advance(minutes=h.c.settings.hold_minutes)
    assert h.client.get(f"/v1/me/orders/{order['id']}",
                        headers=f.auth(s)).json()["status"] == "cancelled"
    assert (stock(h, m, sku)["available"], stock(h, m, sku)["reserved"]) == (10, 0)
    assert item(h, m, ev["id"])["quota"] == 0


def test_one_idempotency_key_makes_one_order(h):
    m = f.merchant(h)
    ev = event(h, m, quota=5, per_order_limit=2, per_slot_limit=3, per_event_limit=3)
    item_id = ev["items"][0]["id"]
    s = f.shopper(h, m)
    first = buy(h, s, item_id, key="k1")
    again = buy(h, s, item_id, key="k1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    other = buy(h, s, item_id, quantity=2, key="k1")
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert item(h, m, ev["id"])["taken"] == 1
    assert len(h.client.get("/v1/me/orders", headers=f.auth(s)).json()["data"]) == 1


def test_rate_limits_and_a_full_queue_answer_429(h):
    h.c.settings = h.c.settings.model_copy(update={"flash_shopper_rate": 1,
                                                   "flash_ip_rate": 3})
    m = f.merchant(h)
    ev = event(h, m, quota=10, per_slot_limit=5, per_event_limit=5)
    item_id = ev["items"][0]["id"]
    a, b, c = f.shopper(h, m), f.shopper(h, m), f.shopper(h, m)
    assert [buy(h, a, item_id).status_code for _ in range(3)] == [201, 201, 429]
    r = buy(h, a, item_id)
    assert (r.json()["code"], r.headers["Retry-After"]) == ("rate_limited_shopper", "1")
    statuses = [buy(h, s, item_id).json().get("code") for s in (b, c, b, c, b)]
    assert "rate_limited_ip" in statuses
    assert item(h, m, ev["id"])["taken"] <= 2 + 6


def test_the_report_counts_sales_per_second_and_refusals_by_reason(h):
    m = f.merchant(h)
    ev = event(h, m, quota=3)
    item_id = ev["items"][0]["id"]
    a, b, c, d, e = (f.shopper(h, m) for _ in range(5))
    assert buy(h, a, item_id).status_code == 201
    assert buy(h, a, item_id).json()["code"] == "shopper_limit_exceeded"
    assert buy(h, b, item_id).status_code == buy(h, c, item_id).status_code == 201
    assert buy(h, d, item_id).json()["code"] == "sold_out"  # answered from memory
    time.sleep(SOLD_OUT_TTL + 0.05)
    assert buy(h, e, item_id).json()["code"] == "sold_out"  # re-check stores d's refusal
    r = h.client.get(f"/v1/flash-sales/{ev['id']}/report", headers=f.auth(m)).json()
    (rep,) = r["items"]
    assert (rep["accepted"], rep["refused"], rep["peak_accepted_per_s"]) == (3, 2, 3)
    assert rep["rejections"] == {"shopper_limit_exceeded": 1, "sold_out": 1}
    assert rep["orders"] == {"pending_payment": 3}
    assert rep["per_second"] == [{"at": "2026-11-11T00:00:00Z", "accepted": 3}]
    assert rep["acceptance_rate"] == 0.6
    other = f.merchant(h)
    r = h.client.get(f"/v1/flash-sales/{ev['id']}/report", headers=f.auth(other))
    assert r.json()["code"] == "flash_sale_not_found"


def test_after_a_sell_out_keyed_buys_are_answered_without_a_batch(h, monkeypatch):
    monkeypatch.setattr(batcher, "SOLD_OUT_TTL", 60.0)
    batches = []
    run_batch = batcher.run_batch
    monkeypatch.setattr(batcher, "run_batch", lambda *a: batches.append(1) or run_batch(*a))
    m = f.merchant(h)
    item_id = event(h, m, quota=1)["items"][0]["id"]
    winner, loser = f.shopper(h, m), f.shopper(h, m)
    first = buy(h, winner, item_id, key="k1")
    assert first.status_code == 201
    assert len(batches) == 1  # it took the last unit: the item is known sold out
    again = buy(h, winner, item_id, key="k1")
    assert (again.status_code, again.json()["id"]) == (201, first.json()["id"])
    assert again.headers["Idempotent-Replayed"] == "true"
    lost = buy(h, loser, item_id, key="k2")
    assert (lost.status_code, lost.json()["code"]) == (409, "sold_out")
    assert len(batches) == 1
