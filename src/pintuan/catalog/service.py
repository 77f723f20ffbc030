"""Catalog use cases: products, SKUs, locations, receiving and reading stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pintuan.catalog import store
from pintuan.catalog.model import Counters, Movement, check_quantity
from pintuan.catalog.store import LocationRow, ProductRow, SkuPriceRow, SkuRow, StockLevelRow
from pintuan.core.errors import Conflict, NotFound, ValidationFailed
from pintuan.core.ids import new_id
from pintuan.core.tx import Tx


@dataclass(frozen=True)
class SkuSpec:
    code: str
    title: str
    list_price_minor: int


def ensure_default_location(tx: Tx, *, merchant_id: str) -> LocationRow:
    row = store.default_location(tx, merchant_id)
    if row is None:
        row = LocationRow(id=new_id("loc"), merchant_id=merchant_id, name="Main warehouse",
                          kind="warehouse", is_default=True, created_at=tx.now())
        store.add(tx, row)
    return row


def create_product(tx: Tx, *, merchant_id: str, currency: str, title: str, description: str,
                   image_url: str | None, skus: list[SkuSpec]) -> tuple[ProductRow, list[SkuRow]]:
    product = ProductRow(id=new_id("prod"), merchant_id=merchant_id, title=title,
                         description=description, image_url=image_url, created_at=tx.now())
    store.add(tx, product)
    tx.session.flush()
    made = [add_sku(tx, merchant_id=merchant_id, currency=currency, product_id=product.id, spec=s)
            for s in skus]
    return product, made


def add_sku(tx: Tx, *, merchant_id: str, currency: str, product_id: str, spec: SkuSpec) -> SkuRow:
    if store.get_product(tx, merchant_id, product_id) is None:
        raise NotFound(f"no product {product_id}", code="product_not_found")
    if spec.list_price_minor < 0:
        raise ValidationFailed("list price must not be negative", code="bad_price")
    if store.sku_by_code(tx, merchant_id, spec.code) is not None:
        raise Conflict(f"SKU code {spec.code!r} is taken", code="sku_code_taken")
    sku = SkuRow(id=new_id("sku"), merchant_id=merchant_id, product_id=product_id,
                 code=spec.code, title=spec.title, list_price_minor=spec.list_price_minor,
                 currency=currency, created_at=tx.now())
    store.add(tx, sku)
    tx.session.flush()
    _record_price(tx, sku)
    return sku


def _record_price(tx: Tx, sku: SkuRow) -> None:
    store.add(tx, SkuPriceRow(id=new_id("prc"), merchant_id=sku.merchant_id, sku_id=sku.id,
                              price_minor=sku.list_price_minor, effective_at=tx.now()))


def set_list_price(tx: Tx, *, merchant_id: str, sku_id: str, price_minor: int) -> SkuRow:
    """Change a SKU's list price; every change is kept in its price history."""
    sku = get_sku(tx, merchant_id=merchant_id, sku_id=sku_id)
    if price_minor < 0:
        raise ValidationFailed("list price must not be negative", code="bad_price")
    if price_minor != sku.list_price_minor:
        sku.list_price_minor = price_minor
        _record_price(tx, sku)
    return sku


def price_history(tx: Tx, *, merchant_id: str, sku_id: str) -> list[tuple[datetime, int]]:
    get_sku(tx, merchant_id=merchant_id, sku_id=sku_id)
    return store.price_history(tx, sku_id)


def get_product(tx: Tx, *, merchant_id: str, product_id: str) -> ProductRow:
    row = store.get_product(tx, merchant_id, product_id)
    if row is None:
        raise NotFound(f"no product {product_id}", code="product_not_found")
    return row


def get_sku(tx: Tx, *, merchant_id: str, sku_id: str) -> SkuRow:
    row = store.get_sku(tx, merchant_id, sku_id)
    if row is None:
        raise NotFound(f"no SKU {sku_id}", code="sku_not_found")
    return row


def level_for(tx: Tx, *, merchant_id: str, sku_id: str, location_id: str | None) -> StockLevelRow:
    """The stock level of a SKU at a location (the default one when None), created empty."""
    get_sku(tx, merchant_id=merchant_id, sku_id=sku_id)
    if location_id is None:
        location = ensure_default_location(tx, merchant_id=merchant_id)
    else:
        found = store.get_location(tx, merchant_id, location_id)
        if found is None:
            raise NotFound(f"no location {location_id}", code="location_not_found")
        location = found
    level = store.stock_level(tx, sku_id, location.id)
    if level is None:
        level = StockLevelRow(id=new_id("stk"), merchant_id=merchant_id, sku_id=sku_id,
                              location_id=location.id)
        store.add(tx, level)
        tx.session.flush()
    return level


def level_by_id(tx: Tx, *, level_id: str) -> StockLevelRow:
    level = tx.session.get(StockLevelRow, level_id)
    if level is None:
        raise NotFound(f"no stock level {level_id}", code="stock_level_not_found")
    return level


def move(tx: Tx, *, level: StockLevelRow, movement: Movement, quantity: int, ref: str | None,
         note: str | None = None) -> None:
    check_quantity(quantity)
    ok = store.move(tx, level_id=level.id, merchant_id=level.merchant_id, movement=movement,
                    quantity=quantity, ref=ref, note=note)
    if not ok:
        raise Conflict(f"not enough stock to {movement.value} {quantity}",
                       code="insufficient_stock")


def receive(tx: Tx, *, merchant_id: str, sku_id: str, location_id: str | None, quantity: int,
            note: str | None) -> StockLevelRow:
    level = level_for(tx, merchant_id=merchant_id, sku_id=sku_id, location_id=location_id)
    move(tx, level=level, movement=Movement.RECEIVE, quantity=quantity, ref=None, note=note)
    tx.session.refresh(level)
    return level


def counters(level: StockLevelRow) -> Counters:
    return Counters(received=level.received, available=level.available,
                    reserved=level.reserved, sold=level.sold, returned=level.returned)
