"""The statements of the batched buy: a handful per batch, whatever the batch's size.

Each runs inside the batch's one transaction. Multi-row statements keep round trips
constant: one guarded UPDATE of the item row, one upsert per limit scope, bulk INSERTs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import and_, case, insert, select, text, tuple_, update

from pintuan.core.db import table
from pintuan.core.idempotency import IdempotencyRow
from pintuan.core.outbox import EventRow
from pintuan.core.timers import TimerRow
from pintuan.core.tx import Tx
from pintuan.flashsale.store import (
    FlashEventRow,
    FlashItemRow,
    FlashOrderRow,
    FlashRejectionRow,
    FlashSlotRow,
)
from pintuan.orders.store import OrderLineRow, OrderRow

Key = tuple[str, str]


def _dialect_insert(tx: Tx) -> Any:
    if tx.dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert
        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert
    return sqlite_insert


@dataclass(frozen=True)
class ItemFacts:
    """What the buy path needs to know about an item, read once and cached."""

    item: FlashItemRow
    event: FlashEventRow
    slots: list[FlashSlotRow]


def item_facts(tx: Tx, item_id: str) -> ItemFacts | None:
    item = tx.session.get(FlashItemRow, item_id)
    if item is None:
        return None
    event = tx.session.get(FlashEventRow, item.event_id)
    assert event is not None
    slots = tx.session.scalars(select(FlashSlotRow).where(FlashSlotRow.event_id == event.id)
                               .order_by(FlashSlotRow.starts_at))
    return ItemFacts(item, event, list(slots))


def remaining(tx: Tx, item_id: str) -> int:
    row = tx.session.execute(select(FlashItemRow.quota - FlashItemRow.taken, FlashItemRow.ended)
                             .where(FlashItemRow.id == item_id)).one()
    return 0 if row[1] else int(row[0])


def take_units(tx: Tx, item_id: str, wanted: int) -> tuple[int, int]:
    """Take up to ``wanted`` units in one guarded UPDATE: (granted, left after)."""
    t = table(FlashItemRow).c
    grant = case((t.quota - t.taken < wanted, t.quota - t.taken), else_=wanted)
    stmt = (update(table(FlashItemRow))
            .where(t.id == item_id, t.ended.is_(False), t.taken < t.quota)
            .values(last_grant=grant, taken=t.taken + grant)
            .returning(t.last_grant, t.quota - t.taken))
    row = tx.session.execute(stmt).first()
    return (0, 0) if row is None else (int(row[0]), int(row[1]))


def give_units(tx: Tx, item_id: str, units: int) -> None:
    t = table(FlashItemRow).c
    tx.session.execute(update(table(FlashItemRow)).where(t.id == item_id)
                       .values(taken=t.taken - units))


_USAGE_PG = text("""
INSERT INTO flash_usage (scope, shopper_id, units)
SELECT :scope, s, q FROM json_to_recordset(CAST(:rows AS json)) AS u(s text, q int)
ON CONFLICT (scope, shopper_id) DO UPDATE SET units = flash_usage.units + excluded.units
WHERE flash_usage.units + excluded.units <= :limit
RETURNING shopper_id""")
_USAGE_SQLITE = text("""
INSERT INTO flash_usage (scope, shopper_id, units)
SELECT :scope, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(:rows)
WHERE true
ON CONFLICT (scope, shopper_id) DO UPDATE SET units = flash_usage.units + excluded.units
WHERE flash_usage.units + excluded.units <= :limit
RETURNING shopper_id""")


def add_usage(tx: Tx, scope: str, wanted: Sequence[tuple[str, int]], limit: int) -> set[str]:
    """Count units against each shopper's limit in ``scope``, one statement for all (shoppers
    are unique and sorted, so concurrent batches lock usage rows in one order); the shoppers
    it admitted."""
    if not wanted:
        return set()
    rows = sorted(wanted)
    if tx.dialect == "postgresql":
        stmt, doc = _USAGE_PG, orjson.dumps([{"s": s, "q": q} for s, q in rows])
    else:
        stmt, doc = _USAGE_SQLITE, orjson.dumps(rows)
    result = tx.session.execute(stmt, {"rows": doc.decode(), "scope": scope, "limit": limit})
    return {r[0] for r in result}


_UNDO_PG = text("""
UPDATE flash_usage SET units = flash_usage.units - u.q
FROM json_to_recordset(CAST(:rows AS json)) AS u(s text, q int)
WHERE flash_usage.scope = :scope AND flash_usage.shopper_id = u.s""")
_UNDO_SQLITE = text("""
UPDATE flash_usage SET units = flash_usage.units - u.q
FROM (SELECT json_extract(value, '$[0]') AS s, json_extract(value, '$[1]') AS q
      FROM json_each(:rows)) AS u
WHERE flash_usage.scope = :scope AND flash_usage.shopper_id = u.s""")


def undo_usage(tx: Tx, scope: str, given: Sequence[tuple[str, int]]) -> None:
    """Give units back to the shoppers' limits in ``scope``, one statement for all."""
    if not given:
        return
    rows = sorted(given)
    if tx.dialect == "postgresql":
        stmt, doc = _UNDO_PG, orjson.dumps([{"s": s, "q": q} for s, q in rows])
    else:
        stmt, doc = _UNDO_SQLITE, orjson.dumps(rows)
    tx.session.execute(stmt, {"rows": doc.decode(), "scope": scope})


def claim_keys(tx: Tx, rows: Sequence[tuple[str, str, str]], now: datetime) -> set[Key]:
    """Insert (scope, key, fingerprint) idempotency rows; the keys this batch now owns."""
    if not rows:
        return set()
    t = table(IdempotencyRow)
    stmt = _dialect_insert(tx)(t).values(
        [{"scope": s, "key": k, "fingerprint": f, "created_at": now} for s, k, f in rows])
    stmt = stmt.on_conflict_do_nothing().returning(t.c.scope, t.c.key)
    return {(r[0], r[1]) for r in tx.session.execute(stmt)}


def answers(tx: Tx, keys: Sequence[Key]) -> dict[Key, tuple[str, int | None, Any]]:
    """Stored (fingerprint, status, body) for idempotency keys."""
    if not keys:
        return {}
    t = IdempotencyRow
    stmt = select(t.scope, t.key, t.fingerprint, t.status_code, t.response).where(
        tuple_(t.scope, t.key).in_(list(keys)))
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in tx.session.execute(stmt)}


def store_answers(tx: Tx, rows: Sequence[tuple[Key, int, Any]]) -> None:
    t = table(IdempotencyRow).c
    for (scope, key), status, body in rows:
        tx.session.execute(update(table(IdempotencyRow))
                           .where(and_(t.scope == scope, t.key == key))
                           .values(status_code=status, response=body))


@dataclass
class NewOrders:
    orders: list[dict[str, Any]]
    lines: list[dict[str, Any]]
    entries: list[dict[str, Any]]
    timers: list[dict[str, Any]]
    events: list[dict[str, Any]]


def insert_orders(tx: Tx, new: NewOrders) -> None:
    """All rows of all five tables at once.

    PostgreSQL: ONE statement, whose data-modifying CTEs each turn a JSON document into rows
    of their table's own type (``json_populate_recordset``): one round trip, no per-row SQL,
    no per-value escaping in Python; foreign keys are checked at the statement's end, when
    every row is in. SQLite (in-process, no round trips): an executemany per table.
    """
    parts = [(table(model), rows) for model, rows in (
        (OrderRow, new.orders), (OrderLineRow, new.lines), (FlashOrderRow, new.entries),
        (TimerRow, new.timers), (EventRow, new.events)) if rows]
    if not parts:
        return
    if tx.dialect != "postgresql":
        for tbl, rows in parts:
            tx.session.execute(insert(tbl), rows)
        return
    ctes = ", ".join(f"i{n} AS (INSERT INTO {tbl.name} SELECT * FROM "
                     f"json_populate_recordset(NULL::{tbl.name}, :r{n}))"
                     for n, (tbl, _) in enumerate(parts))
    tx.session.execute(text(f"WITH {ctes} SELECT 1"),
                       {f"r{n}": orjson.dumps(rows).decode()
                        for n, (_, rows) in enumerate(parts)})


def count_rejections(tx: Tx, counts: dict[tuple[str, str], int]) -> None:
    """Add to the (item, reason) refusal counters."""
    if not counts:
        return
    t = table(FlashRejectionRow)
    stmt = _dialect_insert(tx)(t)
    stmt = stmt.on_conflict_do_update(index_elements=[t.c.item_id, t.c.reason],
                                      set_={"count": t.c.count + stmt.excluded.count})
    tx.session.execute(stmt, [{"item_id": i, "reason": r, "count": n}
                              for (i, r), n in sorted(counts.items())])
