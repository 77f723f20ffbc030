"""Real server, real PostgreSQL: many sign-ups race for one phone number, each written its own
way, and many accounts set it on their profile at once. Exactly one account gets it; every
other is told phone_taken (409), never a 500."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg

from tests.concurrency.conftest import merchant, shopper

SPELLINGS = ["13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000",
             "0086 138 0013 8000", "86 138 0013 8000", "+86-138-0013-8000", "(+86) 13800138000"]


def test_one_phone_one_account_under_concurrent_sign_ups(server):
    slug, _ = merchant(server)

    def sign_up(n: int) -> tuple[int, str]:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            r = c.post(f"/v1/stores/{slug}/shoppers", json={
                "email": f"twin{n}@example.com", "name": f"Twin{n}",
                "password": "correct horse", "phone": SPELLINGS[n % len(SPELLINGS)]})
            return r.status_code, r.json().get("code", "")

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(sign_up, range(16)))
    assert sorted(results)[0] == (201, "")
    assert sorted(results)[1:] == [(409, "phone_taken")] * 15
    with httpx.Client(base_url=server.url, timeout=60) as c:
        people = [shopper(c, slug, 100 + n) for n in range(8)]

    def take(who: dict[str, str]) -> tuple[int, str]:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            r = c.patch("/v1/me", headers=who, json={"phone": "+86 139 0013 9000"})
            return r.status_code, r.json().get("code", r.json().get("phone"))

    with ThreadPoolExecutor(max_workers=8) as pool:
        taken = sorted(pool.map(take, people))
    assert taken == [(200, "+8613900139000")] + [(409, "phone_taken")] * 7
    with psycopg.connect(server.database_url, autocommit=True) as conn:
        rows = conn.execute("SELECT phone FROM shoppers WHERE phone IS NOT NULL "
                            "ORDER BY phone").fetchall()
    assert rows == [("+8613800138000",), ("+8613900139000",)]
