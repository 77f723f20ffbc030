"""Merchant endpoints for products, SKUs and stock."""

from __future__ import annotations

from fastapi import APIRouter, Query

from pintuan.catalog import service, store
from pintuan.catalog.schemas import (
    MovementOut,
    PriceIn,
    PricePointOut,
    ProductIn,
    ProductOut,
    ReceiveIn,
    SkuIn,
    SkuOut,
    StockLevelOut,
    StockOut,
)
from pintuan.catalog.service import SkuSpec
from pintuan.core.tx import Tx
from pintuan.http import ContainerDep, Merchant, read, write
from pintuan.schemas import Page

router = APIRouter(prefix="/v1", tags=["catalog"])


def _product_out(tx: Tx, merchant_id: str, products: list[store.ProductRow]) -> list[ProductOut]:
    skus = store.skus_of(tx, merchant_id, [p.id for p in products])
    outs = []
    for p in products:
        out = ProductOut.model_validate(p)
        out.skus = [SkuOut.model_validate(s) for s in skus if s.product_id == p.id]
        outs.append(out)
    return outs


@router.post("/products", status_code=201, response_model=ProductOut)
def create_product(body: ProductIn, m: Merchant, c: ContainerDep) -> ProductOut:
    def action(tx: Tx) -> ProductOut:
        product, _ = service.create_product(
            tx, merchant_id=m.merchant_id, currency=m.currency, title=body.title,
            description=body.description, image_url=body.image_url,
            skus=[SkuSpec(s.code, s.title, s.list_price_minor) for s in body.skus])
        return _product_out(tx, m.merchant_id, [product])[0]
    return write(c, action)


@router.get("/products", response_model=Page[ProductOut])
def list_products(m: Merchant, c: ContainerDep, after: str | None = Query(None, max_length=40),
                  limit: int = Query(50, ge=1, le=200)) -> Page[ProductOut]:
    def action(tx: Tx) -> Page[ProductOut]:
        rows = store.list_products(tx, m.merchant_id, after=after, limit=limit + 1)
        return Page(data=_product_out(tx, m.merchant_id, rows[:limit]),
                    has_more=len(rows) > limit)
    return read(c, action)


@router.get("/products/{product_id}", response_model=ProductOut)
def get_product(product_id: str, m: Merchant, c: ContainerDep) -> ProductOut:
    def action(tx: Tx) -> ProductOut:
        product = service.get_product(tx, merchant_id=m.merchant_id, product_id=product_id)
        return _product_out(tx, m.merchant_id, [product])[0]
    return read(c, action)


@router.post("/products/{product_id}/skus", status_code=201, response_model=SkuOut)
def add_sku(product_id: str, body: SkuIn, m: Merchant, c: ContainerDep) -> SkuOut:
    return write(c, lambda tx: SkuOut.model_validate(service.add_sku(
        tx, merchant_id=m.merchant_id, currency=m.currency, product_id=product_id,
        spec=SkuSpec(body.code, body.title, body.list_price_minor))))


@router.get("/skus/{sku_id}", response_model=SkuOut)
def get_sku(sku_id: str, m: Merchant, c: ContainerDep) -> SkuOut:
    return read(c, lambda tx: SkuOut.model_validate(
        service.get_sku(tx, merchant_id=m.merchant_id, sku_id=sku_id)))


@router.post("/skus/{sku_id}/price", response_model=SkuOut)
def set_price(sku_id: str, body: PriceIn, m: Merchant, c: ContainerDep) -> SkuOut:
    return write(c, lambda tx: SkuOut.model_validate(service.set_list_price(
        tx, merchant_id=m.merchant_id, sku_id=sku_id, price_minor=body.list_price_minor)))


@router.get("/skus/{sku_id}/prices", response_model=list[PricePointOut])
def price_history(sku_id: str, m: Merchant, c: ContainerDep) -> list[PricePointOut]:
    return read(c, lambda tx: [PricePointOut(effective_at=at, price_minor=p) for at, p in
                               service.price_history(tx, merchant_id=m.merchant_id,
                                                     sku_id=sku_id)])


@router.post("/skus/{sku_id}/stock/receive", response_model=StockLevelOut)
def receive_stock(sku_id: str, body: ReceiveIn, m: Merchant, c: ContainerDep) -> StockLevelOut:
    return write(c, lambda tx: StockLevelOut.model_validate(service.receive(
        tx, merchant_id=m.merchant_id, sku_id=sku_id, location_id=body.location_id,
        quantity=body.quantity, note=body.note)))


@router.get("/skus/{sku_id}/stock", response_model=StockOut)
def get_stock(sku_id: str, m: Merchant, c: ContainerDep,
              limit: int = Query(50, ge=1, le=500)) -> StockOut:
    def action(tx: Tx) -> StockOut:
        service.get_sku(tx, merchant_id=m.merchant_id, sku_id=sku_id)
        levels = store.stock_levels_of(tx, m.merchant_id, sku_id)
        moves = [mv for lv in levels for mv in store.movements(tx, m.merchant_id, lv.id, limit)]
        return StockOut(levels=[StockLevelOut.model_validate(lv) for lv in levels],
                        movements=[MovementOut.model_validate(mv) for mv in moves])
    return read(c, action)
