"""The statements of the batched buy: a handful per batch, whatever the batch's size.

Each runs inside the batch's one transaction. Multi-row statements keep round trips
constant: one guarded UPDATE of the item row, one upsert per limit scope, bulk INSERTs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Integer,
    String,
    Table,
    and_,
    case,
    insert,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.types import NullType, TypeEngine

from pintuan.core.db import driver_rows, table, text_array
from pintuan.core.idempotency import IdempotencyRow
from pintuan.core.tx import Tx
from pintuan.flashsale.store import (
    FlashEventRow,
    FlashItemRow,
    FlashRejectionRow,
    FlashSlotRow,
)

Key = tuple[str, str]


def _dialect_insert(tx: Tx) -> Any:
    if tx.dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert
        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert
    return sqlite_insert


@dataclass(frozen=True)
class ItemFacts:
    """What the buy path needs to know about an item, read once and cached (with plain
    copies of what every request reads: an ORM attribute costs a lookup each time)."""

    item: FlashItemRow
    event: FlashEventRow
    slots: list[FlashSlotRow]
    item_id: str = field(init=False)
    per_order_limit: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "item_id", self.item.id)
        object.__setattr__(self, "per_order_limit", self.event.per_order_limit)


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


def _pg(tx: Tx, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    return driver_rows(tx.session, sql, params)


def _json(rows: Any) -> str:
    return orjson.dumps(rows).decode()


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


_USAGE_PG = """s{n} AS (
INSERT INTO flash_usage (scope, shopper_id, units)
SELECT %(scope{n})s, s, q FROM json_to_recordset(%(rows)s::json) AS u(s text, q int)
WHERE q <= %(limit{n})s ORDER BY s
ON CONFLICT (scope, shopper_id) DO UPDATE SET units = flash_usage.units + excluded.units
WHERE flash_usage.units + excluded.units <= %(limit{n})s
RETURNING shopper_id)"""
_USAGE_SQLITE = text("""
INSERT INTO flash_usage (scope, shopper_id, units)
SELECT :scope, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(:rows)
WHERE json_extract(value, '$[1]') <= :limit
ON CONFLICT (scope, shopper_id) DO UPDATE SET units = flash_usage.units + excluded.units
WHERE flash_usage.units + excluded.units <= :limit
RETURNING shopper_id""")


def add_usage(tx: Tx, scopes: Sequence[tuple[str, int]],
              wanted: Sequence[tuple[str, int]]) -> list[set[str]]:
    """Count units against each shopper's limit in every (scope, limit), in one statement on
    PostgreSQL; per scope, the shoppers it admitted (the caller gives back the units of those
    admitted in one scope but not another). Shoppers are unique and sorted and the scopes
    taken in order, so concurrent batches lock usage rows in one order."""
    if not wanted:
        return [set() for _ in scopes]
    rows = sorted(wanted)
    if tx.dialect != "postgresql":
        doc = _json(rows)
        return [{r[0] for r in tx.session.execute(_USAGE_SQLITE, {
            "rows": doc, "scope": scope, "limit": limit})} for scope, limit in scopes]
    params: dict[str, Any] = {"rows": _json([{"s": s, "q": q} for s, q in rows])}
    for n, (scope, limit) in enumerate(scopes):
        params |= {f"scope{n}": scope, f"limit{n}": limit}
    ctes = ", ".join(_USAGE_PG.format(n=n) for n in range(len(scopes)))
    union = " UNION ALL ".join(f"SELECT {n}, shopper_id FROM s{n}" for n in range(len(scopes)))
    out: list[set[str]] = [set() for _ in scopes]
    for n, shopper_id in _pg(tx, f"WITH {ctes} {union}", params):
        out[n].add(shopper_id)
    return out


_LOCK_USAGE_PG = """SELECT FROM flash_usage WHERE scope = %(scope)s
AND shopper_id = ANY(%(shoppers)s::text[]) ORDER BY shopper_id FOR UPDATE"""
_UNDO_PG = """
UPDATE flash_usage SET units = flash_usage.units - u.q
FROM json_to_recordset(%(rows)s::json) AS u(s text, q int)
WHERE flash_usage.scope = %(scope)s AND flash_usage.shopper_id = u.s
  AND flash_usage.units >= u.q"""
_UNDO_SQLITE = text("""
UPDATE flash_usage SET units = flash_usage.units - u.q
FROM (SELECT json_extract(value, '$[0]') AS s, json_extract(value, '$[1]') AS q
      FROM json_each(:rows)) AS u
WHERE flash_usage.scope = :scope AND flash_usage.shopper_id = u.s
  AND flash_usage.units >= u.q""")


def undo_usage(tx: Tx, scope: str, given: Sequence[tuple[str, int]]) -> None:
    """Give units back to the shoppers' limits in ``scope`` (a shopper without a row there,
    or with fewer units, is left alone). On PostgreSQL the rows are locked first, in shopper
    order as ``add_usage`` takes them: the UPDATE's join (a hash join over a large scope)
    would take them in table order, and an expiry giving back many shoppers' units could
    then deadlock with a batch counting some of the same shoppers."""
    if not given:
        return
    rows = sorted(given)
    if tx.dialect == "postgresql":
        _pg(tx, _LOCK_USAGE_PG, {"scope": scope, "shoppers": text_array([s for s, _ in rows])})
        _pg(tx, _UNDO_PG, {"rows": _json([{"s": s, "q": q} for s, q in rows]), "scope": scope})
    else:
        tx.session.execute(_UNDO_SQLITE, {"rows": _json(rows), "scope": scope})


_CLAIM_PG = """INSERT INTO idempotency_keys (scope, key, fingerprint, created_at)
SELECT s, k, f, %(now)s FROM json_to_recordset(%(rows)s::json) AS r(s text, k text, f text)
ORDER BY s, k
ON CONFLICT DO NOTHING RETURNING scope, key"""


def claim_keys(tx: Tx, rows: Sequence[tuple[str, str, str]], now: datetime) -> set[Key]:
    """Insert (scope, key, fingerprint) idempotency rows; the keys this batch now owns (in
    key order, so concurrent batches wait for each other's keys in one order)."""
    if not rows:
        return set()
    if tx.dialect == "postgresql":
        doc = _json([{"s": s, "k": k, "f": f} for s, k, f in rows])
        return {(r[0], r[1]) for r in _pg(tx, _CLAIM_PG, {"rows": doc, "now": now})}
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


Answer = tuple[Key, int, Any]
_ANSWERS_PG = """UPDATE idempotency_keys AS k SET status_code = a.status, response = a.body
FROM json_to_recordset(%(answers)s::json) AS a(scope text, key text, status int, body json)
WHERE k.scope = a.scope AND k.key = a.key"""


def _answer_rows(rows: Sequence[Answer]) -> str:
    return _json([{"scope": s, "key": k, "status": st, "body": b} for (s, k), st, b in rows])


def store_answers(tx: Tx, rows: Sequence[Answer]) -> None:
    """The answers of keyed requests, with their keys; one statement on PostgreSQL."""
    if not rows:
        return
    if tx.dialect == "postgresql":
        _pg(tx, _ANSWERS_PG, {"answers": _answer_rows(rows)})
        return
    t = table(IdempotencyRow).c
    for (scope, key), status, body in rows:
        tx.session.execute(update(table(IdempotencyRow))
                           .where(and_(t.scope == scope, t.key == key))
                           .values(status_code=status, response=body))


@dataclass
class Rows:
    """Rows of one table written together: the values they all share, and a list per column
    whose value differs from row to row (no such column: one row)."""

    table: Table
    same: dict[str, Any]
    each: dict[str, list[Any]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(next(iter(self.each.values()))) if self.each else 1

    def dicts(self) -> list[dict[str, Any]]:
        cols = list(self.each.items())
        return [{**self.same, **{k: v[i] for k, v in cols}} for i in range(len(self))]


_PG_TYPES: tuple[tuple[type[TypeEngine[Any]], str], ...] = (
    (BigInteger, "bigint"), (Integer, "int"), (Boolean, "boolean"), (JSON, "json"),
    (DateTime, "timestamptz"), (String, "text"))


def _pg_type(col: Column[Any]) -> str:
    """The PostgreSQL type a value of ``col`` is sent as (a foreign key's column: the type of
    the column it references; a decorated type: the type it decorates)."""
    kind: TypeEngine[Any] = col.type
    if isinstance(kind, NullType):
        kind = next(iter(col.foreign_keys)).column.type
    kind = getattr(kind, "impl_instance", kind)
    for cls, name in _PG_TYPES:
        if isinstance(kind, cls):
            return name
    raise TypeError(f"no PostgreSQL type for {col.table.name}.{col.name}")


@lru_cache(maxsize=64)
def _insert_pg(tbl: Table, same: tuple[str, ...], each: tuple[str, ...], n: int,
               guard: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A data-modifying CTE inserting rows into ``tbl`` from parameters ``p{n}_<column>``: the
    shared values once, the others as one array each (``unnest``); and each parameter's
    name and type."""
    types = tuple((k, _pg_type(tbl.c[k])) for k in (*same, *each))
    cast = dict(types)
    values = [f"%(p{n}_{k})s::{cast[k]}" for k in same] + [f"u.{k}" for k in each]
    source = ""
    if each:
        arrays = ", ".join(f"%(p{n}_{k})s::{cast[k]}[]" for k in each)
        source = f" FROM unnest({arrays}) AS u({', '.join(each)})"
    sql = (f"i{n} AS (INSERT INTO {tbl.name} ({', '.join((*same, *each))}) "
           f"SELECT {', '.join(values)}{source}{guard})")
    return sql, types


def _pg_value(value: Any, kind: str) -> Any:
    return _json(value) if kind == "json" else value


def _pg_array(values: list[Any], kind: str) -> str:
    """An array literal: one string for the column's values, built by joins (psycopg would
    dump a list element by element in Python)."""
    if kind in ("int", "bigint"):
        return "{" + ",".join(map(str, values)) + "}"
    if kind == "json":
        return text_array([_json(v) for v in values])
    if kind == "text":
        return text_array(values)
    raise TypeError(f"no array literal for {kind} values")


def _inserts_pg(parts: Sequence[Rows], params: dict[str, Any], guard: str = "") -> list[str]:
    """Data-modifying CTEs, one per part: values shared by a part's rows are sent (and parsed
    by PostgreSQL) once, the others as one array literal per column, so no row is assembled
    in Python or parsed from a document of whole rows; foreign keys are checked at the
    statement's end, when every row is in."""
    ctes = []
    for n, rows in enumerate(parts):
        sql, types = _insert_pg(rows.table, tuple(rows.same), tuple(rows.each), n, guard)
        for k, kind in types:
            params[f"p{n}_{k}"] = (_pg_value(rows.same[k], kind) if k in rows.same
                                   else _pg_array(rows.each[k], kind))
        ctes.append(sql)
    return ctes


def insert_rows(tx: Tx, parts: Sequence[Rows]) -> None:
    """Every part at once: ONE statement on PostgreSQL; on SQLite (in-process, no round
    trips) an executemany per part."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return
    if tx.dialect != "postgresql":
        for rows in parts:
            tx.session.execute(insert(rows.table), rows.dicts())
        return
    params: dict[str, Any] = {}
    _pg(tx, f"WITH {', '.join(_inserts_pg(parts, params))} SELECT 1", params)


_TAKE_PG = """t AS (
UPDATE flash_items SET last_grant = LEAST(quota - taken, %(wanted)s::int),
                       taken = taken + LEAST(quota - taken, %(wanted)s::int)
WHERE id = %(item)s AND NOT ended AND taken < quota
RETURNING last_grant, quota - taken AS left_after),
ok AS (SELECT WHERE coalesce((SELECT last_grant FROM t), 0) = %(wanted)s::int)"""


def take_and_insert(tx: Tx, item_id: str, wanted: int, parts: Sequence[Rows],
                    answered: Sequence[Answer]) -> tuple[int, int]:
    """Take up to ``wanted`` units in one guarded UPDATE: (granted, left after). If all were
    granted (or none wanted), the orders are inserted and the answers stored too, in the
    same statement on PostgreSQL (one round trip for the hot row); otherwise nothing else is
    written and the caller settles the partial grant."""
    if tx.dialect != "postgresql":
        granted, left = take_units(tx, item_id, wanted)
        if granted == wanted:
            insert_rows(tx, parts)
            store_answers(tx, answered)
        return granted, left
    guard = " WHERE EXISTS (SELECT FROM ok)"
    params: dict[str, Any] = {"wanted": wanted, "item": item_id}
    ctes = [_TAKE_PG, *_inserts_pg([p for p in parts if len(p)], params, guard)]
    if answered:
        params["answers"] = _answer_rows(answered)
        ctes.append(f"ans AS ({_ANSWERS_PG}{guard.replace('WHERE', 'AND')})")
    rows = _pg(tx, f"WITH {', '.join(ctes)} SELECT last_grant, left_after FROM t", params)
    return (0, 0) if not rows else (int(rows[0][0]), int(rows[0][1]))


_REJECTIONS_PG = """INSERT INTO flash_rejections (item_id, reason, count)
SELECT * FROM unnest(%(items)s::text[], %(reasons)s::text[], %(counts)s::bigint[])
ON CONFLICT (item_id, reason) DO UPDATE SET count = flash_rejections.count + excluded.count"""


def count_rejections(tx: Tx, counts: dict[tuple[str, str], int]) -> None:
    """Add to the (item, reason) refusal counters (in key order, so concurrent batches wait
    for each other's rows in one order; on PostgreSQL one prepared statement: a batch that
    refused someone would otherwise build and compile an upsert, ~0.5 ms of the batch's
    thread)."""
    if not counts:
        return
    rows = sorted(counts.items())
    if tx.dialect == "postgresql":
        _pg(tx, _REJECTIONS_PG, {"items": text_array([i for (i, _), _ in rows]),
                                 "reasons": text_array([r for (_, r), _ in rows]),
                                 "counts": _pg_array([n for _, n in rows], "bigint")})
        return
    t = table(FlashRejectionRow)
    stmt = _dialect_insert(tx)(t)
    stmt = stmt.on_conflict_do_update(index_elements=[t.c.item_id, t.c.reason],
                                      set_={"count": t.c.count + stmt.excluded.count})
    tx.session.execute(stmt, [{"item_id": i, "reason": r, "count": n} for (i, r), n in rows])
