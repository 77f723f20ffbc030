"""Virtual fill and leaving a group, over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

from tests import factories as f


def _open(h, deal, s):
    r = h.client.post("/v1/me/groups", headers=f.auth(s), json={"deal_id": deal["id"]})
    assert r.status_code == 201, r.text
    return r.json()


def _join(h, s, ref):
    r = h.client.post(f"/v1/me/groups/{ref}/join", headers=f.auth(s), json={})
    assert r.status_code == 201, r.text
    return r.json()


def _order(h, m, order_id):
    return h.client.get(f"/v1/orders/{order_id}", headers=f.auth(m)).json()


def _level(h, m, sku_id):
    return h.client.get(f"/v1/skus/{sku_id}/stock", headers=f.auth(m)).json()["levels"][0]


def _events(h, m, type_):
    return [e for e in h.client.get("/v1/events", headers=f.auth(m)).json() if e["type"] == type_]


def test_virtual_fill_completes_a_group_that_reached_its_threshold(h):
    m = f.merchant(h)
    deal = f.deal(h, m, team_size=4, virtual_fill_min_paid=2)
    a, b, c = (f.shopper(h, m) for _ in range(3))
    opened = _open(h, deal, a)
    gid, token = opened["group"]["id"], opened["group"]["share_url"].rsplit("/", 1)[1]
    joined_b, joined_c = _join(h, b, token), _join(h, c, token)
    f.pay(h, a, opened["order"]["id"])
    f.pay(h, b, joined_b["order"]["id"])
    h.advance(hours=1, seconds=1)

    views = [h.client.get(f"/v1/groups/{gid}", headers=f.auth(m)).json(),
             h.client.get(f"/v1/share/{token}").json(),
             h.client.get("/v1/me/groups", headers=f.auth(a)).json()[0]]
    for view in views:
        assert (view["status"], view["paid_count"], view["virtual_seats"]) == ("completed", 2, 2)
        virtual = [mb for mb in view["members"] if mb["is_virtual"]]
        assert [(mb["name"], mb["status"], mb["is_leader"]) for mb in virtual] == [
            ("Virtual seat", "virtual", False)] * 2
        assert sorted(mb["status"] for mb in view["members"]) == [
            "paid", "paid", "virtual", "virtual"]
    assert [e["data"]["virtual_seats"] for e in _events(h, m, "group.completed")] == [2]

    assert _order(h, m, opened["order"]["id"])["status"] == "confirmed"
    assert _order(h, m, joined_b["order"]["id"])["status"] == "confirmed"
    unpaid = _order(h, m, joined_c["order"]["id"])
    assert (unpaid["status"], unpaid["captured_minor"]) == ("cancelled", 0)
    level = _level(h, m, deal["sku_id"])
    assert (level["sold"], level["reserved"], level["available"]) == (2, 0, 98)
    r = h.client.post(f"/v1/me/groups/{gid}/leave", headers=f.auth(a))
    assert (r.status_code, r.json()["code"]) == (409, "group_closed")


def test_below_the_threshold_the_group_fails_and_is_refunded(h):
    m = f.merchant(h)
    deal = f.deal(h, m, team_size=4, virtual_fill_min_paid=2)
    a, b = f.shopper(h, m), f.shopper(h, m)
    opened = _open(h, deal, a)
    _join(h, b, opened["group"]["id"])
    f.pay(h, a, opened["order"]["id"])
    h.advance(hours=1, seconds=1)
    h.drain()
    group = h.client.get(f"/v1/groups/{opened['group']['id']}", headers=f.auth(m)).json()
    assert (group["status"], group["virtual_seats"]) == ("failed", 0)
    assert not any(mb["is_virtual"] for mb in group["members"])
    order = _order(h, m, opened["order"]["id"])
    assert (order["status"], order["refunded_minor"]) == ("refunded", order["captured_minor"])
    assert _level(h, m, deal["sku_id"])["available"] == 100


def test_virtual_fill_is_off_by_default(h):
    m = f.merchant(h)
    deal = f.deal(h, m, team_size=3)
    assert deal["virtual_fill_min_paid"] is None
    a, b = f.shopper(h, m), f.shopper(h, m)
    opened = _open(h, deal, a)
    joined = _join(h, b, opened["group"]["id"])
    f.pay(h, a, opened["order"]["id"])
    f.pay(h, b, joined["order"]["id"])
    h.advance(hours=1, seconds=1)
    group = h.client.get(f"/v1/share/{opened['group']['share_url'].rsplit('/', 1)[1]}").json()
    assert (group["status"], group["virtual_seats"]) == ("failed", 0)


def test_an_unpaid_leader_leaves_and_the_paid_member_leads(h):
    m = f.merchant(h)
    deal = f.deal(h, m, team_size=3)
    a, b, c, d = (f.shopper(h, m) for _ in range(4))
    opened = _open(h, deal, a)
    gid = opened["group"]["id"]
    _join(h, b, gid)
    joined_c = _join(h, c, gid)
    f.pay(h, c, joined_c["order"]["id"])

    r = h.client.post(f"/v1/me/groups/{gid}/leave", headers=f.auth(a))
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["seats_taken"]) == ("open", 2)
    leaders = [mb for mb in r.json()["members"] if mb["is_leader"]]
    assert [(mb["id"], mb["status"]) for mb in leaders] == [(joined_c["member_id"], "paid")]
    assert _order(h, m, opened["order"]["id"])["status"] == "cancelled"
    assert _level(h, m, deal["sku_id"])["reserved"] == 2

    _join(h, d, gid)  # the seat a left is free again
    r = h.client.post(f"/v1/me/groups/{gid}/leave", headers=f.auth(a))
    assert (r.status_code, r.json()["code"]) == (409, "not_a_member")


def test_a_paid_leader_who_leaves_is_refunded_in_full(h):
    m = f.merchant(h)
    deal = f.deal(h, m, team_size=3)
    a, b = f.shopper(h, m), f.shopper(h, m)
    opened = _open(h, deal, a)
    gid = opened["group"]["id"]
    joined_b = _join(h, b, gid)
    f.pay(h, a, opened["order"]["id"])
    r = h.client.post(f"/v1/me/groups/{gid}/leave", headers=f.auth(a))
    assert r.status_code == 200, r.text
    h.drain()
    order = _order(h, m, opened["order"]["id"])
    assert (order["status"], order["refunded_minor"]) == ("refunded", 5000)
    group = h.client.get(f"/v1/groups/{gid}", headers=f.auth(m)).json()
    assert [(mb["id"], mb["is_leader"]) for mb in group["members"]] == [
        (joined_b["member_id"], True)]
    assert (group["paid_count"], group["seats_taken"]) == (0, 1)
    assert len(_events(h, m, "group.member_refunded")) == 1


def test_the_last_member_leaving_fails_the_group(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    a = f.shopper(h, m)
    opened = _open(h, deal, a)
    r = h.client.post(f"/v1/me/groups/{opened['group']['id']}/leave", headers=f.auth(a))
    assert (r.status_code, r.json()["status"], r.json()["members"]) == (200, "failed", [])
    assert _level(h, m, deal["sku_id"])["available"] == 100
    r = h.client.post(f"/v1/me/groups/{opened['group']['id']}/leave", headers=f.auth(a))
    assert (r.status_code, r.json()["code"]) == (409, "not_a_member")
