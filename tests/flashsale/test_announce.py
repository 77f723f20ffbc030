"""Durable events of a sale's moments: each slot's start and end, and an item selling out."""

from __future__ import annotations

from datetime import timedelta

from tests import factories as f
from tests.flashsale.helpers import buy, event


def _events(h, m, type_):
    return [e["data"] for e in h.client.get("/v1/events", headers=f.auth(m),
                                            params={"type": type_}).json()]


def test_each_slot_start_and_end_is_an_event_with_the_items_counters(h):
    m = f.merchant(h)
    start = h.clock.now() + timedelta(minutes=10)
    slots = [{"starts_at": (start + timedelta(hours=n)).isoformat(),
              "ends_at": (start + timedelta(hours=n, minutes=30)).isoformat()}
             for n in range(2)]
    ev = event(h, m, quota=5, slots=slots)
    h.advance(minutes=10)
    started = _events(h, m, "flash_sale.slot_started")
    assert [d["slot"]["id"] for d in started] == [ev["slots"][0]["id"]]
    s = f.shopper(h, m)
    f.pay(h, s, buy(h, s, ev["items"][0]["id"]).json()["id"])  # paid: no hold expires
    h.advance(minutes=30)
    ended = _events(h, m, "flash_sale.slot_ended")
    assert [d["slot"]["id"] for d in ended] == [ev["slots"][0]["id"]]
    assert ended[0]["items"] == [{"item_id": ev["items"][0]["id"], "quota": 5, "taken": 1,
                                  "remaining": 4}]
    h.advance(minutes=30)
    h.advance(minutes=30)
    assert len(_events(h, m, "flash_sale.slot_started")) == 2
    assert [d["slot"]["id"] for d in _events(h, m, "flash_sale.slot_ended")] == [
        ev["slots"][0]["id"], ev["slots"][1]["id"]]
    h.advance(hours=5)
    assert len(_events(h, m, "flash_sale.slot_ended")) == 2


def test_the_buy_that_takes_the_last_unit_announces_sold_out_once(h):
    m = f.merchant(h)
    ev = event(h, m, quota=2)
    item_id = ev["items"][0]["id"]
    assert buy(h, f.shopper(h, m), item_id).status_code == 201
    assert _events(h, m, "flash_sale.sold_out") == []
    assert buy(h, f.shopper(h, m), item_id).status_code == 201
    assert buy(h, f.shopper(h, m), item_id).json()["code"] == "sold_out"
    sold_out = _events(h, m, "flash_sale.sold_out")
    assert len(sold_out) == 1
    assert (sold_out[0]["item_id"], sold_out[0]["quota"]) == (item_id, 2)


def test_an_edge_between_whole_seconds_keeps_the_chain_of_edges_going(h):
    m = f.merchant(h)
    start = (h.clock.now() + timedelta(minutes=10)).replace(microsecond=500_000)
    ev = event(h, m, slots=[{"starts_at": start.isoformat(),
                             "ends_at": (start + timedelta(minutes=30)).isoformat()}])
    h.advance(minutes=11)
    assert [d["slot"]["id"] for d in _events(h, m, "flash_sale.slot_started")] == [
        ev["slots"][0]["id"]]
    h.advance(minutes=30)
    assert [d["slot"]["id"] for d in _events(h, m, "flash_sale.slot_ended")] == [
        ev["slots"][0]["id"]]
