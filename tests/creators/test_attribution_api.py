"""Attribution rules over HTTP, on SQLite and PostgreSQL: clicks, codes, windows, bind-once,
precedence and self-referral, snapshotted on the order when it is created."""

from __future__ import annotations

from pintuan.shoppers import store as shoppers
from tests import factories as f
from tests.creators import helpers as c

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


def _two_creators(h, **program):
    m = f.merchant(h)
    prog = c.program(h, m, **program)
    a, b = c.creator(h, m, prog), c.creator(h, m, prog)
    return m, prog, (a, c.link(h, m, prog, a)), (b, c.link(h, m, prog, b))


def test_a_click_is_recorded_and_redirected_with_a_first_party_cookie(h):
    m, _, (a, link_a), _ = _two_creators(h)
    token = link_a["url"].rsplit("/", 1)[1]
    assert link_a["url"] == f"http://testserver/r/{token}"
    assert len(token) >= 12
    r = h.client.get(f"/r/{token}", follow_redirects=False,
                     headers={"user-agent": IPHONE, "referer": "https://www.xiaohongshu.com/x"})
    assert r.status_code == 302
    assert r.headers["location"] == "https://tea.example/deal"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("pt_ref=")
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    visitor = r.cookies["pt_ref"]
    again = h.client.get(f"/r/{token}", follow_redirects=False)
    assert again.cookies["pt_ref"] == visitor
    s = f.shopper(h, m)
    r = h.client.post("/v1/me/groups", headers=f.auth(s),
                      json={"deal_id": f.deal(h, m)["id"]})
    assert r.status_code == 201
    credit = c.credited(h, m, r.json()["order"]["id"])
    assert credit is not None
    assert credit["creator_id"] == a["id"]


def test_clicks_are_listed_for_the_creator_without_the_ip(h):
    m = f.merchant(h)
    prog = c.program(h, m, open_enrolment=True)
    s = f.shopper(h, m)
    r = h.client.post(f"/v1/me/creator/programs/{prog['id']}/join", headers=f.auth(s))
    assert r.status_code == 200, r.text
    assert (r.json()["enrolment"], r.json()["is_koc"], r.json()["tier"]) == ("open", True, "nano")
    r = h.client.post("/v1/me/creator/links", headers=f.auth(s), json={"program_id": prog["id"]})
    assert r.status_code == 201, r.text
    link = r.json()
    c.click(h, link, **{"user-agent": IPHONE, "referer": "https://weibo.com/p"})
    c.click(h, link, **{"user-agent": "Mozilla/5.0 (Windows NT 10.0) Chrome/120"})
    clicks = h.client.get("/v1/me/creator/clicks", headers=f.auth(s)).json()["data"]
    assert [k["device_class"] for k in clicks] == ["desktop", "mobile"]
    assert clicks[1]["referrer"] == "https://weibo.com/p"
    assert all(len(k["ip_hash"]) == 64 and "testclient" not in k["ip_hash"] for k in clicks)
    mine = h.client.get("/v1/me/creator/links", headers=f.auth(s)).json()
    assert [x["clicks"] for x in mine] == [2]


def test_unknown_link_answers_problem_json(h):
    for token in ("nope-nope-nope", "x"):
        r = h.client.get(f"/r/{token}", follow_redirects=False)
        assert (r.status_code, r.json()["code"]) == (404, "link_not_found")
        assert r.headers["content-type"] == "application/problem+json"


def test_last_click_wins_by_default(h):
    m, _, (_, link_a), (b, link_b) = _two_creators(h)
    deal = f.deal(h, m)
    v = c.click(h, link_a)
    h.clock.advance(hours=1)
    c.click(h, link_b, visitor=v)
    order = c.open_group(h, f.shopper(h, m), deal, visitor=v)["order"]
    credit = c.credited(h, m, order["id"])
    assert (credit["creator_id"], credit["source"]) == (b["id"], "click")
    assert credit["rules"] == {"model": "last_click", "window_days": 30, "bind_once": False,
                               "precedence": "code_beats_link"}


def test_first_click_when_the_program_says_so(h):
    m, _, (a, link_a), (_, link_b) = _two_creators(h, attribution_model="first_click")
    deal = f.deal(h, m)
    v = c.click(h, link_a)
    h.clock.advance(hours=1)
    c.click(h, link_b, visitor=v)
    order = c.open_group(h, f.shopper(h, m), deal, visitor=v)["order"]
    assert c.credited(h, m, order["id"])["creator_id"] == a["id"]


def test_window_edges_are_inclusive_and_a_second_later_is_outside(h):
    m, _, (a, link_a), _ = _two_creators(h, window_days=30)
    inside, outside = c.click(h, link_a), c.click(h, link_a)
    h.clock.advance(days=30)
    deal = f.deal(h, m)
    first = c.open_group(h, f.shopper(h, m), deal, visitor=inside)["order"]
    assert c.credited(h, m, first["id"])["creator_id"] == a["id"]
    h.clock.advance(seconds=1)
    late = c.open_group(h, f.shopper(h, m), deal, visitor=outside)["order"]
    assert c.credited(h, m, late["id"]) is None


def test_a_code_works_without_a_click(h):
    m, prog, (a, _), _ = _two_creators(h)
    value = c.code(h, m, prog, a, "lily-tea")
    assert value == "lily-tea"
    order = c.open_group(h, f.shopper(h, m), f.deal(h, m), creator_code="Lily-Tea")["order"]
    credit = c.credited(h, m, order["id"])
    assert (credit["creator_id"], credit["source"], credit["code"]) == (a["id"], "code",
                                                                        "LILY-TEA")


def test_code_beats_link_by_default_and_link_beats_code_when_configured(h):
    for precedence, winner in (("code_beats_link", "code"), ("link_beats_code", "click")):
        m, prog, (a, link_a), (b, _) = _two_creators(h, precedence=precedence)
        value = c.code(h, m, prog, b)
        v = c.click(h, link_a)
        order = c.open_group(h, f.shopper(h, m), f.deal(h, m), visitor=v,
                             creator_code=value)["order"]
        credit = c.credited(h, m, order["id"])
        assert credit["source"] == winner
        assert credit["creator_id"] == (b if winner == "code" else a)["id"]


def test_bind_once_keeps_the_customer_with_the_first_creator(h):
    for bind_once, second_winner in ((True, 0), (False, 1)):
        m, _, (a, link_a), (b, link_b) = _two_creators(h, bind_once=bind_once)
        s = f.shopper(h, m)
        deal = f.deal(h, m, per_shopper_limit=4)
        first = c.open_group(h, s, deal, visitor=c.click(h, link_a))["order"]
        assert c.credited(h, m, first["id"])["creator_id"] == a["id"]
        h.clock.advance(days=2)
        deal = f.deal(h, m, per_shopper_limit=4)
        second = c.open_group(h, s, deal, visitor=c.click(h, link_b))["order"]
        credit = c.credited(h, m, second["id"])
        assert credit["creator_id"] == (a, b)[second_winner]["id"]
        assert credit["source"] == ("binding" if bind_once else "click")


def test_clicks_follow_the_shopper_to_another_device(h):
    m, _, (a, link_a), _ = _two_creators(h)
    s = f.shopper(h, m)
    deal = f.deal(h, m, per_shopper_limit=4)
    c.open_group(h, s, deal, visitor=c.click(h, link_a))
    h.clock.advance(days=1)
    later = c.open_group(h, s, f.deal(h, m, per_shopper_limit=4))["order"]
    assert c.credited(h, m, later["id"])["creator_id"] == a["id"]


def test_a_ref_field_stands_in_for_the_cookie(h):
    m, _, (a, link_a), _ = _two_creators(h)
    v = c.click(h, link_a)
    order = c.open_group(h, f.shopper(h, m), f.deal(h, m), ref=v)["order"]
    assert c.credited(h, m, order["id"])["creator_id"] == a["id"]


def test_an_order_without_any_touch_is_not_attributed(h):
    m, _, _, _ = _two_creators(h)
    order = c.open_group(h, f.shopper(h, m), f.deal(h, m), visitor="forged-visitor-token")
    assert c.credited(h, m, order["order"]["id"]) is None


def test_self_referral_is_flagged_by_account_and_by_email(h):
    m = f.merchant(h)
    prog = c.program(h, m)
    s = f.shopper(h, m)
    me = c.creator(h, m, prog, shopper_id=s["id"])
    order = c.open_group(h, s, f.deal(h, m), visitor=c.click(h, c.link(h, m, prog, me)))
    credit = c.credited(h, m, order["order"]["id"])
    assert credit["creator_id"] == me["id"]
    assert credit["flags"] == ["self_referral_id", "self_referral_email"]
    buyer = f.shopper(h, m)
    twin = c.creator(h, m, prog, email=" " + _email_of(h, m, buyer).upper())
    order = c.open_group(h, buyer, f.deal(h, m), visitor=c.click(h, c.link(h, m, prog, twin)))
    assert c.credited(h, m, order["order"]["id"])["flags"] == ["self_referral_email"]


def _email_of(h, m, s) -> str:
    with h.c.db.read() as session:
        return shoppers.get(h.c.tx(session), m["id"], s["id"]).email


def test_banned_and_removed_creators(h):
    m, prog, (a, link_a), (b, link_b) = _two_creators(h)
    r = h.client.post(f"/v1/creators/{a['id']}/ban", headers=f.auth(m))
    assert r.json()["status"] == "banned"
    order = c.open_group(h, f.shopper(h, m), f.deal(h, m), visitor=c.click(h, link_a))
    assert c.credited(h, m, order["order"]["id"])["flags"] == ["banned_referrer"]
    r = h.client.post(f"/v1/programs/{prog['id']}/members/{b['id']}/remove", headers=f.auth(m))
    assert r.json()["status"] == "removed"
    order = c.open_group(h, f.shopper(h, m), f.deal(h, m), visitor=c.click(h, link_b))
    assert c.credited(h, m, order["order"]["id"]) is None


def test_tiers_and_koc_limit(h):
    m = f.merchant(h)
    prog = c.program(h, m, koc_max_followers=30_000)
    rows = []
    for followers in (800, 5_000, 45_000, 250_000, 2_000_000):
        rows.append(c.creator(h, m, prog, handles=[
            {"platform": "douyin", "handle": "@a", "followers": followers},
            {"platform": "weibo", "handle": "@a", "followers": followers // 2}]))
    assert [r["tier"] for r in rows] == ["nano", "micro", "mid", "macro", "mega"]
    members = h.client.get(f"/v1/programs/{prog['id']}/members", headers=f.auth(m)).json()
    assert [x["is_koc"] for x in members] == [True, True, False, False, False]
    assert {x["enrolment"] for x in members} == {"invited"}


def test_click_floods_from_one_source_are_flagged(h):
    m, _, (_, link_a), _ = _two_creators(h, flood_clicks_per_hour=3)
    v = c.click(h, link_a)
    for _ in range(2):
        c.click(h, link_a, visitor=v)
    calm = c.open_group(h, f.shopper(h, m), f.deal(h, m), visitor=v)["order"]
    assert c.credited(h, m, calm["id"])["flags"] == []
    h.clock.advance(minutes=1)
    c.click(h, link_a, visitor=v)
    flooded = c.open_group(h, f.shopper(h, m), f.deal(h, m), visitor=v)["order"]
    assert c.credited(h, m, flooded["id"])["flags"] == ["click_flood"]
    h.clock.advance(hours=2)
    c.click(h, link_a, visitor=v)
    later = c.open_group(h, f.shopper(h, m), f.deal(h, m), visitor=v)["order"]
    assert c.credited(h, m, later["id"])["flags"] == []


def test_duplicate_orders_are_flagged(h):
    m, prog, (a, _), _ = _two_creators(h)
    value = c.code(h, m, prog, a)
    s = f.shopper(h, m)
    deal = f.deal(h, m, per_shopper_limit=3)
    first = c.open_group(h, s, deal, creator_code=value)["order"]
    second = c.open_group(h, s, deal, creator_code=value)["order"]
    assert c.credited(h, m, first["id"])["flags"] == []
    assert c.credited(h, m, second["id"])["flags"] == ["duplicate_order"]
    h.clock.advance(minutes=11)
    third = c.open_group(h, s, deal, creator_code=value)["order"]
    assert c.credited(h, m, third["id"])["flags"] == []


def test_a_closed_program_credits_no_new_orders(h):
    m, prog, (a, link_a), _ = _two_creators(h)
    v = c.click(h, link_a)
    before = c.open_group(h, f.shopper(h, m), f.deal(h, m), visitor=v)["order"]
    r = h.client.post(f"/v1/programs/{prog['id']}/close", headers=f.auth(m))
    assert (r.status_code, r.json()["active"]) == (200, False)
    after = c.open_group(h, f.shopper(h, m), f.deal(h, m), visitor=c.click(h, link_a))["order"]
    assert c.credited(h, m, before["id"])["creator_id"] == a["id"]
    assert c.credited(h, m, after["id"]) is None
    r = h.client.post(f"/v1/programs/{prog['id']}/close", headers=f.auth(f.merchant(h)))
    assert (r.status_code, r.json()["code"]) == (404, "program_not_found")
