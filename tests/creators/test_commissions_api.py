"""Commissions over HTTP, on SQLite and PostgreSQL: the rate on what was paid, reversed by
refunds, payable after the holding period, held on fraud flags until released or voided."""

from __future__ import annotations

from pintuan.core import outbox
from pintuan.creators import commissions
from tests import factories as f
from tests.creators import helpers as c


def _program(h, *, card=None, **program):
    m = f.merchant(h)
    prog = c.program(h, m, **program)
    cr = c.creator(h, m, prog)
    r = h.client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=f.auth(m),
                      json=card or {"kind": "percent", "bps": 1000})
    assert r.status_code == 201, r.text
    return m, prog, cr, c.link(h, m, prog, cr)


def _referred_order(h, m, link, **deal):
    s = f.shopper(h, m)
    opened = c.open_group(h, s, f.deal(h, m, **deal), visitor=c.click(h, link))
    return s, opened


def _commission(h, m, order_id):
    rows = [x for x in h.client.get("/v1/commissions", headers=f.auth(m)).json()["data"]
            if x["order_id"] == order_id]
    assert len(rows) == 1
    r = h.client.get(f"/v1/commissions/{rows[0]['id']}", headers=f.auth(m))
    assert r.status_code == 200, r.text
    return r.json()


def _refund(h, m, order_id, amount):
    r = h.client.post(f"/v1/orders/{order_id}/refunds", headers=f.auth(m),
                      json={"amount_minor": amount})
    assert r.status_code == 201, r.text
    h.drain()


def _types(h, m):
    return [e["type"] for e in h.client.get("/v1/events", headers=f.auth(m)).json()]


def test_commission_is_the_rate_on_what_was_paid_and_refunds_reverse_it_exactly(h):
    m, _, cr, link = _program(h)
    s, opened = _referred_order(h, m, link)
    oid = opened["order"]["id"]
    assert opened["order"]["total_minor"] == 5000
    f.pay(h, s, oid)
    com = _commission(h, m, oid)
    assert (com["creator_id"], com["state"], com["total_minor"]) == (cr["id"], "pending", 500)
    assert [(e["kind"], e["amount_minor"]) for e in com["entries"]] == [("accrual", 500)]
    _refund(h, m, oid, 1999)
    com = _commission(h, m, oid)
    assert com["total_minor"] == 300  # 10% of the 3001 still paid, rounded half up
    _refund(h, m, oid, 3001)
    com = _commission(h, m, oid)
    assert [(e["kind"], e["amount_minor"]) for e in com["entries"]] == [
        ("accrual", 500), ("reversal", -200), ("reversal", -300)]
    assert com["total_minor"] == 0
    assert _types(h, m).count("commission.reversed") == 2


def test_an_order_no_creator_brought_earns_no_commission(h):
    m, *_ = _program(h)
    s = f.shopper(h, m)
    oid = c.open_group(h, s, f.deal(h, m))["order"]["id"]
    f.pay(h, s, oid)
    assert h.client.get("/v1/commissions", headers=f.auth(m)).json()["data"] == []


def test_payable_after_the_holding_period_that_starts_at_confirmation(h):
    m, _, cr, link = _program(h, holding_days=7)
    s, opened = _referred_order(h, m, link, team_size=2)
    oid = opened["order"]["id"]
    f.pay(h, s, oid)
    assert _commission(h, m, oid)["payable_at"] is None
    friend = f.shopper(h, m)
    joined = h.client.post(f"/v1/me/groups/{opened['group']['id']}/join",
                           headers=f.auth(friend), json={})
    f.pay(h, friend, joined.json()["order"]["id"])
    com = _commission(h, m, oid)
    assert com["confirmed_at"] is not None
    assert com["state"] == "pending"
    h.advance(days=7, seconds=-1)
    assert _commission(h, m, oid)["state"] == "pending"
    h.advance(seconds=1)
    assert _commission(h, m, oid)["state"] == "payable"
    earnings = h.client.get(f"/v1/creators/{cr['id']}/earnings", headers=f.auth(m)).json()
    assert (earnings["payable_minor"], earnings["pending_minor"]) == (500, 0)
    assert "commission.payable" in _types(h, m)


def test_a_commission_refunded_to_nothing_is_voided_when_it_would_become_payable(h):
    m, _, _, link = _program(h, holding_days=1)
    s, opened = _referred_order(h, m, link, team_size=2)
    oid = opened["order"]["id"]
    f.pay(h, s, oid)
    friend = f.shopper(h, m)
    joined = h.client.post(f"/v1/me/groups/{opened['group']['id']}/join",
                           headers=f.auth(friend), json={}).json()
    f.pay(h, friend, joined["order"]["id"])
    _refund(h, m, oid, 5000)
    h.advance(days=1)
    com = _commission(h, m, oid)
    assert (com["state"], com["total_minor"]) == ("voided", 0)


def test_targeted_cards_beat_open_ones_and_fixed_rates_pay_per_unit(h):
    m, prog, cr, link = _program(h)
    other = c.creator(h, m, prog)
    a = f.auth(m)
    deal = f.deal(h, m)
    product = next(p["id"] for p in h.client.get("/v1/products", headers=a).json()["data"]
                   if p["skus"][0]["id"] == deal["sku_id"])
    cards = f"/v1/programs/{prog['id']}/rate-cards"
    assert h.client.post(cards, headers=a, json={"product_id": product, "kind": "percent",
                                                 "bps": 1500}).status_code == 201
    assert h.client.post(cards, headers=a, json={"creator_id": cr["id"], "kind": "percent",
                                                 "bps": 2000}).status_code == 201
    assert h.client.post(cards, headers=a, json={"creator_id": other["id"], "kind": "fixed",
                                                 "fixed_minor": 700}).status_code == 201
    s = f.shopper(h, m)
    oid = c.open_group(h, s, deal, visitor=c.click(h, link))["order"]["id"]
    f.pay(h, s, oid)
    assert _commission(h, m, oid)["total_minor"] == 1000  # 20% of 5000, not the open 10%
    buyer = f.shopper(h, m)
    oid2 = c.open_group(h, buyer, f.deal(h, m), quantity=2,
                        visitor=c.click(h, c.link(h, m, prog, other)))["order"]["id"]
    f.pay(h, buyer, oid2)
    assert _commission(h, m, oid2)["total_minor"] == 1400  # 700 per unit, 2 units
    third = c.creator(h, m, prog)
    buyer = f.shopper(h, m)
    oid3 = c.open_group(h, buyer, deal, visitor=c.click(h, c.link(h, m, prog, third)))
    f.pay(h, buyer, oid3["order"]["id"])
    assert _commission(h, m, oid3["order"]["id"])["total_minor"] == 750  # the product's 15%
    assert len(h.client.get(cards, headers=a).json()) == 4


def test_self_referral_is_held_until_the_merchant_releases_or_voids_it(h):
    m = f.merchant(h)
    prog = c.program(h, m, holding_days=0)
    h.client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=f.auth(m),
                  json={"kind": "percent", "bps": 1000})
    held = []
    for _ in range(2):
        s = f.shopper(h, m)
        me = c.creator(h, m, prog, shopper_id=s["id"])
        oid = c.completed_sale(h, m, s, f.deal(h, m, team_size=2),
                               c.click(h, c.link(h, m, prog, me)))
        com = _commission(h, m, oid)
        assert (com["state"], com["flags"]) == ("held", ["self_referral_id",
                                                         "self_referral_email"])
        assert com["payable_at"] is not None
        held.append(com)
    h.advance(days=30)
    assert _commission(h, m, held[0]["order_id"])["state"] == "held"
    r = h.client.post(f"/v1/commissions/{held[0]['id']}/release", headers=f.auth(m))
    assert (r.status_code, r.json()["state"], r.json()["total_minor"]) == (200, "payable", 500)
    r = h.client.post(f"/v1/commissions/{held[1]['id']}/void", headers=f.auth(m))
    assert (r.json()["state"], r.json()["total_minor"]) == ("voided", 0)
    assert [e["kind"] for e in r.json()["entries"]] == ["accrual", "void"]
    r = h.client.post(f"/v1/commissions/{held[1]['id']}/release", headers=f.auth(m))
    assert (r.status_code, r.json()["code"]) == (409, "commission_state_conflict")
    assert {"commission.held", "commission.released", "commission.voided"} <= set(_types(h, m))


def test_a_held_commission_released_before_the_holding_period_ends_waits_for_it(h):
    m = f.merchant(h)
    prog = c.program(h, m, holding_days=3)
    h.client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=f.auth(m),
                  json={"kind": "percent", "bps": 1000})
    s = f.shopper(h, m)
    me = c.creator(h, m, prog, shopper_id=s["id"])
    oid = c.completed_sale(h, m, s, f.deal(h, m, team_size=2),
                           c.click(h, c.link(h, m, prog, me)))
    com = _commission(h, m, oid)
    h.advance(days=1)
    r = h.client.post(f"/v1/commissions/{com['id']}/release", headers=f.auth(m))
    assert r.json()["state"] == "pending"
    h.advance(days=2)
    assert _commission(h, m, oid)["state"] == "payable"


def test_replayed_order_events_write_no_second_entry(h):
    m, _, _, link = _program(h)
    s, opened = _referred_order(h, m, link)
    oid = opened["order"]["id"]
    f.pay(h, s, oid)
    _refund(h, m, oid, 1000)
    before = _commission(h, m, oid)
    with h.c.db.write() as session:
        tx = h.c.tx(session)
        events = outbox.list_events(tx, merchant_id=m["id"], type=None, after=None, limit=500)
        commissions.consume(tx, events)
        commissions.consume(tx, list(reversed(events)))
    assert _commission(h, m, oid) == before
    assert len(before["entries"]) == 2


def test_bad_rates_and_foreign_commissions(h):
    m, prog, _cr, link = _program(h)
    a = f.auth(m)
    cards = f"/v1/programs/{prog['id']}/rate-cards"
    for body, status, code in (({"kind": "percent", "bps": -1}, 422, "bad_rate"),
                               ({"kind": "percent", "bps": 10_001}, 422, "bad_rate"),
                               ({"kind": "fixed", "fixed_minor": -5}, 422, "bad_rate"),
                               ({"kind": "fixed", "fixed_minor": 10**12 + 1}, 422,
                                "invalid_request"),
                               ({"kind": "percent", "bps": 10, "fixed_minor": 5}, 422,
                                "bad_rate"),
                               ({"kind": "bonus"}, 422, "invalid_request"),
                               ({"kind": "percent", "bps": 5, "product_id": "prd_x"}, 404,
                                "product_not_found")):
        r = h.client.post(cards, headers=a, json=body)
        assert (r.status_code, r.json()["code"]) == (status, code), body
    assert len(h.client.get(cards, headers=a).json()) == 1
    s, opened = _referred_order(h, m, link)
    f.pay(h, s, opened["order"]["id"])
    com = _commission(h, m, opened["order"]["id"])
    other = f.auth(f.merchant(h))
    for path in (f"/v1/commissions/{com['id']}", f"/v1/commissions/{com['id']}/release",
                 f"/v1/commissions/{com['id']}/void"):
        r = (h.client.get if path.endswith(com["id"]) else h.client.post)(path, headers=other)
        assert (r.status_code, r.json()["code"]) == (404, "commission_not_found")
    r = h.client.post(f"/v1/commissions/{com['id']}/release", headers=a)
    assert (r.status_code, r.json()["code"]) == (409, "commission_state_conflict")
    assert _commission(h, m, opened["order"]["id"]) == com


def _all_of_order(h, m, order_id):
    rows = h.client.get("/v1/commissions", headers=f.auth(m)).json()["data"]
    return sorted((x["depth"], x["creator_id"], x["total_minor"]) for x in rows
                   if x["order_id"] == order_id)


def test_one_referral_level_by_default_and_overrides_only_when_configured(h):
    for override, expected_upline in (([], None), ([500, 200], 250)):
        m = f.merchant(h)
        prog = c.program(h, m, override_bps=override)
        h.client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=f.auth(m),
                      json={"kind": "percent", "bps": 1000})
        top = c.creator(h, m, prog)
        mid = c.creator(h, m, prog, recruited_by=top["id"])
        seller = c.creator(h, m, prog, recruited_by=mid["id"])
        assert seller["recruited_by"] == mid["id"]
        s = f.shopper(h, m)
        oid = c.open_group(h, s, f.deal(h, m), visitor=c.click(h, c.link(h, m, prog, seller)))
        oid = oid["order"]["id"]
        f.pay(h, s, oid)
        got = _all_of_order(h, m, oid)
        if expected_upline is None:
            assert got == [(1, seller["id"], 500)]
            continue
        assert got == [(1, seller["id"], 500), (2, mid["id"], 250), (3, top["id"], 100)]
        _refund(h, m, oid, 2500)
        assert _all_of_order(h, m, oid) == [(1, seller["id"], 250), (2, mid["id"], 125),
                                            (3, top["id"], 50)]
        board = h.client.get(f"/v1/programs/{prog['id']}/leaderboard", headers=f.auth(m),
                             params={"since": "2026-01-01T00:00:00Z",
                                     "until": "2030-01-01T00:00:00Z"}).json()["standings"]
        assert {x["creator_id"]: x["orders"] for x in board} == {seller["id"]: 1, mid["id"]: 0,
                                                                top["id"]: 0}


def test_bad_overrides_and_recruiters(h):
    m, other = f.merchant(h), f.merchant(h)
    for override in ([0], [10_001], [1, 2, 3]):
        r = h.client.post("/v1/programs", headers=f.auth(m), json={"name": "x",
                                                                   "override_bps": override})
        assert (r.status_code, r.json()["code"]) == (422, "bad_override")
    foreign = c.creator(h, other)
    r = h.client.post("/v1/creators", headers=f.auth(m), json={"name": "x",
                                                               "recruited_by": foreign["id"]})
    assert (r.status_code, r.json()["code"]) == (404, "creator_not_found")
    assert h.client.get("/v1/programs", headers=f.auth(m)).json()["data"] == []
    assert h.client.get("/v1/creators", headers=f.auth(m)).json()["data"] == []
