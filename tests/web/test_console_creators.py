"""Console creator screens over both backends: programs, creators (tier, audience quality),
invitations, links and the leaderboard; bad input changes nothing; other merchants' ids
answer 404."""

from __future__ import annotations

import pytest

from pintuan.web import console_creators
from tests import factories as f
from tests.creators import helpers as c
from tests.web.conftest import staff

HEADER = "followers,following,posts,account_age_days,default_avatar,bio\n"
ROWS = "310,280,900,1600,false,tea lover in Hangzhou\n" * 3 + "3,2400,0,20,true,\n"
SAMPLE = HEADER + ROWS


def _programs(h, m):
    return h.client.get("/v1/programs", headers=f.auth(m)).json()["data"]


def _creators(h, m):
    return h.client.get("/v1/creators", headers=f.auth(m)).json()["data"]


def _members(h, m, prog_id):
    return h.client.get(f"/v1/programs/{prog_id}/members", headers=f.auth(m)).json()


def test_operator_creates_a_program_and_sees_it_listed(h):
    m = f.merchant(h)
    desk = staff(h, m, "operator")
    r = desk.post("/console/programs", {"name": "Tea lovers", "attribution_model": "first_click",
                                         "window_days": "14", "holding_days": "3",
                                         "open_enrolment": "1"})
    assert r.status_code == 303, r.text
    [prog] = _programs(h, m)
    assert r.headers["location"] == f"/console/programs/{prog['id']}"
    assert (prog["name"], prog["attribution_model"], prog["window_days"], prog["holding_days"],
            prog["open_enrolment"]) == ("Tea lovers", "first_click", 14, 3, True)
    listing = desk.get("/console/programs").text
    assert "Tea lovers" in listing
    assert "first click" in listing
    assert f'href="/console/programs/{prog["id"]}/leaderboard"' in listing


@pytest.mark.parametrize(("over", "message"), [
    ({"name": ""}, "Program name is required."),
    ({"window_days": "0"}, "Window (days) must be between 1 and 365."),
    ({"holding_days": "soon"}, "Holding days must be a whole number."),
    ({"attribution_model": "random"}, "Attribution has an unknown value."),
])
def test_bad_program_input_shows_a_message_and_creates_nothing(h, over, message):
    m = f.merchant(h)
    body = {"name": "Tea lovers", "attribution_model": "last_click", "window_days": "30",
            "holding_days": "7"} | over
    r = staff(h, m).post("/console/programs", body)
    assert r.status_code == 422
    assert message in r.text
    assert _programs(h, m) == []


def test_creators_are_listed_with_their_tier_and_audience_quality(h):
    m = f.merchant(h)
    desk = staff(h, m, "operator")
    r = desk.post("/console/creators", {"name": "Lin", "email": "lin@example.com",
                                         "platform": "red", "handle": "@lin",
                                         "followers": "12000"})
    assert r.status_code == 303, r.text
    [made] = _creators(h, m)
    assert (made["name"], made["tier"], made["followers"]) == ("Lin", "micro", 12000)
    page = desk.get("/console/creators").text
    assert "red @lin (12,000)" in page
    assert "<td>micro</td>" in page
    assert "not assessed" in page
    r = h.client.post(f"/v1/creators/{made['id']}/audience", content=SAMPLE,
                      headers=f.auth(m) | {"content-type": "text/csv"})
    assert r.status_code == 201, r.text
    share = r.json()["bought_share_bps"] / 100
    page = desk.get("/console/creators").text
    assert f"{share:.1f}% likely bought followers" in page
    assert "sample of 4" in page
    r = h.client.post(f"/v1/creators/{made['id']}/audience", content=HEADER + ROWS * 2,
                      headers=f.auth(m) | {"content-type": "text/csv"})
    assert r.status_code == 201, r.text
    assert "sample of 8" in desk.get("/console/creators").text  # the latest report


@pytest.mark.parametrize(("over", "message"), [
    ({"name": ""}, "Creator is required."),
    ({"email": "not-an-email"}, "Email is not valid."),
    ({"followers": "many"}, "Followers must be a whole number."),
    ({"platform": "myspace"}, "Platform has an unknown value."),
])
def test_bad_creator_input_shows_a_message_and_creates_nothing(h, over, message):
    m = f.merchant(h)
    body = {"name": "Lin", "email": "", "platform": "red", "handle": "@lin",
            "followers": "10"} | over
    r = staff(h, m).post("/console/creators", body)
    assert r.status_code == 422
    assert message in r.text
    assert _creators(h, m) == []


def test_invite_and_link_from_the_program_page(h):
    m = f.merchant(h)
    prog, lin = c.program(h, m), c.creator(h, m, name="Lin")
    desk = staff(h, m)
    page = desk.get(f"/console/programs/{prog['id']}").text
    assert f'<option value="{lin["id"]}">Lin</option>' in page
    r = desk.post(f"/console/programs/{prog['id']}/links",
                  {"form_name": "link", "creator_id": lin["id"], "destination": ""})
    assert r.status_code == 422
    assert "not an active member of this program" in r.text
    r = desk.post(f"/console/programs/{prog['id']}/invitations",
                  {"form_name": "invite", "creator_id": lin["id"]})
    assert r.status_code == 303, r.text
    assert [x["creator_id"] for x in _members(h, m, prog["id"])] == [lin["id"]]
    again = desk.post(f"/console/programs/{prog['id']}/invitations",
                      {"form_name": "invite", "creator_id": lin["id"]})
    assert again.status_code == 422
    assert "the creator is in this program already" in again.text
    r = desk.post(f"/console/programs/{prog['id']}/links",
                  {"form_name": "link", "creator_id": lin["id"],
                   "destination": "https://tea.example/spring"})
    assert r.status_code == 303, r.text
    r = desk.post(f"/console/programs/{prog['id']}/links",
                  {"form_name": "link", "creator_id": lin["id"], "destination": ""})
    assert r.status_code == 303, r.text
    page = desk.get(f"/console/programs/{prog['id']}").text
    assert "https://tea.example/spring" in page
    assert f"<td>http://testserver/s/{m['slug']}</td>" in page
    assert "http://testserver/r/" in page
    bad = desk.post(f"/console/programs/{prog['id']}/links",
                    {"form_name": "link", "creator_id": lin["id"], "destination": "ftp://x"})
    assert bad.status_code == 422
    assert "destination must be an http(s) URL" in bad.text
    assert page.count("/r/") == desk.get(f"/console/programs/{prog['id']}").text.count("/r/")


def test_members_beyond_the_invitation_picker_are_listed(h, monkeypatch):
    monkeypatch.setattr(console_creators, "PICKER_LIMIT", 1)
    m = f.merchant(h)
    prog = c.program(h, m)
    members = [c.creator(h, m, prog, name=name) for name in ("Wen", "Yu", "Zhi")]
    r = staff(h, m).get(f"/console/programs/{prog['id']}")
    assert r.status_code == 200, r.text
    assert all(x["name"] in r.text for x in members)


def test_another_merchants_program_and_creator_are_out_of_reach(h):
    m, other = f.merchant(h), f.merchant(h)
    theirs = c.program(h, other, name="Their club")
    their_creator = c.creator(h, other, name="Their star")
    mine = c.program(h, m)
    desk = staff(h, m)
    for url in (f"/console/programs/{theirs['id']}",
                f"/console/programs/{theirs['id']}/leaderboard"):
        page = desk.get(url)
        assert page.status_code == 404, url
        assert "Their club" not in page.text
    r = desk.post(f"/console/programs/{theirs['id']}/invitations",
                  {"creator_id": their_creator["id"]})
    assert r.status_code == 404
    r = desk.post(f"/console/programs/{mine['id']}/invitations",
                  {"form_name": "invite", "creator_id": their_creator["id"]})
    assert r.status_code == 422
    assert f"no creator {their_creator['id']}" in r.text
    assert _members(h, m, mine["id"]) == []
    assert _members(h, other, theirs["id"]) == []
    assert "Their star" not in desk.get("/console/creators").text


def test_an_analyst_reads_creator_screens_but_changes_nothing(h):
    m = f.merchant(h)
    prog, lin = c.program(h, m), c.creator(h, m)
    analyst = staff(h, m, "analyst")
    for url in ("/console/programs", "/console/creators", f"/console/programs/{prog['id']}",
                f"/console/programs/{prog['id']}/leaderboard"):
        page = analyst.get(url)
        assert page.status_code == 200, url
        assert 'method="post" action="/console/programs' not in page.text
        assert 'method="post" action="/console/creators' not in page.text
    assert analyst.post("/console/programs", {"name": "Nope"}).status_code == 403
    assert analyst.post("/console/creators", {"name": "Nope"}).status_code == 403
    r = analyst.post(f"/console/programs/{prog['id']}/invitations", {"creator_id": lin["id"]})
    assert r.status_code == 403
    assert len(_programs(h, m)) == 1
    assert len(_creators(h, m)) == 1
    assert _members(h, m, prog["id"]) == []


def test_leaderboard_ranks_creators_by_period_and_sort_with_a_chart(h):
    m = f.merchant(h)
    prog = c.program(h, m)
    h.client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=f.auth(m),
                  json={"kind": "percent", "bps": 1000})
    star, quiet = c.creator(h, m, prog, name="Star"), c.creator(h, m, prog, name="Quiet")
    c.click(h, c.link(h, m, prog, quiet))
    c.completed_sale(h, m, f.shopper(h, m), f.deal(h, m, team_size=2),
                     c.click(h, c.link(h, m, prog, star)))
    page = staff(h, m, "analyst").get(f"/console/programs/{prog['id']}/leaderboard")
    assert page.status_code == 200
    html = page.text
    assert html.index("<td>Star</td>") < html.index("<td>Quiet</td>")
    row = html[html.index("<td>1</td><td>Star</td>"):]
    row = " ".join(row[:row.index("</tr>")].split())
    assert row == ("<td>1</td><td>Star</td><td>1</td><td>1</td> <td>50.00 CNY</td> "
                   "<td>100.0%</td> <td>0.0%</td> <td>5.00 CNY</td>")
    assert html.count('<svg class="chart"') == 1
    assert "Star: 50.00 CNY; Quiet: 0.00 CNY" in html
    by_clicks = staff(h, m).get(f"/console/programs/{prog['id']}/leaderboard"
                                "?days=7&sort=conversion").text
    assert '<option value="7" selected>' in by_clicks
    assert '<option value="conversion" selected>' in by_clicks
    h.advance(days=8)
    later = staff(h, m).get(f"/console/programs/{prog['id']}/leaderboard?days=7").text
    assert "No clicks or sales in this period." in later
    odd = staff(h, m).get(f"/console/programs/{prog['id']}/leaderboard?days=5&sort=luck")
    assert odd.status_code == 200
    assert '<option value="30" selected>' in odd.text
