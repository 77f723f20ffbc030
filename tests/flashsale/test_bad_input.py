"""Bad flash-sale input: a problem+json with a stable code, and nothing half written."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

from pintuan.flashsale import buy_api
from pintuan.flashsale.buy_api import MAX_BODY
from tests import factories as f
from tests.flashsale.helpers import buy, event, no_rate_limits, stock


def _body(h, sku_id, **over):
    now = h.clock.now()
    return {"title": "x", "items": [{"sku_id": sku_id, "sale_price_minor": 500, "quota": 5}],
            "slots": [{"starts_at": now.isoformat(),
                       "ends_at": (now + timedelta(hours=1)).isoformat()}]} | over


def test_bad_setups_are_refused_and_reserve_nothing(h):
    m, other = f.merchant(h), f.merchant(h)
    sku = f.sku(h, m, price=1000, stock=10)
    foreign = f.sku(h, other, price=1000, stock=10)
    now = h.clock.now()
    cases = [
        ({"items": [{"sku_id": sku, "sale_price_minor": 1000, "quota": 5}]},
         422, "price_not_below_prior_lowest"),
        ({"items": [{"sku_id": "sku_missing", "sale_price_minor": 500, "quota": 5}]},
         404, "sku_not_found"),
        ({"items": [{"sku_id": foreign, "sale_price_minor": 500, "quota": 5}]},
         404, "sku_not_found"),
        ({"items": [{"sku_id": sku, "sale_price_minor": 500, "quota": 11}]},
         409, "insufficient_stock"),
        ({"items": [{"sku_id": sku, "sale_price_minor": 500, "quota": 5}] * 2},
         422, "duplicate_sku"),
        ({"per_order_limit": 3, "per_slot_limit": 2}, 422, "bad_limits"),
        ({"slots": [{"starts_at": now.isoformat(),
                     "ends_at": (now + timedelta(hours=2)).isoformat()},
                    {"starts_at": (now + timedelta(hours=1)).isoformat(),
                     "ends_at": (now + timedelta(hours=3)).isoformat()}]},
         422, "overlapping_slots"),
        ({"slots": [{"starts_at": (now - timedelta(hours=2)).isoformat(),
                     "ends_at": (now - timedelta(hours=1)).isoformat()}]},
         422, "slots_in_past"),
        ({"slots": None, "daily": {"first_day": "2026-11-12", "days": 2, "starts": ["10:00"],
                                   "minutes": 30, "timezone": "Mars/Olympus"}},
         422, "bad_timezone"),
        ({"slots": None}, 422, "invalid_request"),
    ]
    for over, status, code in cases:
        r = h.client.post("/v1/flash-sales", headers=f.auth(m), json=_body(h, sku) | over)
        assert (r.status_code, r.json()["code"]) == (status, code), (over, r.text)
        assert r.headers["content-type"] == "application/problem+json"
    assert h.client.get("/v1/flash-sales", headers=f.auth(m)).json()["data"] == []
    assert (stock(h, m, sku)["available"], stock(h, m, sku)["reserved"]) == (10, 0)
    assert (stock(h, other, foreign)["available"], stock(h, other, foreign)["reserved"]) == (10, 0)


def test_the_prior_lowest_price_follows_the_price_history(h):
    m = f.merchant(h)
    sku = f.sku(h, m, price=1000, stock=10)
    h.client.post(f"/v1/skus/{sku}/price", headers=f.auth(m), json={"list_price_minor": 700})
    h.clock.advance(days=10)
    h.client.post(f"/v1/skus/{sku}/price", headers=f.auth(m), json={"list_price_minor": 1200})
    assert [p["price_minor"] for p in h.client.get(f"/v1/skus/{sku}/prices",
                                                    headers=f.auth(m)).json()] == [1000, 700, 1200]
    h.clock.advance(days=8)
    body = _body(h, sku, items=[{"sku_id": sku, "sale_price_minor": 800, "quota": 5}])
    r = h.client.post("/v1/flash-sales", headers=f.auth(m), json=body)
    assert (r.status_code, r.json()["prior_lowest_minor"]) == (422, 700)
    ok = h.client.post("/v1/flash-sales", headers=f.auth(m), json=body | {"price_rule_days": 7})
    assert ok.status_code == 201, ok.text
    assert ok.json()["items"][0]["prior_lowest_minor"] == 1200


def test_bad_buys_are_refused_and_create_nothing(h):
    m, other = f.merchant(h), f.merchant(h)
    ev = event(h, m, quota=1)
    item_id = ev["items"][0]["id"]
    stranger = f.shopper(h, other)
    s = f.shopper(h, m)
    no_rate_limits(h)
    assert buy(h, stranger, item_id).json()["code"] == "item_not_found"
    assert buy(h, s, "fsi_missing").json()["code"] == "item_not_found"
    r = h.client.post("/v1/me/flash-orders", json={"item_id": item_id})
    assert (r.status_code, r.json()["code"]) == (401, "missing_credentials")
    r = h.client.post("/v1/me/flash-orders", headers={"Authorization": "Bearer pt_shp_nope"},
                      json={"item_id": item_id})
    assert (r.status_code, r.json()["code"]) == (401, "invalid_shopper_token")
    for body, code in ((b"{", "malformed_json"), (b"[]", "invalid_request"),
                       (b'{"item_id": 5}', "invalid_request"),
                       (b'{"item_id": "x", "quantity": "1"}', "invalid_request"),
                       (b'{"item_id": "x", "extra": 1}', "invalid_request")):
        r = h.client.post("/v1/me/flash-orders", headers=f.auth(s), content=body)
        assert (r.status_code, r.json()["code"]) == (422, code), body
    assert buy(h, s, item_id, quantity=0).json()["code"] == "bad_quantity"
    padded = b'{"item_id": "' + item_id.encode() + b'"' + b" " * MAX_BODY + b"}"
    r = h.client.post("/v1/me/flash-orders", headers=f.auth(s), content=padded)
    assert (r.status_code, r.json()["code"]) == (413, "body_too_large")
    assert r.headers["content-type"] == "application/problem+json"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts what arrives
        yield b'{"item_id": "' + item_id.encode() + b'"'
        yield from (b" " * 1024 for _ in range(8))
        yield b"}"

    r = h.client.post("/v1/me/flash-orders", headers=f.auth(s), content=chunks())
    assert (r.status_code, r.json()["code"]) == (413, "body_too_large")
    r = buy(h, s, item_id, key="x" * 256)
    assert r.json()["code"] == "bad_idempotency_key"
    assert h.client.get("/v1/me/orders", headers=f.auth(s)).json()["data"] == []
    assert h.client.get(f"/v1/flash-sales/{ev['id']}",
                        headers=f.auth(other)).json()["code"] == "flash_sale_not_found"


def test_the_buy_path_answers_other_methods_405_and_a_crash_500(h, monkeypatch, caplog):
    """The buy is answered before the app's middleware and router: what they would do for
    it (405 for another method, a logged 500 problem for an unexpected error) it does."""
    m = f.merchant(h)
    item_id = event(h, m)["items"][0]["id"]
    s = f.shopper(h, m)
    r = h.client.get("/v1/me/flash-orders", headers=f.auth(s))
    assert (r.status_code, r.json()["code"], r.headers["allow"]) == (
        405, "method_not_allowed", "POST")
    assert r.headers["content-type"] == "application/problem+json"

    def broken(_request):
        raise RuntimeError("the waiting room went away")

    monkeypatch.setattr(buy_api, "room_of", broken)
    r = buy(h, s, item_id)
    assert (r.status_code, r.json()["code"]) == (500, "internal_error")
    assert r.headers["content-type"] == "application/problem+json"
    assert "the waiting room went away" in caplog.text


def test_a_client_gone_before_its_body_arrived_gets_nothing_and_logs_nothing(h, caplog):
    s = f.shopper(h, f.merchant(h))
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    token = f.auth(s)["Authorization"].encode()
    scope = {"type": "http", "method": "POST", "path": buy_api.PATH, "query_string": b"",
             "headers": [(b"authorization", token), (b"content-length", b"40")],
             "client": ("127.0.0.1", 5000), "app": h.client.app}
    no_rate_limits(h)
    asyncio.run(buy_api.front_door(scope, receive, send))
    assert sent == []
    assert "unhandled" not in caplog.text


def test_the_buy_reads_the_first_of_each_header_it_knows():
    """As ``Request.headers.get`` would: the first value of a repeated header, None for an
    absent one, names compared as the server sends them (lower case)."""
    scope = {"headers": [(b"authorization", b"Bearer a"), (b"x-other", b"1"),
                         (b"authorization", b"Bearer b"), (b"cookie", b"pt_ref=v\xe9"),
                         (b"flash-ticket", b"t")]}
    assert buy_api._headers(scope) == ["Bearer a", None, None, "t", "pt_ref=v\xe9"]
