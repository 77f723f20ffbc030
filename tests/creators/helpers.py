"""Creator-program test data through the public API."""

from __future__ import annotations

import itertools
from typing import Any

from tests import factories as f

_seq = itertools.count(1)


def program(h: Any, m: dict[str, str], **over: Any) -> dict[str, Any]:
    r = h.client.post("/v1/programs", headers=f.auth(m), json={"name": "KOC club"} | over)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def creator(h: Any, m: dict[str, str], prog: dict[str, Any] | None = None,
            **over: Any) -> dict[str, Any]:
    n = next(_seq)
    body = {"name": f"Creator {n}", "handles": [
        {"platform": "red", "handle": f"@c{n}", "followers": 12_000}]} | over
    r = h.client.post("/v1/creators", headers=f.auth(m), json=body)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    if prog is not None:
        r = h.client.post(f"/v1/programs/{prog['id']}/invitations", headers=f.auth(m),
                          json={"creator_id": out["id"]})
        assert r.status_code == 201, r.text
    return out


def link(h: Any, m: dict[str, str], prog: dict[str, Any], cr: dict[str, Any]) -> dict[str, Any]:
    r = h.client.post(f"/v1/programs/{prog['id']}/links", headers=f.auth(m),
                      json={"creator_id": cr["id"], "destination": "https://tea.example/deal"})
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def code(h: Any, m: dict[str, str], prog: dict[str, Any], cr: dict[str, Any],
         value: str | None = None) -> str:
    value = value or f"TEA{next(_seq)}"
    r = h.client.post(f"/v1/programs/{prog['id']}/codes", headers=f.auth(m),
                      json={"creator_id": cr["id"], "code": value})
    assert r.status_code == 201, r.text
    return value


def click(h: Any, lnk: dict[str, Any], visitor: str | None = None, **headers: str) -> str:
    """Follow a referral link as a browser; return its visitor token (the cookie)."""
    token = lnk["url"].rsplit("/", 1)[1]
    sent = dict(headers)
    if visitor:
        sent["cookie"] = f"pt_ref={visitor}"
    h.client.cookies.clear()
    r = h.client.get(f"/r/{token}", headers=sent, follow_redirects=False)
    assert r.status_code == 302, r.text
    value: str = r.cookies["pt_ref"]
    h.client.cookies.clear()
    return value


def open_group(h: Any, s: dict[str, str], deal: dict[str, Any], *, visitor: str | None = None,
               **body: Any) -> dict[str, Any]:
    headers = f.auth(s) | ({"cookie": f"pt_ref={visitor}"} if visitor else {})
    r = h.client.post("/v1/me/groups", headers=headers, json={"deal_id": deal["id"]} | body)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def credited(h: Any, m: dict[str, str], order_id: str) -> dict[str, Any] | None:
    r = h.client.get(f"/v1/orders/{order_id}/attribution", headers=f.auth(m))
    if r.status_code == 404:
        assert r.json()["code"] == "not_attributed"
        return None
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def completed_sale(h: Any, m: dict[str, str], s: dict[str, str], deal: dict[str, Any],
                   visitor: str | None) -> str:
    """A referred shopper opens a group of two, a friend completes it, both pay: the
    referred order is confirmed. Returns its id."""
    opened = open_group(h, s, deal, visitor=visitor)
    f.pay(h, s, opened["order"]["id"])
    friend = f.shopper(h, m)
    joined = h.client.post(f"/v1/me/groups/{opened['group']['id']}/join",
                           headers=f.auth(friend), json={})
    assert joined.status_code == 201, joined.text
    f.pay(h, friend, joined.json()["order"]["id"])
    order_id: str = opened["order"]["id"]
    return order_id
