"""Console commissions and payouts over both backends: held commissions released or voided,
payout batches run once per form, marked paid and exported; roles; other merchants' ids."""

from __future__ import annotations

from tests import factories as f
from tests.creators import helpers as c
from tests.web.conftest import nonce, staff


def _held(h, m, *, count=1):
    """Self-referred sales: their commissions are held for the merchant's review."""
    prog = c.program(h, m, holding_days=0)
    h.client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=f.auth(m),
                  json={"kind": "percent", "bps": 1000})
    out = []
    for _ in range(count):
        s = f.shopper(h, m)
        me = c.creator(h, m, prog, shopper_id=s["id"], name=f"Self {len(out)}")
        order_id = c.completed_sale(h, m, s, f.deal(h, m, team_size=2),
                                    c.click(h, c.link(h, m, prog, me)))
        [com] = [x for x in h.client.get("/v1/commissions", headers=f.auth(m)).json()["data"]
                 if x["order_id"] == order_id]
        assert com["state"] == "held"
        out.append(com)
    return out


def _state(h, m, com):
    return h.client.get(f"/v1/commissions/{com['id']}", headers=f.auth(m)).json()["state"]


def test_held_commissions_are_listed_and_released_or_voided(h):
    m = f.merchant(h)
    first, second = _held(h, m, count=2)
    desk = staff(h, m, "operator")
    page = desk.get("/console/commissions").text
    assert '<option value="held" selected>' in page
    for com in (first, second):
        assert f'action="/console/commissions/{com["id"]}/release"' in page
        assert f'action="/console/commissions/{com["id"]}/void"' in page
    assert "self_referral_id" in page
    assert desk.post(f"/console/commissions/{first['id']}/release").status_code == 303
    assert desk.post(f"/console/commissions/{second['id']}/void").status_code == 303
    assert (_state(h, m, first), _state(h, m, second)) == ("payable", "voided")
    again = desk.post(f"/console/commissions/{second['id']}/release")
    assert again.status_code == 409
    assert "a voided commission cannot become pending" in again.text
    assert _state(h, m, second) == "voided"
    assert "No commissions in this state." in desk.get("/console/commissions").text
    assert first["id"] in desk.get("/console/commissions?state=payable").text


def test_an_analyst_sees_held_commissions_but_cannot_decide(h):
    m = f.merchant(h)
    [com] = _held(h, m)
    analyst = staff(h, m, "analyst")
    page = analyst.get("/console/commissions").text
    assert com["id"] in page
    assert "/release" not in page
    assert analyst.post(f"/console/commissions/{com['id']}/release").status_code == 403
    assert analyst.post(f"/console/commissions/{com['id']}/void").status_code == 403
    assert _state(h, m, com) == "held"
    assert analyst.post("/console/payouts", {"minimum": "0"}).status_code == 403


def test_another_merchants_commission_and_batch_answer_404(h):
    m, other = f.merchant(h), f.merchant(h)
    [theirs] = _held(h, other)
    desk = staff(h, m)
    assert theirs["id"] not in desk.get("/console/commissions").text
    for action in ("release", "void"):
        r = desk.post(f"/console/commissions/{theirs['id']}/{action}")
        assert r.status_code == 404
        assert "no commission" in r.text
    assert _state(h, other, theirs) == "held"
    h.client.post(f"/v1/commissions/{theirs['id']}/release", headers=f.auth(other))
    batch = h.client.post("/v1/payout-batches", headers=f.auth(other), json={}).json()
    assert batch["total_minor"] == 500
    assert desk.get(f"/console/payouts/{batch['id']}/export.csv").status_code == 404
    assert desk.post(f"/console/payouts/{batch['id']}/paid").status_code == 404
    assert batch["id"] not in desk.get("/console/payouts").text
    status = h.client.get(f"/v1/payout-batches/{batch['id']}", headers=f.auth(other))
    assert status.json()["status"] == "processing"


def test_payout_batch_runs_once_per_form_is_exported_and_marked_paid(h):
    m = f.merchant(h)
    [com] = _held(h, m)
    desk = staff(h, m, "operator")
    desk.post(f"/console/commissions/{com['id']}/release")
    page = desk.get("/console/payouts").text
    form = {"minimum": "1.00", "nonce": nonce(page)}
    assert desk.post("/console/payouts", form).status_code == 303
    assert desk.post("/console/payouts", form).status_code == 303  # a double submit
    [batch] = h.client.get("/v1/payout-batches", headers=f.auth(m)).json()["data"]
    assert (batch["total_minor"], batch["status"]) == (500, "processing")
    page = desk.get("/console/payouts").text
    assert "Self 0: 5.00 CNY (pending)" in page
    assert f'href="/console/payouts/{batch["id"]}/export.csv"' in page
    csv = desk.get(f"/console/payouts/{batch['id']}/export.csv")
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0].startswith("payout_id,creator_id,creator_name")
    assert ",Self 0," in lines[1]
    assert ",5.00,CNY,1,pending," in lines[1]
    assert desk.post(f"/console/payouts/{batch['id']}/paid").status_code == 303
    again = desk.post(f"/console/payouts/{batch['id']}/paid")
    assert again.status_code == 409
    assert "the batch is paid" in again.text
    assert "Self 0: 5.00 CNY (paid)" in desk.get("/console/payouts").text


def test_bad_payout_minimum_shows_a_message_and_runs_nothing(h):
    m = f.merchant(h)
    desk = staff(h, m)
    r = desk.post("/console/payouts", {"minimum": "lots",
                                       "nonce": nonce(desk.get("/console/payouts").text)})
    assert r.status_code == 422
    assert "Minimum payout must be an amount like 88.00." in r.text
    assert h.client.get("/v1/payout-batches", headers=f.auth(m)).json()["data"] == []
