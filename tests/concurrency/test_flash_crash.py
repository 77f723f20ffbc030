"""kill -9 of both server processes in the middle of a flash sale, then a restart.

Every order acknowledged with 201 before the kill exists exactly once; retrying every
request with its Idempotency-Key after the restart creates no second order for anyone; the
quota, the limits and the stock ledger balance.
"""

from __future__ import annotations

import threading
import time

from tests.concurrency.flash_sale import Answer, crowd, fire, ledgers, query, setup_sale

__all__ = ["crowd"]


def _sale_killed_midway(servers, item_id, jobs) -> list[Answer]:
    seen: list[Answer] = []
    runner = threading.Thread(target=fire, args=(servers.url, item_id, jobs),
                              kwargs={"sink": seen, "threads": 48})
    runner.start()
    end = time.monotonic() + 60
    while sum(1 for a in seen if a[1] == 201) < 300 and time.monotonic() < end:
        time.sleep(0.01)
    servers.kill9()
    runner.join()
    return seen


def test_acknowledged_orders_survive_kill_9_and_none_is_made_twice(crowd):
    b, servers = crowd
    sku, _, item_id = setup_sale(servers.url, b, stock=5000, quota=5000)
    jobs = [(t, f"buy-{n}") for n, t in enumerate(b.tokens)]
    seen = _sale_killed_midway(servers, item_id, jobs)
    acked = {body["id"]: tok for tok, status, body in seen if status == 201}
    assert len(acked) >= 300
    assert any(status == 0 for _, status, _ in seen), "the kill came after the sale"

    servers.start()
    stored = {r[0]: r[1] for r in query(b.db_url, "SELECT o.id, count(*) FROM orders o "
                                        "WHERE o.ref = :i GROUP BY o.id", i=item_id)}
    assert all(stored.get(order_id) == 1 for order_id in acked)
    after_crash = ledgers(b.db_url, item_id, sku)
    assert after_crash["taken"] == sum(after_crash["orders"].values()) == after_crash["usage"]
    assert after_crash["shoppers_over_limit"] == after_crash["detail_faults"] == 0

    retried = fire(servers.url, item_id, jobs)
    assert {status for _, status, _ in retried} == {201}
    by_token = {tok: body["id"] for tok, _, body in retried}
    assert all(by_token[tok] == order_id for order_id, tok in acked.items())
    final = ledgers(b.db_url, item_id, sku)
    assert final["orders"] == {"pending_payment": len(b.tokens)}
    assert (final["taken"], final["usage"]) == (len(b.tokens), len(b.tokens))
    assert (final["reserved"], final["available"]) == (5000, 0)
    assert final["shoppers_over_limit"] == final["detail_faults"] == 0
