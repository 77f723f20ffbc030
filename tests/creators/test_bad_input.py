"""Bad input and other merchants' resources: problem+json with a stable code, nothing written."""

from __future__ import annotations

from tests import factories as f
from tests.creators import helpers as c


def _problem(r, status, code):
    assert r.headers["content-type"] == "application/problem+json", r.text
    assert (r.status_code, r.json()["code"]) == (status, code), r.text


def _count(h, m, path):
    return len(h.client.get(path, headers=f.auth(m)).json()["data"])


def test_another_merchants_creators_and_programs_answer_404(h):
    mine, theirs = f.merchant(h), f.merchant(h)
    prog = c.program(h, theirs)
    cr = c.creator(h, theirs, prog)
    my_prog = c.program(h, mine)
    a = f.auth(mine)
    _problem(h.client.get(f"/v1/creators/{cr['id']}", headers=a), 404, "creator_not_found")
    _problem(h.client.get(f"/v1/creators/{cr['id']}/earnings", headers=a), 404,
             "creator_not_found")
    _problem(h.client.post(f"/v1/creators/{cr['id']}/ban", headers=a), 404, "creator_not_found")
    _problem(h.client.get(f"/v1/programs/{prog['id']}", headers=a), 404, "program_not_found")
    _problem(h.client.get(f"/v1/programs/{prog['id']}/members", headers=a), 404,
             "program_not_found")
    _problem(h.client.post(f"/v1/programs/{my_prog['id']}/invitations", headers=a,
                           json={"creator_id": cr["id"]}), 404, "creator_not_found")
    _problem(h.client.post(f"/v1/programs/{prog['id']}/links", headers=a,
                           json={"creator_id": cr["id"]}), 404, "program_not_found")
    _problem(h.client.post(f"/v1/programs/{my_prog['id']}/rate-cards", headers=a,
                           json={"creator_id": cr["id"], "kind": "percent", "bps": 100}),
             404, "creator_not_found")
    assert _count(h, mine, "/v1/creators") == 0
    assert h.client.get(f"/v1/programs/{my_prog['id']}/members", headers=a).json() == []
    assert h.client.get(f"/v1/creators/{cr['id']}", headers=f.auth(theirs)).json()["status"] \
        == "active"


def test_unknown_creator_code_refuses_the_order_and_writes_nothing(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    s = f.shopper(h, m)
    for value, code in (("NOSUCH", "unknown_creator_code"), ("a b", "bad_code")):
        r = h.client.post("/v1/me/groups", headers=f.auth(s),
                          json={"deal_id": deal["id"], "creator_code": value})
        _problem(r, 422, code)
    assert h.client.get("/v1/me/orders", headers=f.auth(s)).json()["data"] == []
    assert h.client.get(f"/v1/deals/{deal['id']}", headers=f.auth(m)).json()["quota_used"] == 0


def test_another_merchants_code_is_unknown_here(h):
    mine, theirs = f.merchant(h), f.merchant(h)
    prog = c.program(h, theirs)
    value = c.code(h, theirs, prog, c.creator(h, theirs, prog))
    r = h.client.post("/v1/me/groups", headers=f.auth(f.shopper(h, mine)),
                      json={"deal_id": f.deal(h, mine)["id"], "creator_code": value})
    _problem(r, 422, "unknown_creator_code")


def test_bad_programs_and_creators(h):
    m = f.merchant(h)
    a = f.auth(m)
    for body in ({"name": ""}, {"name": "x", "window_days": 0}, {"name": "x", "holding_days": -1},
                 {"name": "x", "attribution_model": "any_click"}, {"name": "x", "bogus": 1}):
        _problem(h.client.post("/v1/programs", headers=a, json=body), 422, "invalid_request")
    _problem(h.client.post("/v1/programs", headers=a | {"content-type": "application/json"},
                           content=b"{nope"), 422, "malformed_json")
    assert _count(h, m, "/v1/programs") == 0
    handle = {"platform": "red", "handle": "@x", "followers": 10}
    cases = (({"name": "x", "handles": [handle, handle]}, 422, "duplicate_platform"),
             ({"name": "x", "handles": [handle | {"followers": -5}]}, 422, "invalid_request"),
             ({"name": "x", "handles": [handle | {"followers": 3 * 10**9}]}, 422,
              "invalid_request"),
             ({"name": "x", "handles": [handle | {"platform": "myspace"}]}, 422,
              "invalid_request"),
             ({"name": "x", "shopper_id": "shp_nope"}, 404, "shopper_not_found"))
    for body, status, code in cases:
        _problem(h.client.post("/v1/creators", headers=a, json=body), status, code)
    assert _count(h, m, "/v1/creators") == 0


def test_a_shopper_of_another_merchant_cannot_be_linked(h):
    mine, theirs = f.merchant(h), f.merchant(h)
    s = f.shopper(h, theirs)
    r = h.client.post("/v1/creators", headers=f.auth(mine), json={"name": "x",
                                                                  "shopper_id": s["id"]})
    _problem(r, 404, "shopper_not_found")
    c.creator(h, mine, shopper_id=f.shopper(h, mine)["id"])


def test_links_codes_and_memberships_refused(h):
    m = f.merchant(h)
    prog = c.program(h, m)
    outsider = c.creator(h, m)
    member = c.creator(h, m, prog)
    a = f.auth(m)
    _problem(h.client.post(f"/v1/programs/{prog['id']}/links", headers=a,
                           json={"creator_id": outsider["id"]}), 409, "not_a_member")
    _problem(h.client.post(f"/v1/programs/{prog['id']}/links", headers=a,
                           json={"creator_id": member["id"], "destination": "javascript:x"}),
             422, "bad_destination")
    _problem(h.client.post(f"/v1/programs/{prog['id']}/invitations", headers=a,
                           json={"creator_id": member["id"]}), 409, "already_member")
    c.code(h, m, prog, member, "SPRING")
    _problem(h.client.post(f"/v1/programs/{prog['id']}/codes", headers=a,
                           json={"creator_id": member["id"], "code": "spring"}), 409,
             "code_taken")
    _problem(h.client.post(f"/v1/programs/{prog['id']}/codes", headers=a,
                           json={"creator_id": member["id"], "code": "no"}), 422, "bad_code")
    s = f.shopper(h, m)
    _problem(h.client.post(f"/v1/me/creator/programs/{prog['id']}/join", headers=f.auth(s)),
             409, "program_not_open")
    _problem(h.client.get("/v1/me/creator", headers=f.auth(s)), 404, "not_a_creator")
    _problem(h.client.get("/v1/me/creator/links", headers=f.auth(s)), 404, "not_a_creator")
    c.creator(h, m, shopper_id=s["id"])
    _problem(h.client.post("/v1/creators", headers=a, json={"name": "twice",
                                                            "shopper_id": s["id"]}),
             409, "creator_exists")
