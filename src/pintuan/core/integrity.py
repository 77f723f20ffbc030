"""Rows whose reference points at nothing, counted for tables written without foreign keys
(the order detail tables, migration 0009): ``pintuan check`` and the worker's periodic count.

Each table's ids sort by creation time (``ids.new_id``), so a count can be limited to the rows
made since a time (``key >= lo``, on the primary key) and to the newest of those.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Reference:
    """``kind``: the rows of ``table`` (narrowed by ``where``) whose ``column`` matches no
    ``target.target_key``; ``key`` is the table's time-sorted id."""

    kind: str
    table: str
    key: str
    column: str
    target: str
    target_key: str = "id"
    where: str | None = None


@lru_cache
def _statement(refs: tuple[Reference, ...], newest: bool) -> TextClause:
    counts = []
    for r in refs:
        rows = f"SELECT {r.column} AS ref FROM {r.table} WHERE {r.key} >= :lo"
        rows += f" AND {r.where}" if r.where else ""
        # without a limit PostgreSQL flattens the rows into the count and may hash-join
        rows += f" ORDER BY {r.key} DESC LIMIT :n" if newest else ""
        counts.append(f"(SELECT count(*) FROM ({rows}) r WHERE NOT EXISTS "
                      f"(SELECT 1 FROM {r.target} t WHERE t.{r.target_key} = r.ref))")
    return text("SELECT " + ",\n  ".join(counts))


def dangling(session: Session, refs: Sequence[Reference], lo: str,
             newest: int | None) -> dict[str, int]:
    """How many rows of each kind point at nothing, among the rows whose key is at least
    ``lo`` ("": all) and, per kind, only the ``newest`` of them (None: all)."""
    stmt = _statement(tuple(refs), newest is not None)
    row = session.execute(stmt, {"lo": lo, "n": newest}).one()
    return {r.kind: int(n) for r, n in zip(refs, row, strict=True)}
