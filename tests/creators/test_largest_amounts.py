"""The largest amounts a request may name (10**12 minor units) are stored, summed and paid in
full on SQLite and PostgreSQL, past what a 32-bit column holds; one more is refused with a
422 problem and nothing is stored."""

from __future__ import annotations

from datetime import timedelta

from pintuan.core.money import MAX_MINOR
from tests import factories as f
from tests.creators import helpers as c

BIG = MAX_MINOR


def _ok(r, status=201):
    assert r.status_code == status, r.text
    return r.json()


def _refused(r):
    assert r.headers["content-type"] == "application/problem+json", r.text
    assert (r.status_code, r.json()["code"]) == (422, "invalid_request"), r.text


def _big_sale(h, m, link) -> str:
    """A referred shopper buys 3 at the largest price, a friend completes the group, both
    pay: the referred order, worth 3 * BIG, is confirmed. Returns its id."""
    deal = f.deal(h, m, sku_id=f.sku(h, m, price=BIG, stock=10), group_price_minor=BIG,
                  leader_price_minor=BIG, team_size=2, per_order_limit=3, per_shopper_limit=3)
    s, friend = f.shopper(h, m), f.shopper(h, m)
    opened = c.open_group(h, s, deal, visitor=c.click(h, link), quantity=3)
    assert opened["order"]["total_minor"] == 3 * BIG
    f.pay(h, s, opened["order"]["id"])
    joined = _ok(h.client.post(f"/v1/me/groups/{opened['group']['id']}/join",
                               headers=f.auth(friend), json={}))
    f.pay(h, friend, joined["order"]["id"])
    order_id: str = opened["order"]["id"]
    return order_id


def test_the_largest_commissions_bonuses_and_payouts_are_paid_in_full(h):
    m = f.merchant(h)
    a = f.auth(m)
    prog = c.program(h, m, holding_days=0)
    _ok(h.client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=a,
                      json={"kind": "percent", "bps": 10_000}))
    cr = c.creator(h, m, prog)
    now = h.clock.now()
    contract = _ok(h.client.post(f"/v1/programs/{prog['id']}/bonus-contracts", headers=a, json={
        "creator_id": cr["id"], "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=1)).isoformat(),
        "tiers": [{"gmv_target_minor": BIG, "bonus_minor": BIG}]}))
    assert contract["tiers"] == [{"gmv_target_minor": BIG, "bonus_minor": BIG}]
    order_id = _big_sale(h, m, c.link(h, m, prog, cr))
    commission = _ok(h.client.get("/v1/commissions", headers=a), 200)["data"][0]
    assert (commission["order_id"], commission["state"], commission["total_minor"]) == (
        order_id, "payable", 3 * BIG)
    detail = _ok(h.client.get(f"/v1/commissions/{commission['id']}", headers=a), 200)
    assert [(e["amount_minor"], e["captured_minor"]) for e in detail["entries"]] == [
        (3 * BIG, 3 * BIG)]
    h.advance(days=2)
    settled = _ok(h.client.get(f"/v1/bonus-contracts/{contract['id']}", headers=a), 200)
    assert (settled["status"], settled["gmv_minor"], settled["bonus_minor"]) == (
        "settled", 3 * BIG, BIG)
    earnings = _ok(h.client.get(f"/v1/creators/{cr['id']}/earnings", headers=a), 200)
    assert earnings["payable_minor"] == 4 * BIG
    batch = _ok(h.client.post("/v1/payout-batches", headers=a, json={"minimum_minor": BIG}))
    assert (batch["minimum_minor"], batch["total_minor"]) == (BIG, 4 * BIG)
    assert [(p["amount_minor"], p["commissions"]) for p in batch["payouts"]] == [(4 * BIG, 2)]
    now = h.clock.now()
    board = _ok(h.client.get(f"/v1/programs/{prog['id']}/leaderboard", headers=a, params={
        "since": (now - timedelta(days=5)).isoformat(),
        "until": (now + timedelta(hours=1)).isoformat()}), 200)
    assert [(s["gmv_minor"], s["earnings_minor"]) for s in board["standings"]] == [
        (3 * BIG, 4 * BIG)]


def test_the_largest_fixed_rate_and_ad_hoc_payout_are_stored(h):
    m = f.merchant(h)
    a = f.auth(m)
    prog = c.program(h, m, holding_days=0)
    card = _ok(h.client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=a,
                             json={"kind": "fixed", "fixed_minor": BIG}))
    assert card["fixed_minor"] == BIG
    cards = _ok(h.client.get(f"/v1/programs/{prog['id']}/rate-cards", headers=a), 200)
    assert [x["fixed_minor"] for x in cards] == [BIG]
    cr = c.creator(h, m, prog)
    _big_sale(h, m, c.link(h, m, prog, cr))
    earnings = _ok(h.client.get(f"/v1/creators/{cr['id']}/earnings", headers=a), 200)
    assert earnings["payable_minor"] == 3 * BIG
    paid = _ok(h.client.post(f"/v1/creators/{cr['id']}/payouts", headers=a,
                             json={"amount_minor": BIG}))
    assert (paid["total_minor"], paid["payouts"][0]["amount_minor"]) == (BIG, BIG)
    earnings = _ok(h.client.get(f"/v1/creators/{cr['id']}/earnings", headers=a), 200)
    assert (earnings["paid_out_minor"], earnings["balance_minor"]) == (BIG, 2 * BIG)


def test_one_more_than_the_largest_amount_is_refused_and_nothing_is_stored(h):
    m = f.merchant(h)
    a = f.auth(m)
    prog = c.program(h, m)
    cr = c.creator(h, m, prog)
    cards = f"/v1/programs/{prog['id']}/rate-cards"
    contracts = f"/v1/programs/{prog['id']}/bonus-contracts"
    now = h.clock.now()
    period = {"creator_id": cr["id"], "starts_at": now.isoformat(),
              "ends_at": (now + timedelta(days=1)).isoformat()}
    for path, body in (
            (cards, {"kind": "fixed", "fixed_minor": BIG + 1}),
            (contracts, period | {"tiers": [{"gmv_target_minor": 10, "bonus_minor": BIG + 1}]}),
            (contracts, period | {"tiers": [{"gmv_target_minor": BIG + 1, "bonus_minor": 1}]}),
            ("/v1/payout-batches", {"minimum_minor": BIG + 1}),
            (f"/v1/creators/{cr['id']}/payouts", {"amount_minor": BIG + 1}),
            (f"/v1/creators/{cr['id']}/payouts", {"amount_minor": 2**63})):
        _refused(h.client.post(path, headers=a, json=body))
    assert _ok(h.client.get(cards, headers=a), 200) == []
    assert _ok(h.client.get(contracts, headers=a), 200) == []
    assert _ok(h.client.get("/v1/payout-batches", headers=a), 200)["data"] == []


def test_the_highest_engagement_a_sample_can_show_is_stored(h):
    """1 follower and 10**10 likes a post: 2 * 10**14 basis points, past 32 bits."""
    m = f.merchant(h)
    cr = c.creator(h, m, handles=[{"platform": "red", "handle": "@one", "followers": 1}])
    doc = {"followers": [{"followers": 1, "following": 2, "posts": 3, "account_age_days": 4,
                          "default_avatar": True, "has_bio": False}],
           "avg_likes": 10**10, "avg_comments": 10**10}
    report = _ok(h.client.post(f"/v1/creators/{cr['id']}/audience", headers=f.auth(m),
                               json=doc))
    assert report["engagement_bps"] == 2 * 10**14
    reports = _ok(h.client.get(f"/v1/creators/{cr['id']}/audience", headers=f.auth(m)), 200)
    assert [r["engagement_bps"] for r in reports] == [2 * 10**14]
