"""Tiered bonus contracts: pure tiers, and settlement over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pintuan.core.errors import ValidationFailed
from pintuan.creators.bonus import Tier, bonus_for, check_tiers
from tests import factories as f
from tests.creators import helpers as c

HAIER = [Tier(100_000, 5_000), Tier(130_000, 12_000)]


def test_only_the_highest_tier_reached_pays():
    assert [bonus_for(HAIER, g) for g in (0, 99_999, 100_000, 129_999, 130_000, 10**9)] == [
        0, 0, 5_000, 5_000, 12_000, 12_000]


def test_tiers_must_rise():
    for tiers in ([], [Tier(0, 5)], [Tier(10, -1)], [Tier(10, 5), Tier(10, 6)],
                  [Tier(10, 5), Tier(20, 5)], [Tier(i + 1, i + 1) for i in range(11)],
                  [Tier(10, 10**12 + 1)], [Tier(10**12 + 1, 5)]):
        with pytest.raises(ValidationFailed):
            check_tiers(tiers)


def _contract(h, m, prog, cr, levels, **over):
    now = h.clock.now()
    body = {"creator_id": cr["id"], "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(days=1)).isoformat(),
            "tiers": [{"gmv_target_minor": t.gmv_target_minor, "bonus_minor": t.bonus_minor}
                      for t in levels]} | over
    return h.client.post(f"/v1/programs/{prog['id']}/bonus-contracts", headers=f.auth(m),
                         json=body)


def test_a_contract_settles_after_the_return_window_and_pays_the_tier_reached(h):
    m = f.merchant(h)
    prog = c.program(h, m, holding_days=2)
    h.client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=f.auth(m),
                  json={"kind": "percent", "bps": 1000})
    cr = c.creator(h, m, prog)
    r = _contract(h, m, prog, cr, [Tier(8_000, 300), Tier(10_400, 900)])
    assert (r.status_code, r.json()["status"]) == (201, "open")
    contract = r.json()
    link = c.link(h, m, prog, cr)
    for _ in range(2):
        c.completed_sale(h, m, f.shopper(h, m), f.deal(h, m, team_size=2), c.click(h, link))
    h.advance(days=1)
    assert h.client.get(f"/v1/bonus-contracts/{contract['id']}",
                        headers=f.auth(m)).json()["status"] == "open"
    h.advance(days=2)
    settled = h.client.get(f"/v1/bonus-contracts/{contract['id']}", headers=f.auth(m)).json()
    assert (settled["status"], settled["gmv_minor"], settled["bonus_minor"]) == (
        "settled", 10_000, 300)
    earnings = h.client.get(f"/v1/creators/{cr['id']}/earnings", headers=f.auth(m)).json()
    assert earnings["payable_minor"] == 1_000 + 300
    batch = h.client.post("/v1/payout-batches", headers=f.auth(m), json={}).json()
    assert [(p["amount_minor"], p["commissions"]) for p in batch["payouts"]] == [(1_300, 3)]
    board = h.client.get(f"/v1/programs/{prog['id']}/leaderboard", headers=f.auth(m),
                         params={"since": (h.clock.now() - timedelta(days=5)).isoformat()})
    assert board.json()["standings"][0]["orders"] == 2


def test_bad_contracts(h):
    m, other = f.merchant(h), f.merchant(h)
    prog = c.program(h, m)
    cr, outsider = c.creator(h, m, prog), c.creator(h, m)
    foreign = c.creator(h, other)
    now = h.clock.now().isoformat()
    for tiers, over, status, code in (
            ([Tier(10, 5), Tier(5, 9)], {}, 422, "bad_tiers"),
            (HAIER, {"ends_at": now}, 422, "bad_period"),
            (HAIER, {"ends_at": "9999-12-31T23:00:00Z"}, 422, "bad_period"),
            ([Tier(10, 10**12 + 1)], {}, 422, "invalid_request"),
            (HAIER, {"creator_id": outsider["id"]}, 409, "not_a_member"),
            (HAIER, {"creator_id": foreign["id"]}, 404, "creator_not_found"),
            (HAIER, {"tiers": [{"gmv_target_minor": 1}]}, 422, "invalid_request")):
        r = _contract(h, m, prog, cr, tiers, **over)
        assert (r.status_code, r.json()["code"]) == (status, code), over
    assert h.client.get(f"/v1/programs/{prog['id']}/bonus-contracts",
                        headers=f.auth(m)).json() == []
    made = _contract(h, m, prog, cr, HAIER).json()
    r = h.client.get(f"/v1/bonus-contracts/{made['id']}", headers=f.auth(other))
    assert (r.status_code, r.json()["code"]) == (404, "contract_not_found")
