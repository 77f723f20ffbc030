"""2,000 shoppers race for 100 units on two real server processes (PostgreSQL and SQLite).

Exactly 100 orders are acknowledged, nobody holds more than their limit, and after some
orders are paid, some cancelled and the rest left to expire, the returned units are sold
again and the quota and stock ledgers balance.
"""

from __future__ import annotations

import time

import httpx

from tests.concurrency.flash_sale import crowd, fire, ledgers, setup_sale

__all__ = ["crowd"]


def _wait(predicate, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError("condition not reached in time")


def _pay(url: str, token: str, order_id: str) -> None:
    me = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, timeout=30) as c:
        p = c.post(f"/v1/me/orders/{order_id}/payments", headers=me, json={}).json()
        c.post(f"/sandbox/checkout/{p['checkout_url'].rsplit('/', 1)[1]}/approve")


def test_two_thousand_shoppers_race_for_one_hundred_units(crowd):
    b, servers = crowd
    sku, _, item_id = setup_sale(servers.url, b, stock=1000, quota=100)
    racers = b.tokens[:2000]
    jobs = [(t, f"race-{n}") for n, t in enumerate(racers)]
    jobs += [(t, f"again-{n}-{k}") for n, t in enumerate(racers[:300]) for k in range(2)]
    answers = fire(servers.url, item_id, jobs)
    won = [(tok, body) for tok, status, body in answers if status == 201]
    codes = {body["code"] for _, status, body in answers if status != 201}
    assert len(won) == 100
    assert len({tok for tok, _ in won}) == 100
    assert codes <= {"sold_out", "shopper_limit_exceeded"}
    first = ledgers(b.db_url, item_id, sku)
    assert (first["taken"], first["reserved"], first["available"]) == (100, 100, 900)
    assert first["orders"] == {"pending_payment": 100}
    assert first["shoppers_over_limit"] == first["detail_faults"] == 0

    for tok, body in won[:40]:
        _pay(servers.url, tok, body["id"])
    with httpx.Client(base_url=servers.url, timeout=30) as c:
        for tok, body in won[40:70]:
            r = c.post(f"/v1/me/orders/{body['id']}/cancel",
                       headers={"Authorization": f"Bearer {tok}"})
            assert r.status_code == 200, r.text
    # the last 30 are left unpaid: their one-minute hold expires on a timer
    _wait(lambda: ledgers(b.db_url, item_id, sku)["taken"] == 40, timeout=150)
    _wait(lambda: ledgers(b.db_url, item_id, sku)["orders"].get("confirmed") == 40, timeout=30)

    late = b.tokens[2000:2100]
    again = fire(servers.url, item_id, [(t, f"late-{n}-{k}") for n, t in enumerate(late)
                                        for k in range(2)])
    assert sum(1 for _, status, _ in again if status == 201) == 60
    final = ledgers(b.db_url, item_id, sku)
    assert final["orders"] == {"confirmed": 40, "cancelled": 60, "pending_payment": 60}
    assert (final["quota"], final["taken"], final["usage"]) == (100, 100, 100)
    assert (final["available"], final["reserved"], final["sold"]) == (900, 60, 40)
    assert final["received"] == final["available"] + final["reserved"] + final["sold"]
    assert final["shoppers_over_limit"] == final["detail_faults"] == 0
