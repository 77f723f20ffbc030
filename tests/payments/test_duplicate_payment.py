"""A second payment of an order that is already paid is refunded alone; the sale stands."""

from __future__ import annotations

from tests import factories as f


def test_second_payment_of_a_paid_order_refunds_only_itself(h):
    m = f.merchant(h)
    deal = f.deal(h, m, team_size=2)
    a = f.shopper(h, m)
    opened = h.client.post("/v1/me/groups", headers=f.auth(a), json={"deal_id": deal["id"]})
    oid = opened.json()["order"]["id"]
    first, second = f.start_payment(h, a, oid), f.start_payment(h, a, oid)
    for sandbox_id in (first, second):
        r = h.client.post(f"/sandbox/checkout/{sandbox_id}/approve", follow_redirects=False)
        assert r.status_code == 303, r.text
    h.drain()
    order = h.client.get(f"/v1/me/orders/{oid}", headers=f.auth(a)).json()
    total = order["total_minor"]
    assert order["status"] == "paid"
    assert (order["captured_minor"], order["refunded_minor"]) == (2 * total, total)
    assert [r["reason"] for r in order["refunds"]] == ["duplicate_payment"]
    refunded = {r["payment_id"] for r in order["refunds"]}
    kept = [p for p in order["payments"] if p["id"] not in refunded]
    assert len(kept) == 1
    assert kept[0]["status"] == "succeeded"
    group = h.client.get(f"/v1/groups/{opened.json()['group']['id']}", headers=f.auth(m)).json()
    assert group["paid_count"] == 1
    assert group["members"][0]["status"] == "paid"
