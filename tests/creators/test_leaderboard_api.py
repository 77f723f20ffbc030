"""The leaderboard per program and period, and return rates against the cap."""

from __future__ import annotations

from datetime import timedelta

from tests import factories as f
from tests.creators import helpers as c


def _board(h, m, prog, **params):
    r = h.client.get(f"/v1/programs/{prog['id']}/leaderboard", headers=f.auth(m),
                     params=params)
    assert r.status_code == 200, r.text
    return r.json()


def _sale(h, m, deal, visitor):
    s = f.shopper(h, m)
    oid = c.open_group(h, s, deal, visitor=visitor)["order"]["id"]
    f.pay(h, s, oid)
    return oid


def test_leaderboard_ranks_creators_by_each_measure(h):
    m = f.merchant(h)
    prog = c.program(h, m, return_rate_cap_bps=2000)
    h.client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=f.auth(m),
                  json={"kind": "percent", "bps": 1000})
    a, b = c.creator(h, m, prog), c.creator(h, m, prog)
    link_a, link_b = c.link(h, m, prog, a), c.link(h, m, prog, b)
    deal = f.deal(h, m)
    visitors = [c.click(h, link_a) for _ in range(4)]
    first = _sale(h, m, deal, visitors[0])
    _sale(h, m, deal, visitors[1])
    _sale(h, m, deal, c.click(h, link_b))
    r = h.client.post(f"/v1/orders/{first}/refunds", headers=f.auth(m),
                      json={"amount_minor": 3000})
    assert r.status_code == 201
    h.advance(seconds=1)
    board = _board(h, m, prog)
    assert (board["return_rate_cap_bps"], board["currency"], board["sort"]) == (2000, "CNY",
                                                                               "gmv")
    top, second = board["standings"]
    assert (top["creator_id"], top["rank"], top["gmv_minor"], top["orders"]) == (
        a["id"], 1, 7000, 2)
    assert (top["clicks"], top["conversion_bps"], top["return_rate_bps"]) == (4, 5000, 3000)
    assert (top["over_return_cap"], top["earnings_minor"], top["refunded_minor"]) == (
        True, 700, 3000)
    assert (second["creator_id"], second["conversion_bps"], second["over_return_cap"]) == (
        b["id"], 10000, False)
    assert _board(h, m, prog, sort="conversion")["standings"][0]["creator_id"] == b["id"]
    assert _board(h, m, prog, sort="return_rate")["standings"][0]["creator_id"] == a["id"]
    assert _board(h, m, prog, sort="earnings")["standings"][0]["earnings_minor"] == 700
    later = (h.clock.now() + timedelta(minutes=1)).isoformat()
    assert _board(h, m, prog, since=later,
                  until=(h.clock.now() + timedelta(days=1)).isoformat())["standings"] == []


def test_leaderboard_bad_input(h):
    m, other = f.merchant(h), f.merchant(h)
    prog = c.program(h, m)
    path = f"/v1/programs/{prog['id']}/leaderboard"
    now = h.clock.now()
    r = h.client.get(path, headers=f.auth(m), params={"since": now.isoformat(),
                                                      "until": now.isoformat()})
    assert (r.status_code, r.json()["code"]) == (422, "bad_period")
    r = h.client.get(path, headers=f.auth(m), params={"until": "0001-01-02T00:00:00Z"})
    assert (r.status_code, r.json()["code"]) == (422, "bad_period")
    r = h.client.get(path, headers=f.auth(m), params={"sort": "followers"})
    assert (r.status_code, r.json()["code"]) == (422, "invalid_request")
    r = h.client.get(path, headers=f.auth(m), params={"since": "2026-01-01T00:00:00"})
    assert (r.status_code, r.json()["code"]) == (422, "invalid_request")
    r = h.client.get(path, headers=f.auth(other))
    assert (r.status_code, r.json()["code"]) == (404, "program_not_found")
