"""Page tests: each person is a cookie-keeping client that reads pages and posts forms."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pintuan.web import staff as staff_service

_seq = itertools.count(1)


class Person:
    def __init__(self, h: Any) -> None:
        self.h = h
        self.client = TestClient(h.client.app, base_url="http://testserver")

    def csrf(self) -> str:
        if "pt_csrf" not in self.client.cookies:
            self.client.get("/console/signin")
        return str(self.client.cookies["pt_csrf"])

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, follow_redirects=False, **kw)

    def post(self, url: str, data: dict[str, str] | None = None, **kw: Any) -> Any:
        body = {"csrf": self.csrf()} | (data or {})
        return self.client.post(url, data=body, follow_redirects=False, **kw)


def nonce(html: str) -> str:
    found = re.search(r'name="nonce" value="([^"]+)"', html)
    assert found, "form has no nonce"
    return found.group(1)


def shopper(h: Any, m: dict[str, str], *, name: str | None = None) -> Person:
    n = next(_seq)
    person = Person(h)
    r = person.post(f"/s/{m['slug']}/signup", {
        "email": f"web{n}@example.com", "name": name or f"Web{n}", "password": "correct horse",
        "next": f"/s/{m['slug']}"})
    assert r.status_code == 303, r.text
    return person


def staff(h: Any, m: dict[str, str], role: str = "owner") -> Person:
    n = next(_seq)
    email = f"staff{n}@example.com"
    with h.c.db.write() as session:
        staff_service.create(h.c.tx(session), merchant_id=m["id"], email=email, name=f"Staff{n}",
                             password="staff password", role=staff_service.Role(role))
    person = Person(h)
    r = person.post("/console/signin", {"email": email, "password": "staff password"})
    assert r.status_code == 303, r.text
    return person


@pytest.fixture
def person(h: Any) -> Person:
    return Person(h)


def open_group(m: dict[str, str], buyer: Person, deal_id: str) -> str:
    """Open a group from the deal page's form; the order id it made."""
    page = buyer.get(f"/s/{m['slug']}/deals/{deal_id}")
    r = buyer.post(f"/s/{m['slug']}/deals/{deal_id}/open", {"nonce": nonce(page.text)})
    assert r.status_code == 303, r.text
    return str(r.headers["location"].rsplit("/", 1)[1])


def join_group(buyer: Person, token: str) -> str:
    page = buyer.get(f"/g/{token}")
    r = buyer.post(f"/g/{token}/join", {"nonce": nonce(page.text)})
    assert r.status_code == 303, r.text
    return str(r.headers["location"].rsplit("/", 1)[1])


def pay(h: Any, m: dict[str, str], buyer: Person, order_id: str) -> None:
    r = buyer.post(f"/s/{m['slug']}/orders/{order_id}/pay")
    assert r.status_code == 303, r.text
    checkout = r.headers["location"].removeprefix("http://testserver")
    r = buyer.post(checkout + "/approve")
    assert r.status_code == 303, r.text
    h.drain()


def token_of(h: Any, order_id: str) -> str:
    from pintuan.groupbuy import store as gb_store

    with h.c.db.read() as session:
        tx = h.c.tx(session)
        group_id = gb_store.group_of_order(tx, order_id)
        assert group_id is not None
        row = gb_store.get_group(tx, group_id)
        assert row is not None
        return row.share_token
