"""Catalog request and response shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from pintuan.catalog.model import MAX_QUANTITY
from pintuan.schemas import Request, Resource

Code = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
Price = Field(ge=0, le=10**12)


class SkuIn(Request):
    code: str = Code
    title: str = Field(min_length=1, max_length=200)
    list_price_minor: int = Price


class ProductIn(Request):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    image_url: str | None = Field(default=None, max_length=500)
    skus: list[SkuIn] = Field(default_factory=list, max_length=100)


class ReceiveIn(Request):
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    location_id: str | None = Field(default=None, max_length=40)
    note: str | None = Field(default=None, max_length=200)


class PriceIn(Request):
    list_price_minor: int = Price


class PricePointOut(Resource):
    price_minor: int
    effective_at: datetime


class SkuOut(Resource):
    id: str
    product_id: str
    code: str
    title: str
    list_price_minor: int
    currency: str
    created_at: datetime


class ProductOut(Resource):
    id: str
    title: str
    description: str
    image_url: str | None
    active: bool
    created_at: datetime
    skus: list[SkuOut] = []


class StockLevelOut(Resource):
    id: str
    sku_id: str
    location_id: str
    received: int
    available: int
    reserved: int
    sold: int
    returned: int


class MovementOut(Resource):
    id: str
    kind: str
    quantity: int
    ref: str | None
    note: str | None
    created_at: datetime


class StockOut(Resource):
    levels: list[StockLevelOut]
    movements: list[MovementOut]
