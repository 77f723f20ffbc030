"""Every console page and form, walked by another merchant's owner: the first merchant's ids
in console URLs answer 404, and nothing of the first merchant changes.

The routes come from the app, so a console page added later is walked too; one whose path
names an id no seed in tests/seeds.py provides fails the test until a seed provides it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

from starlette.routing import Route

from tests import factories as f
from tests import seeds
from tests.web.conftest import staff


def _routes(routes) -> Iterator[tuple[str, str]]:
    """(method, path) of every route."""
    for route in routes:
        if isinstance(route, Route):
            yield from ((m, route.path) for m in route.methods or () if m != "HEAD")


def _console_routes(h) -> list[tuple[str, str]]:
    """Signing in and out are walked elsewhere: signing out here would end the walk."""
    return sorted({r for r in _routes(h.client.app.routes) if r[1].startswith("/console")
                   and r[1] not in ("/console/signin", "/console/signout")})


def _forms(h, ids) -> dict[tuple[str, str], dict[str, str]]:
    """Valid forms naming the first merchant's rows, so only tenancy can refuse them."""
    now = h.clock.now()
    return {
        ("POST", "/console/products/{product_id}/skus"): {"code": "X-1", "sku_title": "x",
                                                           "price": "1.00"},
        ("POST", "/console/skus/{sku_id}/receive"): {"quantity": "5"},
        ("POST", "/console/orders/{order_id}/refunds"): {"amount": "0.01", "reason": "x",
                                                         "nonce": "walk-1"},
        ("POST", "/console/deals"): {
            "sku_id": ids["sku_id"], "title": "Stolen", "group_price": "1.00",
            "leader_price": "", "team_size": "2", "join_window_hours": "24",
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "per_order_limit": "1", "per_shopper_limit": "1", "quota": "10",
            "overflow": "join_another"},
    }


def test_another_merchants_staff_sees_and_changes_nothing_in_the_console(h):
    m1 = f.merchant(h)
    ids = seeds.seed(h, m1)
    before = seeds.snapshot(h, m1, ids)
    owner = staff(h, f.merchant(h))
    forms = _forms(h, ids)
    walked = []
    for method, template in _console_routes(h):
        names = re.findall(r"{(\w+)}", template)
        missing = [n for n in names if n not in ids]
        assert not missing, f"seed an id for {missing} to walk {method} {template}"
        path = template.format(**ids)
        form = forms.get((method, template), {})
        r = owner.get(path) if method == "GET" else owner.post(path, form)
        walked.append((method, template, r.status_code))
        assert "/console/signin" not in r.headers.get("location", ""), "signed out"
        assert r.status_code < 500, (method, path, r.text)
        if names:
            assert r.status_code == 404, (method, path, r.status_code)
        asked = path + str(form)
        leaked = [i for i in ids.values() if i in r.text and i not in asked]
        assert not leaked, (method, path, leaked)
    assert seeds.snapshot(h, m1, ids) == before
    assert ("POST", "/console/orders/{order_id}/refunds", 404) in walked
    assert len(walked) >= 20
