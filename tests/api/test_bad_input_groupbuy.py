"""Bad input on every group-buy and order endpoint: a stable code, nothing written."""

from __future__ import annotations

from tests.api.badinput import INVALID, MALFORMED, Case, body_cases, check_all

DEAL = {"sku_id": "{sku}", "title": "Deal", "group_price_minor": 500, "team_size": 3,
        "starts_at": "2026-11-11T00:00:00Z", "ends_at": "2026-11-20T00:00:00Z", "quota": 5}


def test_create_deal(h):
    def deal(**over):
        return {k: v for k, v in (DEAL | over).items() if v is not ...}

    check_all(h, [Case("POST", "/v1/deals", "merchant", 422, "malformed_json", raw=MALFORMED)]
              + [Case("POST", "/v1/deals", "merchant", *INVALID, json=body) for body in (
                  {}, deal(title=...), deal(group_price_minor=-1), deal(group_price_minor="x"),
                  deal(group_price_minor=10**13), deal(team_size=1), deal(team_size=101),
                  deal(quota=0), deal(quota=10**8), deal(per_order_limit=0),
                  deal(join_window_seconds=0), deal(starts_at="2026-11-11T00:00:00"),
                  deal(starts_at="yesterday"), deal(overflow="squeeze"), deal(colour="red"))]
              + [Case("POST", "/v1/deals", "merchant", 422, code, json=deal(**over))
                 for over, code in (
                  ({"ends_at": "2026-11-10T00:00:00Z"}, "bad_schedule"),
                  ({"group_price_minor": 10**11}, "bad_price"),
                  ({"leader_price_minor": 600}, "bad_price"),
                  ({"per_order_limit": 3, "per_shopper_limit": 2}, "bad_limits"),
                  ({"virtual_fill_min_paid": 3}, "bad_virtual_fill"))]
              + [Case("POST", "/v1/deals", "merchant", 404, "sku_not_found",
                      json=deal(sku_id=sku)) for sku in ("sku_missing", "{x_sku}")]
              + [Case("POST", "/v1/deals", "merchant", 404, "location_not_found",
                      json=deal(location_id="loc_missing"))])


def test_pause_and_resume_a_deal(h):
    check_all(h, [Case("POST", f"/v1/deals/{deal}/{action}", "merchant", 404, "deal_not_found")
                  for deal in ("deal_missing", "{x_deal}") for action in ("pause", "resume")]
              + [Case("POST", "/v1/deals/{deal}/pause", "shopper", 401, "invalid_api_key")])


def test_open_a_group(h):
    good = {"deal_id": "{deal}"}
    check_all(h, body_cases("POST", "/v1/me/groups", "other_shopper", good, [
        {}, {"deal_id": 5}, {"deal_id": ""}, {"deal_id": "{deal}", "quantity": 0},
        {"deal_id": "{deal}", "quantity": -1}, {"deal_id": "{deal}", "quantity": 10**9},
        {"deal_id": "{deal}", "quantity": "two"}]) + [
        Case("POST", "/v1/me/groups", "other_shopper", 404, "deal_not_found",
             json={"deal_id": deal}) for deal in ("deal_missing", "{x_deal}")] + [
        Case("POST", "/v1/me/groups", "other_shopper", 422, "bad_quantity",
             json={"deal_id": "{deal}", "quantity": 3}),
        Case("POST", "/v1/me/groups", "merchant", 401, "invalid_shopper_token", json=good),
        Case("POST", "/v1/me/groups", "anon", 401, "missing_credentials", json=good)])


def test_join_and_leave_a_group(h):
    join = "/v1/me/groups/{group}/join"
    check_all(h, body_cases("POST", join, "other_shopper", {}, [
        {"quantity": 0}, {"quantity": -3}, {"quantity": 10**12}, {"quantity": [1]}]) + [
        Case("POST", f"/v1/me/groups/{ref}/{action}", "other_shopper", 404, "group_not_found",
             json={}) for ref in ("grp_missing", "tok_missing", "{x_group}", "{x_token}")
        for action in ("join", "leave")] + [
        Case("POST", join, "shopper", 409, "already_member", json={}),
        Case("POST", "/v1/me/groups/{token}/join", "shopper", 409, "already_member", json={}),
        Case("POST", join, "other_shopper", 422, "bad_quantity", json={"quantity": 3}),
        Case("POST", "/v1/me/groups/{group}/leave", "other_shopper", 409, "not_a_member")])


def test_pay_and_cancel_an_order(h):
    pay = "/v1/me/orders/{order}/payments"
    check_all(h, body_cases("POST", pay, "shopper", {}, [
        {"provider": ""}, {"provider": 5}, {"return_url": "x" * 501}]) + [
        Case("POST", f"/v1/me/orders/{order}/{action}", "shopper", 404, "order_not_found",
             json={}) for order in ("ord_missing", "{x_order}", "{other_order}")
        for action in ("payments", "cancel")] + [
        Case("POST", "/v1/me/orders/{other_order}/payments", "shopper", 404, "order_not_found",
             json={"provider": "sandbox"}),
        Case("POST", pay, "shopper", 409, "order_not_payable", json={}),
        Case("POST", "/v1/me/orders/{order}/cancel", "shopper", 409, "order_state_conflict"),
        Case("POST", pay, "anon", 401, "missing_credentials", json={})])


def test_refund_an_order(h):
    path = "/v1/orders/{order}/refunds"
    check_all(h, body_cases("POST", path, "merchant", {}, [
        {"amount_minor": 0}, {"amount_minor": -100}, {"amount_minor": 10**13},
        {"amount_minor": "all"}, {"reason": ""}, {"reason": "x" * 41}]) + [
        Case("POST", f"/v1/orders/{order}/refunds", "merchant", 404, "order_not_found",
             json={}) for order in ("ord_missing", "{x_order}")] + [
        Case("POST", path, "merchant", 409, "refund_exceeds_capture",
             json={"amount_minor": 5001}),
        Case("POST", "/v1/orders/{other_order}/refunds", "merchant", 409,
             "refund_exceeds_capture", json={"amount_minor": 1}),
        Case("POST", path, "shopper", 401, "invalid_api_key", json={})])
