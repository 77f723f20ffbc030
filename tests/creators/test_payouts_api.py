"""Payouts over HTTP, on SQLite and PostgreSQL: statements with a minimum and a cut-off,
clawbacks recovered from the next statement, failed payouts returned to the balance, ad-hoc
payouts never above the balance, an audit trail and a CSV export."""

from __future__ import annotations

import csv
import io

from tests import factories as f
from tests.creators import helpers as c


def _shop(h):
    m = f.merchant(h)
    prog = c.program(h, m, holding_days=0)
    r = h.client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=f.auth(m),
                      json={"kind": "percent", "bps": 1000})
    assert r.status_code == 201
    return m, prog


def _sale(h, m, link):
    """A confirmed referred order worth a 500 commission, payable at once."""
    deal = f.deal(h, m, team_size=2)
    return c.completed_sale(h, m, f.shopper(h, m), deal, c.click(h, link))


def _batch(h, m, status=201, **body):
    r = h.client.post("/v1/payout-batches", headers=f.auth(m), json=body)
    assert r.status_code == status, r.text
    return r.json()


def _earnings(h, m, cr):
    return h.client.get(f"/v1/creators/{cr['id']}/earnings", headers=f.auth(m)).json()


def test_statements_pay_what_is_payable_above_the_minimum(h):
    m, prog = _shop(h)
    a, b = c.creator(h, m, prog, email="a@koc.cn"), c.creator(h, m, prog, name="=SUM(A1)",
                                                            phone="+8613800000000")
    link_a, link_b = c.link(h, m, prog, a), c.link(h, m, prog, b)
    for link in (link_a, link_a, link_b):
        _sale(h, m, link)
    assert _earnings(h, m, a)["payable_minor"] == 1000
    first = _batch(h, m, minimum_minor=600)
    assert [(p["creator_id"], p["amount_minor"], p["commissions"]) for p in first["payouts"]] \
        == [(a["id"], 1000, 2)]
    assert (first["status"], first["total_minor"]) == ("processing", 1000)
    assert _earnings(h, m, a) | {"creator_id": ""} == {
        "creator_id": "", "pending_minor": 0, "held_minor": 0, "payable_minor": 0,
        "paid_minor": 1000, "voided_minor": 0, "paid_out_minor": 1000, "balance_minor": 0}
    second = _batch(h, m)
    assert [(p["creator_id"], p["amount_minor"]) for p in second["payouts"]] == [(b["id"], 500)]
    assert _batch(h, m)["payouts"] == []
    export = h.client.get(f"/v1/payout-batches/{first['id']}/export.csv", headers=f.auth(m))
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert [(r["creator_id"], r["amount"], r["currency"], r["email"]) for r in rows] == [
        (a["id"], "10.00", "CNY", "a@koc.cn")]
    second_rows = h.client.get(f"/v1/payout-batches/{second['id']}/export.csv",
                               headers=f.auth(m)).text
    assert "'=SUM(A1)" in second_rows
    assert "'+8613800000000" in second_rows
    paid = h.client.post(f"/v1/payout-batches/{first['id']}/paid", headers=f.auth(m)).json()
    assert (paid["status"], paid["payouts"][0]["status"]) == ("paid", "paid")
    audit = h.client.get(f"/v1/payout-batches/{first['id']}/audit", headers=f.auth(m)).json()
    assert [x["action"] for x in audit] == ["batch.created", "payout.created", "batch.paid"]
    assert all(x["actor"].startswith("api_key:") for x in audit)
    types = [e["type"] for e in h.client.get("/v1/events", headers=f.auth(m)).json()]
    assert {"payout_batch.created", "payout.created", "payout.paid", "payout_batch.paid"} \
        <= set(types)


def test_a_refund_after_payout_is_clawed_back_from_the_next_statement(h):
    m, prog = _shop(h)
    a = c.creator(h, m, prog)
    link = c.link(h, m, prog, a)
    first = _sale(h, m, link)
    assert _batch(h, m)["total_minor"] == 500
    r = h.client.post(f"/v1/orders/{first}/refunds", headers=f.auth(m), json={})
    assert r.status_code == 201
    h.drain()
    com = next(x for x in h.client.get("/v1/commissions", headers=f.auth(m)).json()["data"]
           if x["order_id"] == first)
    assert (com["state"], com["total_minor"]) == ("paid", 0)
    assert _earnings(h, m, a)["balance_minor"] == -500
    _sale(h, m, link)
    assert _batch(h, m)["payouts"] == []  # 500 earned - 500 owed back
    _sale(h, m, link)
    again = _batch(h, m)
    assert [(p["amount_minor"], p["commissions"]) for p in again["payouts"]] == [(500, 2)]
    assert _earnings(h, m, a)["balance_minor"] == 0


def test_a_failed_payout_returns_to_the_balance(h):
    m, prog = _shop(h)
    a = c.creator(h, m, prog)
    _sale(h, m, c.link(h, m, prog, a))
    batch = _batch(h, m)
    payout = batch["payouts"][0]
    r = h.client.post(f"/v1/payouts/{payout['id']}/fail", headers=f.auth(m),
                      json={"reason": "bank account closed"})
    assert (r.status_code, r.json()["status"]) == (200, "failed")
    assert _earnings(h, m, a)["balance_minor"] == 500
    r = h.client.post(f"/v1/payouts/{payout['id']}/fail", headers=f.auth(m),
                      json={"reason": "again"})
    assert (r.status_code, r.json()["code"]) == (409, "payout_settled")
    retry = _batch(h, m)
    assert [(p["amount_minor"], p["commissions"]) for p in retry["payouts"]] == [(500, 0)]
    audit = h.client.get(f"/v1/payout-batches/{batch['id']}/audit", headers=f.auth(m)).json()
    assert [x["action"] for x in audit][-1] == "payout.failed"


def test_cutoff_leaves_later_commissions_for_the_next_statement(h):
    m, prog = _shop(h)
    a = c.creator(h, m, prog)
    link = c.link(h, m, prog, a)
    _sale(h, m, link)
    cutoff = h.clock.now().isoformat()
    h.advance(hours=1)
    _sale(h, m, link)
    early = _batch(h, m, cutoff=cutoff)
    assert [(p["amount_minor"], p["commissions"]) for p in early["payouts"]] == [(500, 1)]
    assert _batch(h, m)["total_minor"] == 500


def test_ad_hoc_payouts_never_exceed_the_balance_and_replay_by_key(h):
    m, prog = _shop(h)
    a = c.creator(h, m, prog)
    _sale(h, m, c.link(h, m, prog, a))
    path = f"/v1/creators/{a['id']}/payouts"
    for amount, status, code in ((501, 409, "payout_exceeds_balance"), (0, 422, "bad_amount"),
                                 (-5, 422, "bad_amount")):
        r = h.client.post(path, headers=f.auth(m), json={"amount_minor": amount})
        assert (r.status_code, r.json()["code"]) == (status, code)
    key = f.auth(m) | {"Idempotency-Key": "advance-1"}
    first = h.client.post(path, headers=key, json={"amount_minor": 300})
    again = h.client.post(path, headers=key, json={"amount_minor": 300})
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    r = h.client.post(path, headers=key, json={"amount_minor": 100})
    assert (r.status_code, r.json()["code"]) == (422, "idempotency_key_reused")
    r = h.client.post(path, headers=f.auth(m), json={"amount_minor": 201})
    assert (r.status_code, r.json()["code"]) == (409, "payout_exceeds_balance")
    assert _earnings(h, m, a)["balance_minor"] == 200
    statement = _batch(h, m)
    assert [(p["amount_minor"], p["commissions"]) for p in statement["payouts"]] == [(200, 1)]
    assert _earnings(h, m, a)["balance_minor"] == 0
    assert len(h.client.get("/v1/payout-batches", headers=f.auth(m)).json()["data"]) == 2


def test_bad_batches_and_other_merchants(h):
    m, prog = _shop(h)
    a = c.creator(h, m, prog)
    _sale(h, m, c.link(h, m, prog, a))
    future = h.clock.now().replace(year=2030).isoformat()
    for body, code in (({"cutoff": future}, "bad_cutoff"), ({"minimum_minor": -1},
                                                             "bad_minimum"),
                       ({"cutoff": "yesterday"}, "invalid_request"),
                       ({"minimum_minor": 10**12 + 1}, "invalid_request")):
        r = h.client.post("/v1/payout-batches", headers=f.auth(m), json=body)
        assert (r.status_code, r.json()["code"]) == (422, code)
    assert h.client.get("/v1/payout-batches", headers=f.auth(m)).json()["data"] == []
    batch = _batch(h, m)
    other = f.auth(f.merchant(h))
    for method, path in (("get", f"/v1/payout-batches/{batch['id']}"),
                         ("post", f"/v1/payout-batches/{batch['id']}/paid"),
                         ("get", f"/v1/payout-batches/{batch['id']}/export.csv"),
                         ("get", f"/v1/payout-batches/{batch['id']}/audit")):
        r = getattr(h.client, method)(path, headers=other)
        assert (r.status_code, r.json()["code"]) == (404, "payout_batch_not_found")
    r = h.client.post(f"/v1/payouts/{batch['payouts'][0]['id']}/fail", headers=other,
                      json={"reason": "x"})
    assert (r.status_code, r.json()["code"]) == (404, "payout_not_found")
    r = h.client.post(f"/v1/creators/{a['id']}/payouts", headers=other,
                      json={"amount_minor": 1})
    assert (r.status_code, r.json()["code"]) == (404, "creator_not_found")
    h.client.post(f"/v1/payout-batches/{batch['id']}/paid", headers=f.auth(m))
    r = h.client.post(f"/v1/payout-batches/{batch['id']}/paid", headers=f.auth(m))
    assert (r.status_code, r.json()["code"]) == (409, "batch_closed")


def test_creators_see_their_payouts(h):
    m, prog = _shop(h)
    s = f.shopper(h, m)
    me = c.creator(h, m, prog, shopper_id=s["id"])
    _sale(h, m, c.link(h, m, prog, me))
    assert h.client.get("/v1/me/creator/payouts", headers=f.auth(s)).json() == []
    _batch(h, m)
    mine = h.client.get("/v1/me/creator/payouts", headers=f.auth(s)).json()
    assert [(p["amount_minor"], p["status"]) for p in mine] == [(500, "pending")]
    earnings = h.client.get("/v1/me/creator/earnings", headers=f.auth(s)).json()
    assert (earnings["paid_out_minor"], earnings["balance_minor"]) == (500, 0)
    commissions = h.client.get("/v1/me/creator/commissions", headers=f.auth(s)).json()["data"]
    assert [x["state"] for x in commissions] == ["paid"]


def test_commission_and_payout_events_reach_subscribed_webhooks(h):
    m, prog = _shop(h)
    r = h.client.post("/v1/webhook-endpoints", headers=f.auth(m), json={
        "url": "https://finance.example/hooks",
        "events": ["commission.accrued", "commission.payable", "payout.created"]})
    assert r.status_code == 201, r.text
    a = c.creator(h, m, prog)
    _sale(h, m, c.link(h, m, prog, a))
    _batch(h, m)
    h.drain()
    rows = h.client.get("/v1/webhook-deliveries", headers=f.auth(m)).json()["data"]
    assert sorted(d["event_type"] for d in rows) == [
        "commission.accrued", "commission.payable", "payout.created"]
    assert {d["url"] for d in rows} == {"https://finance.example/hooks"}
