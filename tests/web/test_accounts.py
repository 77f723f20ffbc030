"""Sign-up and sign-in forms, CSRF, language and senior mode, and pay-for-me links."""

from __future__ import annotations

import re

import pytest

from tests import factories as f
from tests.web.conftest import Person, open_group, shopper


def _signin_works(h, m, email):
    r = h.client.post(f"/v1/stores/{m['slug']}/sessions",
                      json={"email": email, "password": "correct horse"})
    return r.status_code == 201


@pytest.mark.parametrize(("fields", "message"), [
    ({"email": "", "name": "Ann", "password": "correct horse"}, "Email is required."),
    ({"email": "a@example.com", "name": "", "password": "correct horse"},
     "Your name is required."),
    ({"email": "a@example.com", "name": "A" * 101, "password": "correct horse"},
     "Your name must be at most 100 characters."),
    ({"email": "a@example.com", "name": "Ann", "password": "short"},
     "Password must be at least 8 characters."),
    ({"email": "not-an-email", "name": "Ann", "password": "correct horse"},
     "email is not valid"),
    ({"email": "a@example.com", "name": "Ann", "password": "correct horse",
      "phone": "12345"}, "this is not a valid phone number"),
])
def test_bad_sign_up_shows_a_clear_message_and_creates_nobody(h, fields, message):
    m = f.merchant(h)
    visitor = Person(h)
    r = visitor.post(f"/s/{m['slug']}/signup", fields)
    assert r.status_code == 422
    assert message in r.text
    assert 'aria-invalid="true"' in r.text
    assert "pt_session" not in visitor.client.cookies
    assert not _signin_works(h, m, fields["email"] or "a@example.com")


def test_a_phone_given_at_sign_up_is_kept_in_e164(h):
    m = f.merchant(h)
    visitor = Person(h)
    r = visitor.post(f"/s/{m['slug']}/signup", {"email": "mei@example.com", "name": "Mei",
                                                "password": "correct horse",
                                                "phone": "138-0013-8000"})
    assert r.status_code == 303
    token = h.client.post(f"/v1/stores/{m['slug']}/sessions", json={
        "email": "mei@example.com", "password": "correct horse"}).json()["token"]
    me = h.client.get("/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["phone"] == "+8613800138000"


def test_taken_email_and_wrong_password_are_refused_with_a_message(h):
    m = f.merchant(h)
    first = Person(h)
    first.post(f"/s/{m['slug']}/signup", {"email": "ann@example.com", "name": "Ann",
                                          "password": "correct horse"})
    again = Person(h).post(f"/s/{m['slug']}/signup", {"email": "ann@example.com",
                                                      "name": "Ann 2", "password": "x" * 9})
    assert again.status_code == 422
    assert "an account with this email exists" in again.text
    wrong = Person(h).post(f"/s/{m['slug']}/signin", {"email": "ann@example.com",
                                                      "password": "wrong password"})
    assert wrong.status_code == 422
    assert "wrong email or password" in wrong.text
    ok = Person(h).post(f"/s/{m['slug']}/signin", {"email": "ann@example.com",
                                                   "password": "correct horse",
                                                   "next": "//evil.example/"})
    assert ok.status_code == 303
    assert ok.headers["location"] == f"/s/{m['slug']}"


def test_a_form_without_the_csrf_token_changes_nothing(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    ann = shopper(h, m)
    r = ann.client.post(f"/s/{m['slug']}/deals/{deal['id']}/open", data={"nonce": "x" * 16},
                        follow_redirects=False)
    assert r.status_code == 403
    assert "This form expired" in r.text
    forged = ann.client.post(f"/s/{m['slug']}/deals/{deal['id']}/open",
                             data={"csrf": "forged-token-value-123456", "nonce": "x" * 16},
                             follow_redirects=False)
    assert forged.status_code == 403
    assert h.client.get("/v1/orders", headers=f.auth(m)).json()["data"] == []


def test_another_shoppers_order_and_another_stores_deal_answer_not_found(h):
    m, other = f.merchant(h), f.merchant(h)
    deal, foreign = f.deal(h, m), f.deal(h, other)
    ann, bob = shopper(h, m), shopper(h, m)
    order_id = open_group(m, ann, deal["id"])
    assert bob.get(f"/s/{m['slug']}/orders/{order_id}").status_code == 404
    r = bob.post(f"/s/{m['slug']}/orders/{order_id}/cancel")
    assert r.status_code == 404
    assert "Waiting for payment" in ann.get(f"/s/{m['slug']}/orders/{order_id}").text
    page = bob.get(f"/s/{m['slug']}/deals/{foreign['id']}")
    assert page.status_code == 404
    assert "no such deal in this store" in page.text
    assert bob.get("/g/no-such-token").status_code == 404
    assert bob.get(f"/s/{m['slug']}/deals/{deal['id']}?partial=abc").status_code == 200
    assert bob.get("/g/x?partial=abc").status_code == 422


def test_language_follows_the_browser_until_chosen_and_senior_mode_is_remembered(h):
    m = f.merchant(h)
    visitor = Person(h)
    zh = visitor.get(f"/s/{m['slug']}", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert '<html lang="zh-Hans">' in zh.text
    assert "拼团好物" in zh.text
    r = visitor.post("/prefs", {"lang": "en", "senior": "1", "next": f"/s/{m['slug']}"})
    assert r.status_code == 303
    assert r.headers["location"] == f"/s/{m['slug']}"
    page = visitor.get(f"/s/{m['slug']}", headers={"Accept-Language": "zh-CN"})
    assert '<html lang="en">' in page.text
    assert "Group deals" in page.text
    assert '<body class="senior">' in page.text
    bad = visitor.post("/prefs", {"lang": "klingon", "senior": "maybe", "next": "https://x.io"})
    assert bad.headers["location"] == "/"
    assert '<body class="senior">' in visitor.get(f"/s/{m['slug']}").text


def _payfor_link(m, ann, order_id):
    r = ann.post(f"/s/{m['slug']}/orders/{order_id}/payfor")
    assert r.status_code == 303
    page = ann.get(f"/s/{m['slug']}/orders/{order_id}")
    found = re.search(r'value="http://testserver(/pay/[^"]+)"', page.text)
    assert found
    return found.group(1)


def test_someone_without_an_account_pays_through_a_pay_for_me_link(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    ann = shopper(h, m, name="Ann")
    order_id = open_group(m, ann, deal["id"])
    link = _payfor_link(m, ann, order_id)
    assert _payfor_link(m, ann, order_id) == link
    mum = Person(h)
    page = mum.get(link)
    assert page.status_code == 200
    assert "A** asked you to pay" in page.text
    r = mum.post(link)
    assert r.status_code == 303
    assert "/sandbox/checkout/" in r.headers["location"]
    r = mum.post(r.headers["location"].removeprefix("http://testserver") + "/approve")
    assert r.headers["location"] == "http://testserver" + link
    h.drain()
    assert "this order is paid" in mum.get(link).text
    assert "Paid, waiting for the group" in ann.get(f"/s/{m['slug']}/orders/{order_id}").text


def test_a_pay_for_me_link_expires_with_the_order_hold(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    ann = shopper(h, m)
    order_id = open_group(m, ann, deal["id"])
    link = _payfor_link(m, ann, order_id)
    h.advance(minutes=16)
    mum = Person(h)
    assert "expired" in mum.get(link).text
    r = mum.post(link)
    assert r.status_code == 409
    assert "expired" in r.text
    assert mum.get("/pay/pf_not-a-real-token").status_code == 404
    late = ann.post(f"/s/{m['slug']}/orders/{order_id}/payfor")
    assert late.status_code == 409
