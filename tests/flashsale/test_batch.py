"""One batch of many buys, decided in one transaction (the HTTP tests send one at a time).

The quota running out within a batch, limits refusing some of its shoppers, keyed answers
stored with their keys, and, on PostgreSQL, a statement count that does not grow with the
batch.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, text

from pintuan.core.outbox import EventRow
from pintuan.core.signing import digest
from pintuan.creators import store as creator_store
from pintuan.flashsale import hot_store, lifecycle
from pintuan.flashsale.engine import BatchResult, BuyRequest, run_batch
from pintuan.orders.service import ORDER_FIELDS
from pintuan.shoppers import store as shopper_store
from pintuan.webhooks import store as webhook_store
from tests import factories as f
from tests.flashsale.helpers import event as flash_event


def _tokens(h: Any, m: dict[str, str], n: int) -> list[str]:
    return [f.shopper(h, m)["auth"].removeprefix("Bearer ") for _ in range(n)]


def _facts(h: Any, item_id: str) -> hot_store.ItemFacts:
    with h.c.db.read() as session:
        facts = hot_store.item_facts(h.c.tx(session), item_id)
    assert facts is not None
    return facts


def _batch(h: Any, item_id: str, reqs: list[BuyRequest],
           facts: hot_store.ItemFacts | None = None) -> BatchResult:
    facts = facts or _facts(h, item_id)
    with h.c.db.write() as session:
        return run_batch(h.c.tx(session), facts, reqs)


def _usage(h: Any, scope: str) -> dict[str, int]:
    with h.c.db.read() as session:
        rows = session.execute(text(
            "SELECT shopper_id, units FROM flash_usage WHERE scope = :s"), {"s": scope})
        return {r[0]: r[1] for r in rows}


def test_the_quota_runs_out_within_a_batch_in_arrival_order(h):
    m = f.merchant(h)
    ev = flash_event(h, m, quota=5, per_order_limit=2, per_slot_limit=2, per_event_limit=2)
    item_id = ev["items"][0]["id"]
    tokens = _tokens(h, m, 4)
    reqs = [BuyRequest(digest(t), 2, f"k{n}", "fp") for n, t in enumerate(tokens[:3])]
    reqs.append(BuyRequest(digest(tokens[3]), 1))
    result = _batch(h, item_id, reqs)
    # 2 + 2 fit; the third (2) does not, and the fourth may not jump the queue
    assert [result.outcomes[i][0] for i in range(4)] == [201, 201, 409, 409]
    assert result.outcomes[2][1]["code"] == "sold_out"
    assert result.left == 1
    with h.c.db.read() as session:
        tx = h.c.tx(session)
        assert hot_store.remaining(tx, item_id) == 1
        stored = hot_store.answers(tx, [(f"{result.outcomes[0][1]['shopper_id']}:flashbuy",
                                         "k0")])
    assert [(st, body["id"]) for _, st, body in stored.values()] == [
        (201, result.outcomes[0][1]["id"])]
    # the losers' units are given back to their limits (one slot: counted in the event's)
    assert _usage(h, ev["slots"][0]["id"]) == {}
    assert sorted(_usage(h, ev["id"]).values()) == [0, 0, 2, 2]


def _rows(h: Any, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with h.c.db.read() as session:
        return [tuple(r) for r in session.execute(text(sql), params)]


def test_a_batch_writes_each_order_with_its_line_entry_and_event(h):
    m = f.merchant(h)
    sku = f.sku(h, m, price=10000, stock=10)
    ev = flash_event(h, m, sku_id=sku, quota=5, sale=4000, per_order_limit=2,
                     per_slot_limit=2, per_event_limit=2)
    item_id = ev["items"][0]["id"]
    facts = _facts(h, item_id)
    tokens = _tokens(h, m, 3)
    result = _batch(h, item_id, [BuyRequest(digest(t), q) for t, q in zip(tokens, (2, 1, 2),
                                                                          strict=True)], facts)
    made = [result.outcomes[i][1] for i in range(3)]
    ids = [o["id"] for o in made]
    orders = _rows(h, "SELECT id, merchant_id, shopper_id, kind, ref, status, currency, "
                      "total_minor, captured_minor, refunded_minor FROM orders "
                      "WHERE ref = :i ORDER BY id", i=item_id)
    assert orders == sorted((o["id"], m["id"], o["shopper_id"], "flashsale", item_id,
                             "pending_payment", "CNY", 4000 * o["quantity"], 0, 0)
                            for o in made)
    lines = _rows(h, "SELECT order_id, merchant_id, sku_id, stock_level_id, quantity, "
                     "list_price_minor, unit_price_minor, total_minor, id FROM order_lines "
                     "WHERE order_id IN (:a, :b, :c) ORDER BY order_id", a=ids[0], b=ids[1],
                  c=ids[2])
    assert [r[:8] for r in lines] == sorted(
        (o["id"], m["id"], sku, facts.item.stock_level_id, o["quantity"], 10000, 4000,
         4000 * o["quantity"]) for o in made)
    assert [r[8][3:] for r in lines] == [r[0][3:] for r in lines]  # the order's id body
    entries = _rows(h, "SELECT order_id, item_id, event_id, slot_id, shopper_id, quantity "
                       "FROM flash_orders WHERE item_id = :i ORDER BY order_id", i=item_id)
    assert entries == sorted((o["id"], item_id, ev["id"], ev["slots"][0]["id"],
                              o["shopper_id"], o["quantity"]) for o in made)
    with h.c.db.read() as session:
        events = session.scalars(select(EventRow).where(EventRow.merchant_id == m["id"],
                                                        EventRow.type == "order.created"))
        created = {e.data["order"]["id"]: (e.data["order"], e.dispatched) for e in events
                   if e.data["order"]["kind"] == "flashsale"}
    assert created == {o["id"]: ({k: o[k] for k in ORDER_FIELDS}, True) for o in made}


def _two_slots(h: Any) -> list[dict[str, str]]:
    start = h.clock.now()
    return [{"starts_at": (start + timedelta(hours=i)).isoformat(),
             "ends_at": (start + timedelta(hours=i, minutes=30)).isoformat()} for i in (0, 1)]


def test_a_batch_admits_only_shoppers_within_both_limits(h):
    m = f.merchant(h)
    ev = flash_event(h, m, quota=50, slots=_two_slots(h), per_order_limit=2,
                     per_slot_limit=2, per_event_limit=3)
    item_id = ev["items"][0]["id"]
    first, second, third = (digest(t) for t in _tokens(h, m, 3))
    assert _batch(h, item_id, [BuyRequest(first, 2)]).outcomes[0][0] == 201
    result = _batch(h, item_id, [BuyRequest(first, 1), BuyRequest(second, 2),
                                 BuyRequest(third, 1), BuyRequest(third, 1)])
    # the first is over the slot's limit though within the event's, which gives it back
    assert result.outcomes[0][1]["code"] == "shopper_limit_exceeded"
    assert (result.outcomes[1][0], result.outcomes[2][0]) == (201, 201)
    assert result.deferred == [3]  # the same shopper's second buy waits for the next batch
    expected = [1, 2, 2]
    assert sorted(_usage(h, ev["slots"][0]["id"]).values()) == expected
    assert sorted(_usage(h, ev["id"]).values()) == expected


@pytest.mark.parametrize(("slots", "per_slot", "per_event"), [(1, 2, 3), (2, 2, 2)])
def test_when_the_slot_limit_cannot_refuse_a_buyer_has_one_usage_row(h, slots, per_slot,
                                                                    per_event):
    m = f.merchant(h)
    schedule = _two_slots(h)[:slots]
    ev = flash_event(h, m, quota=50, slots=schedule, per_order_limit=2,
                     per_slot_limit=per_slot, per_event_limit=per_event)
    item_id = ev["items"][0]["id"]
    first, second = (digest(t) for t in _tokens(h, m, 2))
    result = _batch(h, item_id, [BuyRequest(first, 2), BuyRequest(second, 1)])
    assert [result.outcomes[i][0] for i in range(2)] == [201, 201]
    result = _batch(h, item_id, [BuyRequest(first, 1), BuyRequest(second, 1)])
    # the slot's limit (2) still binds: the first is refused, the second reaches it
    assert result.outcomes[0][1]["code"] == "shopper_limit_exceeded"
    assert result.outcomes[1][0] == 201
    assert _usage(h, ev["slots"][0]["id"]) == {}
    assert sorted(_usage(h, ev["id"]).values()) == [2, 2]


@pytest.mark.parametrize("backend", ["postgres"])
def test_a_batch_costs_the_same_statements_whatever_its_size(h, monkeypatch):
    m = f.merchant(h)
    ev = flash_event(h, m, quota=50)
    item_id = ev["items"][0]["id"]
    tokens = _tokens(h, m, 41)
    facts = _facts(h, item_id)
    ran: list[str] = []

    def counted(session: Any, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        ran.append(sql)
        return real(session, sql, params)

    real = hot_store.driver_rows
    monkeypatch.setattr(hot_store, "driver_rows", counted)
    monkeypatch.setattr(shopper_store, "driver_rows", counted)
    monkeypatch.setattr(creator_store, "driver_rows", counted)
    monkeypatch.setattr(webhook_store, "driver_rows", counted)

    def executed(*args: Any) -> None:
        ran.append(args[2])

    engine = h.c.db.engine
    event.listen(engine, "before_cursor_execute", executed)
    try:
        counts = []
        for batch in (tokens[:1], tokens[1:41]):
            ran.clear()
            result = _batch(h, item_id, [BuyRequest(digest(t), 1, f"k-{t}", "fp")
                                         for t in batch], facts)
            assert {status for status, _ in result.outcomes.values()} == {201}
            statements = [s for s in ran if "SAVEPOINT" not in s]
            counts.append(len(statements))
            # the attribution's and the subscriptions' looks come before the hot row is
            # locked; nothing after it
            hot = next(n for n, s in enumerate(statements) if "UPDATE flash_items" in s)
            assert any("referral_bindings" in s for s in statements[:hot])
            assert any("webhook_endpoints" in s for s in statements[:hot])
            assert hot == len(statements) - 1
    finally:
        event.remove(engine, "before_cursor_execute", executed)
    # sessions, idempotency keys, limits, the creator attribution's one look for shoppers a
    # creator may have brought, the webhook subscriptions, the hot row's UPDATE with every
    # INSERT
    assert counts == [6, 6]


def _count(h: Any, sql: str, **params: Any) -> int:
    with h.c.db.read() as session:
        return int(session.execute(text(sql), params).scalar_one())


def test_a_batch_has_one_hold_and_its_unpaid_orders_expire_together(h):
    m = f.merchant(h)
    ev = flash_event(h, m, quota=10)
    item_id = ev["items"][0]["id"]
    shoppers = [f.shopper(h, m) for _ in range(4)]
    reqs = [BuyRequest(digest(s["auth"].removeprefix("Bearer ")), 1) for s in shoppers]
    made = [body for _, body in _batch(h, item_id, reqs).outcomes.values()]
    assert _count(h, "SELECT count(*) FROM timers WHERE kind = 'flash_sale.hold'") == 1
    assert _count(h, "SELECT count(*) FROM timers WHERE kind = 'order.hold'") == 0
    f.pay(h, shoppers[0], made[0]["id"])
    r = h.client.post(f"/v1/me/orders/{made[1]['id']}/cancel", headers=f.auth(shoppers[1]))
    assert r.status_code == 200, r.text
    h.advance(minutes=h.c.settings.hold_minutes + 1)
    statuses = [h.client.get(f"/v1/me/orders/{o['id']}", headers=f.auth(s)).json()
                for o, s in zip(made, shoppers, strict=True)]
    assert [(o["status"], o.get("cancel_reason")) for o in statuses][1:] == [
        ("cancelled", "cancelled_by_shopper"), ("cancelled", "hold_expired"),
        ("cancelled", "hold_expired")]
    assert statuses[0]["status"] != "cancelled"
    assert _count(h, "SELECT taken FROM flash_items WHERE id = :i", i=item_id) == 1
    assert sorted(_usage(h, ev["id"]).values()) == [0, 0, 0, 1]
    returned = "SELECT count(*) FROM events WHERE type = 'flash_sale.unit_returned'"
    assert _count(h, returned) == 3
    assert _count(h, "SELECT count(*) FROM timers WHERE kind = 'flash_sale.hold'") == 0
    # a second run (a retried timer) changes nothing
    with h.c.db.write() as session:
        lifecycle.expire_batch(h.c.tx(session), _batch_event_id(h))
    assert _count(h, "SELECT taken FROM flash_items WHERE id = :i", i=item_id) == 1
    assert _count(h, returned) == 3


def _batch_event_id(h: Any) -> str:
    with h.c.db.read() as session:
        return str(session.execute(text(
            "SELECT id FROM events WHERE type = 'flash_sale.orders_created'")).scalar_one())


def test_a_batch_expiring_after_its_sale_ended_returns_each_order_to_stock(h):
    m = f.merchant(h)
    sku = f.sku(h, m, price=10000, stock=10)
    ev = flash_event(h, m, sku_id=sku, quota=4, length=timedelta(minutes=5))
    item_id = ev["items"][0]["id"]
    reqs = [BuyRequest(digest(t), 1) for t in _tokens(h, m, 2)]
    made = [body["id"] for _, body in _batch(h, item_id, reqs).outcomes.values()]
    h.advance(minutes=6)  # the sale ends: its 2 unsold units go back to stock
    level = h.client.get(f"/v1/skus/{sku}/stock", headers=f.auth(m)).json()
    assert (level["levels"][0]["available"], level["levels"][0]["reserved"]) == (8, 2)
    h.advance(minutes=h.c.settings.hold_minutes)
    stock = h.client.get(f"/v1/skus/{sku}/stock?limit=50", headers=f.auth(m)).json()
    assert (stock["levels"][0]["available"], stock["levels"][0]["reserved"]) == (10, 0)
    released = sorted(mv["ref"] for mv in stock["movements"] if mv["kind"] == "release"
                      and mv["ref"] in made)
    assert released == sorted(made)  # one ledger movement per order, under its id
    assert _count(h, "SELECT quota FROM flash_items WHERE id = :i", i=item_id) == 0
