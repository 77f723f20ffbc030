"""Bad input on account, webhook and payment-provider endpoints: a stable code, nothing written."""

from __future__ import annotations

import orjson

from pintuan.core.signing import sign
from pintuan.payments.sandbox import SIGNATURE_HEADER, webhook_secret
from tests.api.badinput import INVALID, MALFORMED, Case, check, check_all, world

SIGN_UP = {"email": "new@example.com", "name": "Nan", "password": "correct horse"}


def test_api_keys(h):
    check_all(h, [Case("POST", "/v1/api-keys", "merchant", 422, "malformed_json",
                       raw=MALFORMED)]
              + [Case("POST", "/v1/api-keys", "merchant", *INVALID, json=body) for body in (
                  {}, {"label": ""}, {"label": "x" * 101}, {"label": 7}, ["label"],
                  {"label": "ok", "scope": "all"})]
              + [Case("POST", f"/v1/api-keys/{key}/revoke", "merchant", 404,
                      "api_key_not_found") for key in ("key_missing", "{x_key}")]
              + [Case("POST", "/v1/api-keys", "anon", 401, "missing_credentials",
                      json={"label": "x"}),
                 Case("POST", "/v1/api-keys", "merchant", 401, "invalid_api_key",
                      json={"label": "x"}, headers={"Authorization": "Bearer pt_key_forged"}),
                 Case("POST", "/v1/api-keys", "merchant", 401, "missing_credentials",
                      json={"label": "x"}, headers={"Authorization": "Basic abc"})])


def test_webhook_endpoints_and_deliveries(h):
    path = "/v1/webhook-endpoints"
    check_all(h, [Case("POST", path, "merchant", 422, "malformed_json", raw=MALFORMED)]
              + [Case("POST", path, "merchant", *INVALID, json=body) for body in (
                  {}, {"url": 5}, {"url": "short"}, {"url": "http://x.example/" + "a" * 500},
                  {"url": "http://x.example/h", "events": []},
                  {"url": "http://x.example/h", "events": "order.paid"},
                  {"url": "http://x.example/h", "secret": "mine"})]
              + [Case("POST", path, "merchant", 422, code, json=body) for body, code in (
                  ({"url": "ftp://x.example/h"}, "bad_webhook_url"),
                  ({"url": "javascript:alert(1)"}, "bad_webhook_url"),
                  ({"url": "http:///nohost"}, "bad_webhook_url"),
                  ({"url": "http://x.example/h", "events": [""]}, "bad_webhook_events"),
                  ({"url": "http://x.example/h", "events": ["x" * 61]}, "bad_webhook_events"))]
              + [Case("POST", f"/v1/webhook-endpoints/{ep}/disable", "merchant", 404,
                      "webhook_endpoint_not_found") for ep in ("we_missing", "{x_endpoint}")]
              + [Case("POST", f"/v1/webhook-deliveries/{d}/retry", "merchant", 404,
                      "delivery_not_found") for d in ("whd_missing", "{x_delivery}")])


def test_shopper_sign_up_and_sign_in(h):
    w = world(h)
    taken = h.client.post(f"/v1/stores/{w.ids['slug']}/shoppers", json=SIGN_UP)
    assert taken.status_code == 201
    up, signin = "/v1/stores/{slug}/shoppers", "/v1/stores/{slug}/sessions"
    cases = [Case("POST", up, "anon", 422, "malformed_json", raw=MALFORMED),
             Case("POST", signin, "anon", 422, "malformed_json", raw=MALFORMED)]
    cases += [Case("POST", up, "anon", *INVALID, json=body) for body in (
        {}, SIGN_UP | {"password": "short"}, SIGN_UP | {"email": 12}, SIGN_UP | {"name": ""},
        SIGN_UP | {"admin": True}, [SIGN_UP])]
    cases += [Case("POST", up, "anon", 422, "bad_email", json=SIGN_UP | {"email": "nobody"}),
              Case("POST", up, "anon", 409, "email_taken", json=SIGN_UP),
              Case("POST", up, "anon", 409, "email_taken",
                   json=SIGN_UP | {"email": "NEW@example.com"}),
              Case("POST", "/v1/stores/no-such-store/shoppers", "anon", 404, "store_not_found",
                   json=SIGN_UP | {"email": "other@example.com"})]
    cases += [Case("POST", signin, "anon", 401, "bad_credentials", json=body) for body in (
        {"email": SIGN_UP["email"], "password": "wrong horse"},
        {"email": "ghost@example.com", "password": "correct horse"})]
    cases += [Case("POST", "/v1/stores/{x_slug}/sessions", "anon", 401, "bad_credentials",
                   json={"email": SIGN_UP["email"], "password": SIGN_UP["password"]}),
              Case("POST", signin, "anon", *INVALID, json={"email": SIGN_UP["email"]})]
    for case in cases:
        check(h, w, case)


def _signed(h, body: bytes, *, at: int | None = None, secret: str | None = None) -> dict:
    ts = int(h.clock.now().timestamp()) if at is None else at
    return {SIGNATURE_HEADER: sign(secret or webhook_secret(h.c.settings), ts, body)}


def test_provider_webhooks_and_the_sandbox_page(h):
    w = world(h)
    order = h.client.get(f"/v1/me/orders/{w.ids['order']}", headers=w.auth["shopper"]).json()
    decided = order["payments"][0]["checkout_url"].rsplit("/", 1)[1]
    hook = "/v1/payments/webhooks/sandbox"
    event = {"id": "evt_bad", "type": "payment.succeeded", "ref": "sbx_missing",
             "amount_minor": 5000}
    body = orjson.dumps(event)
    now = int(h.clock.now().timestamp())
    cases = [
        Case("POST", hook, "anon", 401, "signature_missing", raw=body),
        Case("POST", hook, "anon", 401, "signature_malformed", raw=body,
             headers={SIGNATURE_HEADER: "garbage"}),
        Case("POST", hook, "anon", 401, "signature_expired", raw=body,
             headers=_signed(h, body, at=now - 3600)),
        Case("POST", hook, "anon", 401, "signature_invalid", raw=body,
             headers=_signed(h, body, secret="not-the-secret")),
        Case("POST", hook, "anon", 404, "payment_not_found", raw=body, headers=_signed(h, body)),
        Case("POST", "/v1/payments/webhooks/stripe", "anon", 404, "provider_not_found",
             raw=body, headers=_signed(h, body)),
        Case("POST", "/sandbox/checkout/sbx_missing/approve", "anon", 404,
             "sandbox_payment_not_found"),
        Case("POST", f"/sandbox/checkout/{decided}/decline", "anon", 409,
             "sandbox_payment_decided"),
    ]
    for bad in (MALFORMED, orjson.dumps(event | {"type": "payment.teleported"}),
                orjson.dumps({k: v for k, v in event.items() if k != "ref"}),
                orjson.dumps(event | {"amount_minor": "lots"}), orjson.dumps([event]),
                orjson.dumps(event | {"id": "x" * 200}), orjson.dumps(event | {"ref": "r\u0000"})):
        cases.append(Case("POST", hook, "anon", 422, "bad_provider_event", raw=bad,
                          headers=_signed(h, bad)))
    for case in cases:
        check(h, w, case)
