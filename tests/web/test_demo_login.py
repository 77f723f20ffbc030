"""`pintuan demo` gives the demo brand an owner login; each run prints a fresh password."""

from __future__ import annotations

from pintuan import demo
from tests.web.conftest import Person


def test_demo_owner_signs_in_with_the_printed_password_and_a_rerun_replaces_it(h):
    first = demo.seed(h.c)
    second = demo.seed(h.c)
    assert first.staff_password != second.staff_password
    old = Person(h).post("/console/signin", {"email": first.staff_email,
                                             "password": first.staff_password})
    assert old.status_code == 422
    owner = Person(h)
    r = owner.post("/console/signin", {"email": second.staff_email,
                                       "password": second.staff_password})
    assert r.status_code == 303
    page = owner.get("/console/deals")
    assert "Longjing for three" in page.text
    assert "Demo owner (owner)" in page.text
    assert "Longjing for three" in owner.get("/s/demo-tea").text
