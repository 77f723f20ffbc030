"""Listings of many groups (storefront, merchant, shopper) over HTTP, on both backends."""

from __future__ import annotations

from tests import factories as f


def _open(h, s, deal_id):
    r = h.client.post("/v1/me/groups", headers=f.auth(s), json={"deal_id": deal_id})
    assert r.status_code == 201, r.text
    return r.json()


def test_storefront_lists_each_live_deal_with_its_own_open_groups(h):
    m = f.merchant(h)
    tea, cups = f.deal(h, m, title="Tea"), f.deal(h, m, title="Cups", team_size=2)
    ann, bo, cy = (f.shopper(h, m) for _ in range(3))
    tea_group = _open(h, ann, tea["id"])
    r = h.client.post(f"/v1/me/groups/{tea_group['group']['id']}/join", headers=f.auth(bo),
                      json={})
    assert r.status_code == 201, r.text
    cups_group = _open(h, cy, cups["id"])
    full = _open(h, bo, cups["id"])
    r = h.client.post(f"/v1/me/groups/{full['group']['id']}/join", headers=f.auth(ann),
                      json={})
    assert r.status_code == 201, r.text
    for s, order_id in ((bo, full["order"]["id"]), (ann, r.json()["order"]["id"])):
        f.pay(h, s, order_id)

    listed = {d["id"]: d for d in h.client.get(f"/v1/stores/{m['slug']}/deals").json()}
    assert set(listed) == {tea["id"], cups["id"]}
    assert [g["id"] for g in listed[tea["id"]]["open_groups"]] == [tea_group["group"]["id"]]
    assert [g["id"] for g in listed[cups["id"]]["open_groups"]] == [cups_group["group"]["id"]]
    shown = listed[tea["id"]]["open_groups"][0]
    assert shown["seats_taken"] == 2
    assert [mem["is_leader"] for mem in shown["members"]] == [True, False]
    assert all(mem["name"].endswith("**") for mem in shown["members"])


def test_storefront_caps_open_groups_per_deal_soonest_deadline_first(h):
    m = f.merchant(h)
    deal = f.deal(h, m, team_size=5)
    opened = []
    for _ in range(22):
        opened.append(_open(h, f.shopper(h, m), deal["id"])["group"]["id"])
        h.clock.advance(seconds=1)
    (listed,) = h.client.get(f"/v1/stores/{m['slug']}/deals").json()
    assert [g["id"] for g in listed["open_groups"]] == opened[:20]


def test_merchant_and_shopper_group_lists_show_members(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    ann, bo = f.shopper(h, m), f.shopper(h, m)
    first = _open(h, ann, deal["id"])["group"]["id"]
    second = _open(h, bo, deal["id"])["group"]["id"]
    r = h.client.post(f"/v1/me/groups/{first}/join", headers=f.auth(bo), json={})
    assert r.status_code == 201, r.text
    page = h.client.get("/v1/groups", headers=f.auth(m)).json()
    seats = {g["id"]: len(g["members"]) for g in page["data"]}
    assert seats == {first: 2, second: 1}
    mine = h.client.get("/v1/me/groups", headers=f.auth(bo)).json()
    assert {g["id"]: g["seats_taken"] for g in mine} == {first: 2, second: 1}
