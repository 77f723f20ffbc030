"""What foreign keys would have refused, counted after a race: order detail rows (lines,
flash-sale entries) have none (migration 0009), so the concurrency tests check them."""

from __future__ import annotations

DANGLING_DETAILS = """
SELECT (SELECT count(*) FROM order_lines l
        WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = l.order_id)
           OR NOT EXISTS (SELECT 1 FROM skus s WHERE s.id = l.sku_id)
           OR NOT EXISTS (SELECT 1 FROM stock_levels v WHERE v.id = l.stock_level_id))
     + (SELECT count(*) FROM flash_orders f
        WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = f.order_id)
           OR NOT EXISTS (SELECT 1 FROM flash_items i WHERE i.id = f.item_id))"""
"""Lines and flash entries whose order, SKU, stock level or item is missing (one count)."""

ORDERS_WITHOUT_ONE_LINE = """
SELECT count(*) FROM orders o
WHERE o.id = ANY(%(orders)s) AND (SELECT count(*) FROM order_lines l
                                  WHERE l.order_id = o.id AND l.sku_id = %(sku)s) <> 1"""
"""Of the given orders (PostgreSQL, psycopg parameters), those without exactly one line for
the SKU."""
