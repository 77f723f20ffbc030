"""Phone numbers on shopper accounts and creator profiles over HTTP, on SQLite and PostgreSQL:
stored in E.164, read in the store's phone region, refused with bad_phone and nothing kept."""

from __future__ import annotations

from pintuan.merchants import service as merchants
from tests import factories as f


def _sign_up(h, m, **body):
    return h.client.post(f"/v1/stores/{m['slug']}/shoppers", json={
        "email": "lin@example.com", "name": "Lin", "password": "correct horse"} | body)


def _me(h, s):
    r = h.client.get("/v1/me", headers=f.auth(s))
    assert r.status_code == 200, r.text
    return r.json()


def test_a_phone_given_at_sign_up_is_stored_in_e164(h):
    m = f.merchant(h)
    assert h.client.get("/v1/merchant", headers=f.auth(m)).json()["phone_region"] == "CN"
    s = f.shopper(h, m, phone="138 0013 8000")
    me = _me(h, s)
    assert (me["phone"], me["shopper_id"], me["merchant_id"]) == (
        "+8613800138000", s["id"], m["id"])
    assert _me(h, f.shopper(h, m))["phone"] is None


def test_a_bad_phone_at_sign_up_is_422_and_no_account_is_made(h):
    m = f.merchant(h)
    for bad in ("12345", "call me", "+86 138 0013 8000 ext 2"):
        r = _sign_up(h, m, phone=bad)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == "bad_phone"
    r = h.client.post(f"/v1/stores/{m['slug']}/sessions",
                      json={"email": "lin@example.com", "password": "correct horse"})
    assert r.status_code == 401
    assert _sign_up(h, m, phone="+86 138 0013 8000").status_code == 201


def test_one_account_per_phone_in_a_store(h):
    m = f.merchant(h)
    f.shopper(h, m, phone="+86 138 0013 8000")
    r = _sign_up(h, m, phone="0086-138-0013-8000")
    assert (r.status_code, r.json()["code"]) == (409, "phone_taken")
    other = f.shopper(h, m)
    r = h.client.patch("/v1/me", headers=f.auth(other), json={"phone": "13800138000"})
    assert (r.status_code, r.json()["code"]) == (409, "phone_taken")
    assert _me(h, other)["phone"] is None
    f.shopper(h, f.merchant(h), phone="13800138000")


def test_the_profile_sets_changes_and_removes_the_phone(h):
    m = f.merchant(h)
    s = f.shopper(h, m)
    r = h.client.patch("/v1/me", headers=f.auth(s), json={"phone": "+1 650 253 0000"})
    assert (r.status_code, r.json()["phone"]) == (200, "+16502530000")
    r = h.client.patch("/v1/me", headers=f.auth(s), json={"phone": "not a phone"})
    assert (r.status_code, r.json()["code"]) == (422, "bad_phone")
    r = h.client.patch("/v1/me", headers=f.auth(s), json={"name": "Lin Mei"})
    assert (r.json()["name"], r.json()["phone"]) == ("Lin Mei", "+16502530000")
    r = h.client.patch("/v1/me", headers=f.auth(s), json={"phone": " "})
    assert r.json()["phone"] is None
    h.client.patch("/v1/me", headers=f.auth(s), json={"phone": "13800138000"})
    assert h.client.patch("/v1/me", headers=f.auth(s), json={"phone": None}).json()["phone"] is None


def test_a_store_without_a_phone_region_needs_the_country_code(h):
    with h.c.db.write() as session:
        tx = h.c.tx(session)
        row = merchants.create_merchant(tx, name="Intl", slug="intl-tea", phone_region=None)
        key = merchants.issue_key(tx, merchant_id=row.id, label="t").secret
    m = {"id": row.id, "slug": row.slug, "auth": f"Bearer {key}"}
    r = _sign_up(h, m, phone="138 0013 8000")
    assert (r.status_code, r.json()["code"]) == (422, "bad_phone")
    assert _me(h, f.shopper(h, m, phone="0086 138 0013 8000"))["phone"] == "+8613800138000"
    r = h.client.post("/v1/creators", headers=f.auth(m), json={"name": "A", "phone": "020 1234"})
    assert (r.status_code, r.json()["code"]) == (422, "bad_phone")


def test_creator_phones_are_e164_and_a_bad_one_stores_no_creator(h):
    m = f.merchant(h)
    r = h.client.post("/v1/creators", headers=f.auth(m), json={"name": "A", "phone": "garbage"})
    assert (r.status_code, r.json()["code"]) == (422, "bad_phone")
    assert h.client.get("/v1/creators", headers=f.auth(m)).json()["data"] == []
    r = h.client.post("/v1/creators", headers=f.auth(m), json={"name": "A",
                                                                "phone": "138-0013-8000"})
    assert (r.status_code, r.json()["phone"]) == (201, "+8613800138000")
    s = f.shopper(h, m, phone="139 0013 9000")
    r = h.client.post("/v1/creators", headers=f.auth(m), json={"name": "B",
                                                                "shopper_id": s["id"]})
    assert r.json()["phone"] == "+8613900139000"
