"""The demo brand: a store with products, stock, and one live group-buy deal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from pintuan.catalog import service as catalog
from pintuan.catalog.service import SkuSpec
from pintuan.container import Container
from pintuan.groupbuy import deals
from pintuan.groupbuy.deals import DealSpec
from pintuan.groupbuy.model import Overflow
from pintuan.merchants import service as merchants
from pintuan.merchants import store as merchant_store
from pintuan.web import staff

SLUG = "demo-tea"


@dataclass(frozen=True)
class Demo:
    merchant_id: str
    slug: str
    api_key: str | None
    deal_id: str | None
    staff_email: str = staff.DEMO_OWNER
    staff_password: str = ""


def seed(c: Container) -> Demo:
    """Create the demo brand once; later calls issue a fresh API key for it."""
    with c.db.write() as session:
        tx = c.tx(session)
        existing = merchant_store.merchant_by_slug(tx, SLUG)
        if existing is not None:
            key = merchants.issue_key(tx, merchant_id=existing.id, label="demo (re-issued)")
            password = staff.demo_owner(tx, merchant_id=existing.id)
            return Demo(existing.id, SLUG, key.secret, None, staff_password=password)
        merchant = merchants.create_merchant(tx, name="Demo Tea House", slug=SLUG)
        key = merchants.issue_key(tx, merchant_id=merchant.id, label="demo")
        catalog.ensure_default_location(tx, merchant_id=merchant.id)
        _, skus = catalog.create_product(
            tx, merchant_id=merchant.id, currency=merchant.currency,
            title="West Lake Longjing, 250 g",
            description="Spring-picked green tea from Hangzhou.", image_url=None,
            skus=[SkuSpec("LJ-250", "Longjing 250 g tin", 12800),
                  SkuSpec("LJ-500", "Longjing 500 g gift box", 23800)])
        for sku in skus:
            catalog.receive(tx, merchant_id=merchant.id, sku_id=sku.id, location_id=None,
                            quantity=500, note="demo stock")
        now = tx.now()
        deal = deals.create(tx, merchant_id=merchant.id, spec=DealSpec(
            sku_id=skus[0].id, title="Longjing for three", group_price_minor=8800,
            leader_price_minor=7800, team_size=3, join_window_seconds=24 * 3600,
            starts_at=now, ends_at=now + timedelta(days=14), per_order_limit=2,
            per_shopper_limit=4, quota=300, virtual_fill_min_paid=None,
            overflow=Overflow.JOIN_ANOTHER, location_id=None))
        password = staff.demo_owner(tx, merchant_id=merchant.id)
        return Demo(merchant.id, SLUG, key.secret, deal.id, staff_password=password)
