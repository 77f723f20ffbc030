"""Schemathesis fuzz of /openapi.json: no input gets a 500; every error is problem+json.

Each operation is fuzzed on SQLite and PostgreSQL against a seeded store, with valid
credentials (a merchant key, or a shopper token under /v1/me) and, more than half the time,
path ids that exist: the merchant's own (so generated bodies reach the services and not only
the 404 of an unknown id) and another merchant's (so tenancy is fuzzed too). The ids come
from tests/seeds.py, seeded only for the capabilities the operation's path names.
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
from tests import seeds

# The share-events stream of a live group stays open until the client leaves: it is
# fuzzed with unknown tokens only, and read over a real server in tests/concurrency.
STREAMS = {("GET", "/v1/share/{token}/events"),
           ("GET", "/v1/stores/{slug}/flash-sales/{event_id}/live")}


@cache
def _openapi() -> dict[str, Any]:
    app = create_app(containers.build(Settings(database_url="sqlite://", secret_key="x",
                                               run_worker=False)), run_worker=False)
    return app.openapi()


def _operations() -> list[tuple[str, str]]:
    return sorted((method.upper(), path) for path, item in _openapi()["paths"].items()
                  for method in item)


def _shopper_side(h, m) -> tuple[dict[str, str], dict[str, str]]:
    """A shopper with an unpaid order of their own, and another's group to join."""
    deal = f.deal(h, m, per_order_limit=50, per_shopper_limit=10_000, quota=10_000,
                  team_size=50)
    a, b = f.shopper(h, m), f.shopper(h, m)
    mine = h.client.post("/v1/me/groups", headers=f.auth(a), json={"deal_id": deal["id"]}).json()
    theirs = h.client.post("/v1/me/groups", headers=f.auth(b),
                           json={"deal_id": deal["id"]}).json()
    token = theirs["group"]["share_url"].rsplit("/", 1)[1]
    return a, {"group_ref": theirs["group"]["id"], "order_id": mine["order"]["id"],
               "slug": m["slug"], "token": token, "provider": "sandbox"}


def _seed(h, names: list[str]) -> tuple[dict[str, str], dict[str, str], dict[str, str],
                                        dict[str, str]]:
    """The merchant, its shopper, ids of its own and ids of another merchant's."""
    m = f.merchant(h)
    a, known = _shopper_side(h, m)
    capabilities = seeds.providing(set(names) - set(known))
    known = seeds.seed(h, m, capabilities) | known
    if not names:
        return m, a, known, {}
    other = f.merchant(h)
    foreign = seeds.seed(h, other, capabilities) | _shopper_side(h, other)[1]
    return m, a, known, foreign


def _problem(response) -> bool:
    if response.status_code < 400:
        return True
    if not response.headers.get("content-type", [""])[0].startswith("application/problem+json"):
        return False
    body = response.json()
    return isinstance(body, dict) and isinstance(body.get("code"), str) and body["code"] != ""


@pytest.mark.parametrize(("method", "path"), _operations())
def test_fuzzed_requests_never_crash(h, method, path):
    assert h.client.get("/openapi.json").json() == _openapi()
    schema = schemathesis.openapi.from_dict(_openapi())
    schema.app = h.client.app  # requests go in-process, through the ASGI transport
    op = schema[path][method]
    names = [] if (method, path) in STREAMS else [p.name for p in op.path_parameters]
    m, a, known, foreign = _seed(h, names)
    strategies = [op.as_strategy(GenerationMode.POSITIVE),
                  op.as_strategy(GenerationMode.NEGATIVE)]
    if names:
        assert set(names) <= set(known), f"seed an id for {set(names) - set(known)}"
        for ids in (known, known, foreign):
            fixed = {n: ids[n] for n in names}
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
