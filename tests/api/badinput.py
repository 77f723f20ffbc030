"""The bad-input sweep's harness: a seeded world of two merchants, and a runner that checks a
request is refused with problem+json and a stable code, and that nothing was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from pintuan.models import metadata
from tests import factories as f

MALFORMED = b'{"title": "unterminated'
INVALID = (422, "invalid_request")


@dataclass
class Case:
    method: str
    path: str  # a template over World.ids: "/v1/deals/{x_deal}/pause"
    who: str  # "merchant", "shopper", "other_shopper", "anon"
    status: int
    code: str
    json: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.method} {self.path} as {self.who}: {self.json or self.raw!r}"


@dataclass
class World:
    auth: dict[str, dict[str, str]]
    ids: dict[str, str]


def _merchant_world(h, prefix: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    m = f.merchant(h)
    endpoint = h.client.post("/v1/webhook-endpoints", headers=f.auth(m),
                             json={"url": "http://127.0.0.1:9/hook"}).json()
    deal = f.deal(h, m)
    a, b = f.shopper(h, m), f.shopper(h, m)
    opened = h.client.post("/v1/me/groups", headers=f.auth(a), json={"deal_id": deal["id"]})
    joined = h.client.post(f"/v1/me/groups/{opened.json()['group']['id']}/join",
                           headers=f.auth(b), json={})
    f.pay(h, a, opened.json()["order"]["id"])
    key = h.client.post("/v1/api-keys", headers=f.auth(m), json={"label": "spare"}).json()
    h.drain()
    delivery = h.client.get("/v1/webhook-deliveries", headers=f.auth(m)).json()["data"][0]
    group = opened.json()["group"]
    ids = {"product": h.client.get("/v1/products", headers=f.auth(m)).json()["data"][0]["id"],
           "sku": deal["sku_id"], "deal": deal["id"], "group": group["id"],
           "token": group["share_url"].rsplit("/", 1)[1], "order": opened.json()["order"]["id"],
           "other_order": joined.json()["order"]["id"], "endpoint": endpoint["id"],
           "delivery": delivery["id"], "key": key["id"], "slug": m["slug"]}
    return m, a, {prefix + k: v for k, v in ids.items()}


def world(h) -> World:
    """Merchant m (shoppers a, who paid, and b, who did not) and a foreign merchant x."""
    m, a, ids = _merchant_world(h, "")
    _, _, foreign = _merchant_world(h, "x_")
    b_auth = f.shopper(h, m)
    return World(auth={"merchant": f.auth(m), "shopper": f.auth(a),
                       "other_shopper": f.auth(b_auth), "anon": {}},
                 ids=ids | foreign)


def snapshot(h) -> dict[str, list[str]]:
    """Every row of every table, for 'nothing was written' checks."""
    with h.c.db.read() as session:
        return {t.name: sorted(repr(tuple(row)) for row in session.execute(select(t)))
                for t in metadata().sorted_tables}


def _fill(value: Any, ids: dict[str, str]) -> Any:
    """Put the world's ids into a case's body templates."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def check(h, w: World, case: Case) -> None:
    before = snapshot(h)
    headers = w.auth[case.who] | case.headers
    url = case.path.format(**w.ids)
    if case.raw is not None:
        r = h.client.request(case.method, url, content=case.raw,
                             headers=headers | {"content-type": "application/json"})
    else:
        r = h.client.request(case.method, url, json=_fill(case.json, w.ids), headers=headers)
    assert r.headers.get("content-type") == "application/problem+json", (str(case), r.text)
    assert (r.status_code, r.json()["code"]) == (case.status, case.code), (str(case), r.text)
    assert r.json()["status"] == case.status
    assert snapshot(h) == before, f"{case} wrote something"


def check_all(h, cases: list[Case]) -> None:
    w = world(h)
    for case in cases:
        check(h, w, case)


def body_cases(method: str, path: str, who: str, good: Any, bad: list[Any]) -> list[Case]:
    """Malformed JSON, the good body in a list, the good body with an unknown field, and each
    bad body: all refused by validation at the edge."""
    cases = [Case(method, path, who, 422, "malformed_json", raw=MALFORMED),
             Case(method, path, who, *INVALID, json=[good]),
             Case(method, path, who, *INVALID, json=good | {"unknown_field": 1})]
    return cases + [Case(method, path, who, *INVALID, json=body) for body in bad]
