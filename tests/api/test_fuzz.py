"""Schemathesis fuzz of /openapi.json: no input gets a 500; every error is problem+json.

Each operation is fuzzed on SQLite and PostgreSQL against a seeded store, with valid
credentials (a merchant key, or a shopper token under /v1/me) and, half the time, path ids
that exist, so generated bodies reach the services and not only the 404 of an unknown id.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from pintuan import container as containers
from pintuan.api import create_app
from pintuan.core.settings import Settings
from tests import factories as f

# The share-events stream of a live group stays open until the client leaves: it is
# fuzzed with unknown tokens only, and read over a real server in tests/concurrency.
STREAMS = {("GET", "/v1/share/{token}/events")}


@cache
def _openapi() -> dict[str, Any]:
    app = create_app(containers.build(Settings(database_url="sqlite://", secret_key="x",
                                               run_worker=False)), run_worker=False)
    return app.openapi()


def _operations() -> list[tuple[str, str]]:
    return sorted((method.upper(), path) for path, item in _openapi()["paths"].items()
                  for method in item)


def _seed(h) -> tuple[dict[str, str], dict[str, str], dict[str, Any]]:
    m = f.merchant(h)
    deal = f.deal(h, m, per_order_limit=50, per_shopper_limit=10_000, quota=10_000,
                  team_size=50)
    a, b = f.shopper(h, m), f.shopper(h, m)
    mine = h.client.post("/v1/me/groups", headers=f.auth(a), json={"deal_id": deal["id"]}).json()
    theirs = h.client.post("/v1/me/groups", headers=f.auth(b),
                           json={"deal_id": deal["id"]}).json()
    endpoint = h.client.post("/v1/webhook-endpoints", headers=f.auth(m),
                             json={"url": "http://127.0.0.1:9/hook"}).json()
    spare = h.client.post("/v1/api-keys", headers=f.auth(m), json={"label": "spare"}).json()
    h.drain()
    deliveries = h.client.get("/v1/webhook-deliveries", headers=f.auth(m)).json()["data"]
    token = theirs["group"]["share_url"].rsplit("/", 1)[1]
    known = {"product_id": h.client.get("/v1/products", headers=f.auth(m))
             .json()["data"][0]["id"],
             "sku_id": deal["sku_id"], "deal_id": deal["id"], "group_id": theirs["group"]["id"],
             "group_ref": theirs["group"]["id"], "order_id": mine["order"]["id"],
             "delivery_id": deliveries[0]["id"], "endpoint_id": endpoint["id"],
             "key_id": spare["id"], "slug": m["slug"], "token": token, "provider": "sandbox"}
    return m, a, known


def _problem(response) -> bool:
    if response.status_code < 400:
        return True
    if not response.headers.get("content-type", [""])[0].startswith("application/problem+json"):
        return False
    body = response.json()
    return isinstance(body, dict) and isinstance(body.get("code"), str) and body["code"] != ""


@pytest.mark.parametrize(("method", "path"), _operations())
def test_fuzzed_requests_never_crash(h, method, path):
    m, a, known = _seed(h)
    assert h.client.get("/openapi.json").json() == _openapi()
    schema = schemathesis.openapi.from_dict(_openapi())
    schema.app = h.client.app  # requests go in-process, through the ASGI transport
    op = schema[path][method]
    names = [p.name for p in op.path_parameters]
    fixed = {n: known[n] for n in names if n in known}
    strategies = [op.as_strategy(GenerationMode.POSITIVE),
                  op.as_strategy(GenerationMode.NEGATIVE)]
    if fixed and (method, path) not in STREAMS:
        strategies += [op.as_strategy(mode, path_parameters=fixed) for mode in GenerationMode]
    auth = f.auth(a) if path.startswith("/v1/me") else f.auth(m)

    @settings(max_examples=20, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(strategies))
    def fuzz(case: schemathesis.Case) -> None:
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        case.headers = headers | auth
        response = case.call()
        assert response.status_code < 500, (case.as_curl_command(), response.text)
        assert _problem(response), (case.as_curl_command(), response.status_code,
                                    response.headers, response.text)

    fuzz()


def test_every_operation_is_fuzzed():
    ops = _operations()
    assert ("POST", "/v1/me/groups") in ops
    assert ("POST", "/v1/deals") in ops
    assert len(ops) >= 30
