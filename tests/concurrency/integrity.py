"""What foreign keys would have refused, counted after a race: order detail rows (lines,
flash-sale entries) have none (migration 0009), so the concurrency tests run
``pintuan check``'s counts and check each order's own lines."""

from __future__ import annotations

from sqlalchemy.orm import Session

from pintuan import wiring
from pintuan.core.db import make_engine

ORDERS_WITHOUT_ONE_LINE = """
SELECT count(*) FROM orders o
WHERE o.id = ANY(%(orders)s) AND (SELECT count(*) FROM order_lines l
                                  WHERE l.order_id = o.id AND l.sku_id = %(sku)s) <> 1"""
"""Of the given orders (PostgreSQL, psycopg parameters), those without exactly one line for
the SKU."""


def dangling(db_url: str) -> int:
    """Detail rows pointing at nothing, and flash-sale orders without their entry."""
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            return sum(n for check in wiring.checks() for n in check(session).values())
    finally:
        engine.dispose()
