"""The merchant console over both backends: staff sign-in, roles, catalog, deals, orders,
refunds, keys and webhooks; bad input changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories as f
from tests.web.conftest import Person, nonce, open_group, pay, shopper, staff


def _deals(h, m):
    return h.client.get("/v1/deals", headers=f.auth(m)).json()["data"]


def _products(h, m):
    return h.client.get("/v1/products", headers=f.auth(m)).json()["data"]


def _deal_form(h, sku, **over):
    now = h.clock.now()
    return {"sku_id": sku, "title": "Console deal", "group_price": "60.00",
            "leader_price": "", "team_size": "3", "join_window_hours": "24",
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "per_order_limit": "1", "per_shopper_limit": "1", "quota": "10",
            "overflow": "join_another"} | over


def test_console_needs_a_staff_sign_in(h):
    m = f.merchant(h)
    r = Person(h).get("/console/deals")
    assert r.status_code == 303
    assert r.headers["location"] == "/console/signin?next=" + "%2Fconsole%2Fdeals"
    staff(h, m)
    wrong = Person(h).post("/console/signin", {"email": "nobody@example.com", "password": "x"})
    assert wrong.status_code == 422
    assert "wrong email or password" in wrong.text


def test_owner_creates_a_product_and_a_scheduled_deal_and_pauses_it(h):
    m = f.merchant(h)
    owner = staff(h, m)
    r = owner.post("/console/products", {"title": "Oolong", "description": "", "code": "OO-1",
                                         "sku_title": "Oolong tin", "price": "99.5",
                                         "stock": "40"})
    assert r.status_code == 303, r.text
    [product] = _products(h, m)
    sku = product["skus"][0]
    assert sku["list_price_minor"] == 9950
    assert "available <b>40</b>" in owner.get(f"/console/products/{product['id']}").text
    later = (h.clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    r = owner.post("/console/deals", _deal_form(h, sku["id"], starts_at=later))
    assert r.status_code == 303, r.text
    [deal] = _deals(h, m)
    assert deal["group_price_minor"] == 6000
    assert deal["overflow"] == "join_another"
    assert "scheduled" in owner.get("/console/deals").text
    assert owner.post(f"/console/deals/{deal['id']}/pause").status_code == 303
    assert _deals(h, m)[0]["paused"] is True
    assert "Console deal" in owner.get("/console").text


@pytest.mark.parametrize(("over", "message"), [
    ({"title": ""}, "Title is required."),
    ({"title": "x" * 201}, "Title must be at most 200 characters."),
    ({"team_size": "three"}, "Team size must be a whole number."),
    ({"team_size": "1"}, "Team size must be between 2 and 100."),
    ({"group_price": "abc"}, "Group price must be an amount like 88.00."),
    ({"group_price": "150.00"}, "group price must be positive and at most the list price"),
    ({"starts_at": "yesterday"}, "Starts must be a date and time."),
    ({"overflow": "explode"}, "When a group is full has an unknown value."),
    ({"sku_id": ""}, "SKU is required."),
])
def test_bad_deal_input_shows_a_message_and_creates_nothing(h, over, message):
    m = f.merchant(h)
    sku_id = f.sku(h, m)
    r = staff(h, m).post("/console/deals", _deal_form(h, sku_id, **over))
    assert r.status_code == 422
    assert message in r.text
    assert _deals(h, m) == []


def test_another_merchants_ids_in_console_urls_answer_not_found_and_change_nothing(h):
    m, other = f.merchant(h), f.merchant(h)
    foreign = f.deal(h, other)
    owner = staff(h, m)
    r = owner.post("/console/deals", _deal_form(h, foreign["sku_id"]))
    assert r.status_code == 422
    assert "no SKU" in r.text
    assert owner.post(f"/console/deals/{foreign['id']}/pause").status_code == 404
    assert _deals(h, other)[0]["paused"] is False
    assert owner.get(f"/console/products/{_products(h, other)[0]['id']}").status_code == 404
    r = owner.post(f"/console/skus/{foreign['sku_id']}/receive", {"quantity": "5"})
    assert r.status_code == 404
    buyer = shopper(h, other)
    order_id = open_group(other, buyer, foreign["id"])
    assert owner.get(f"/console/orders/{order_id}").status_code == 404
    assert owner.post(f"/console/orders/{order_id}/refunds", {"reason": "x"}).status_code == 404


def test_bad_product_and_stock_input_changes_nothing(h):
    m = f.merchant(h)
    owner = staff(h, m)
    base = {"title": "Tea", "code": "T-1", "sku_title": "Tin", "price": "10", "stock": "0"}
    for over, message in [({"title": ""}, "Product title is required."),
                          ({"code": "bad code!"}, "SKU code may use"),
                          ({"price": "-3"}, "List price must be an amount"),
                          ({"stock": "lots"}, "Opening stock must be a whole number.")]:
        r = owner.post("/console/products", base | over)
        assert r.status_code == 422
        assert message in r.text
    assert _products(h, m) == []
    sku_id = f.sku(h, m, stock=5)
    r = owner.post(f"/console/skus/{sku_id}/receive", {"quantity": "0"})
    assert r.status_code == 422
    assert "between 1 and 1000000" in r.text
    stock = h.client.get(f"/v1/skus/{sku_id}/stock", headers=f.auth(m)).json()
    assert stock["levels"][0]["received"] == 5


def test_refund_from_the_console_and_refunds_beyond_capture_are_refused(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    buyer = shopper(h, m)
    order_id = open_group(m, buyer, deal["id"])
    pay(h, m, buyer, order_id)
    owner = staff(h, m)
    key = nonce(owner.get(f"/console/orders/{order_id}").text)
    too_much = owner.post(f"/console/orders/{order_id}/refunds",
                          {"amount": "999.00", "reason": "test", "nonce": key + "a"})
    assert too_much.status_code == 422
    assert "refundable" in too_much.text
    r = owner.post(f"/console/orders/{order_id}/refunds",
                   {"amount": "10.00", "reason": "damaged", "nonce": key})
    assert r.status_code == 303
    again = owner.post(f"/console/orders/{order_id}/refunds",
                       {"amount": "10.00", "reason": "damaged", "nonce": key})
    assert again.status_code == 303
    h.drain()
    order = h.client.get(f"/v1/orders/{order_id}", headers=f.auth(m)).json()
    assert [x["amount_minor"] for x in order["refunds"]] == [1000]


def test_roles_analyst_reads_only_and_operator_has_no_keys_or_webhooks(h):
    m = f.merchant(h)
    sku_id = f.sku(h, m)
    analyst, operator = staff(h, m, "analyst"), staff(h, m, "operator")
    assert analyst.get("/console").status_code == 200
    assert analyst.get("/console/deals").status_code == 200
    r = analyst.post("/console/deals", _deal_form(h, sku_id))
    assert r.status_code == 403
    assert "analyst role may not" in r.text
    assert _deals(h, m) == []
    assert operator.post("/console/deals", _deal_form(h, sku_id)).status_code == 303
    assert operator.get("/console/keys").status_code == 403
    assert operator.post("/console/keys", {"label": "mine"}).status_code == 403
    assert operator.post("/console/webhooks", {"url": "https://x.example/h"}).status_code == 403
    keys = h.client.get("/v1/api-keys", headers=f.auth(m)).json()
    assert len(keys) == 1


def test_owner_issues_and_revokes_keys_and_manages_webhooks(h):
    m = f.merchant(h)
    owner = staff(h, m)
    r = owner.post("/console/keys", {"label": "pos"})
    assert r.status_code == 201
    assert "pt_key_" in r.text
    assert owner.post("/console/keys", {"label": ""}).status_code == 422
    keys = h.client.get("/v1/api-keys", headers=f.auth(m)).json()
    pos = next(k for k in keys if k["label"] == "pos")
    assert owner.post(f"/console/keys/{pos['id']}/revoke").status_code == 303
    keys = h.client.get("/v1/api-keys", headers=f.auth(m)).json()
    assert next(k for k in keys if k["id"] == pos["id"])["revoked_at"] is not None
    bad = owner.post("/console/webhooks", {"url": "ftp://nope.example", "events": "*"})
    assert bad.status_code == 422
    assert "http(s) URL" in bad.text
    ok = owner.post("/console/webhooks", {"url": "https://hooks.example/p",
                                          "events": "order.paid, group.completed"})
    assert ok.status_code == 201
    assert "whsec_" in ok.text
    [endpoint] = h.client.get("/v1/webhook-endpoints", headers=f.auth(m)).json()
    assert endpoint["events"] == ["group.completed", "order.paid"]
    assert owner.post(f"/console/webhooks/{endpoint['id']}/disable").status_code == 303
    other = f.merchant(h)
    assert staff(h, other).post(f"/console/keys/{pos['id']}/revoke").status_code == 404


def test_owner_adds_staff_who_sign_in_with_their_role_and_bad_input_adds_nobody(h):
    m = f.merchant(h)
    owner = staff(h, m)
    base = {"name": "Olga", "email": "olga@example.com", "role": "analyst",
            "password": "olga password"}
    for over, message in [({"email": ""}, "Email is required."),
                          ({"role": "king"}, "Role has an unknown value."),
                          ({"password": "short"}, "First password must be at least 8"),
                          ({"name": "n" * 101}, "Name must be at most 100 characters.")]:
        r = owner.post("/console/team", base | over)
        assert r.status_code == 422
        assert message in r.text
    assert "olga@example.com" not in owner.get("/console/team").text
    assert owner.post("/console/team", base).status_code == 303
    taken = owner.post("/console/team", base)
    assert taken.status_code == 422
    assert "exists" in taken.text
    olga = Person(h)
    assert olga.post("/console/signin", {"email": "olga@example.com",
                                         "password": "olga password"}).status_code == 303
    assert olga.get("/console").status_code == 200
    assert olga.get("/console/team").status_code == 403
    assert staff(h, m, "operator").post("/console/team", base | {"email": "x@example.com"}
                                        ).status_code == 403
