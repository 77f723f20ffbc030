"""Every merchant endpoint, walked with another merchant's key: it sees none of the first
merchant's data and changes none of it.

The operations come from /openapi.json and the data from tests/seeds.py, so an endpoint
added later is walked too; an endpoint whose path names an id no seed provides fails the
test until its capability's seed provides it.
"""

from __future__ import annotations

import re
from typing import Any

from tests import factories as f
from tests import seeds

PUBLIC = ("/healthz", "/v1/stores/", "/v1/share/", "/v1/payments/webhooks/")
SHOPPER = "/v1/me"


def _merchant_operations(h) -> list[tuple[str, str]]:
    ops = []
    for path, item in h.client.get("/openapi.json").json()["paths"].items():
        if path.startswith(PUBLIC) or path.startswith(SHOPPER) or not path.startswith("/v1/"):
            continue
        ops += [(method.upper(), path) for method in item]
    return sorted(ops)


def _leaves(body: Any) -> list[Any]:
    if isinstance(body, dict):
        return [x for v in body.values() for x in _leaves(v)]
    if isinstance(body, list):
        return [x for v in body for x in _leaves(v)]
    return [body]


def _walk(h, m2, ids, bodies, method, template):
    names = re.findall(r"{(\w+)}", template)
    missing = [n for n in names if n not in ids]
    assert not missing, f"seed an id for {missing} to walk {method} {template}"
    path = template.format(**ids)
    body = bodies.get((method, template), {})
    r = h.client.request(method, path, headers=f.auth(m2), json=body)
    assert r.status_code < 500, (method, path, r.text)
    names_theirs = names or set(_leaves(body)) & set(ids.values())
    if names_theirs:  # the path or the body names the first merchant's rows
        assert r.status_code == 404, (method, path, body, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    asked = path + str(body)  # an error may name the id it was asked for; no other
    leaked = [i for i in ids.values() if i in r.text and i not in asked]
    assert not leaked, (method, path, leaked)
    return r.status_code


def test_another_merchants_key_sees_and_changes_nothing(h):
    m1 = f.merchant(h)
    ids = seeds.seed(h, m1)
    m2 = f.merchant(h)
    before = seeds.snapshot(h, m1, ids)
    bodies = seeds.bodies(ids, h.clock.now())
    walked = {(method, template): _walk(h, m2, ids, bodies, method, template)
              for method, template in _merchant_operations(h)}
    assert seeds.snapshot(h, m1, ids) == before
    assert not set(bodies) - set(walked), "a body for an operation the API no longer has"
    needs_body = [op for op, status in walked.items() if status == 422]
    assert not needs_body, f"give these a valid body in tests/seeds.py: {needs_body}"
    assert len(walked) >= 60
