"""Console: products, SKUs and stock."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from pintuan.catalog import service as catalog
from pintuan.catalog import store as cat_store
from pintuan.catalog.service import SkuSpec
from pintuan.core.errors import DomainError
from pintuan.core.tx import Tx
from pintuan.http import read, write
from pintuan.web.console import Desk, DeskDep
from pintuan.web.forms import Fields
from pintuan.web.pages import form, redirect
from pintuan.web.staff import Action

router = APIRouter(include_in_schema=False)
CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


def _products(tx: Tx, merchant_id: str) -> list[dict[str, Any]]:
    rows = cat_store.list_products(tx, merchant_id, after=None, limit=200)
    skus = cat_store.skus_of(tx, merchant_id, [r.id for r in rows])
    levels = {lv.sku_id: lv for s in skus
              for lv in cat_store.stock_levels_of(tx, merchant_id, s.id)}
    return [{"product": r, "skus": [(s, levels.get(s.id)) for s in skus if s.product_id == r.id]}
            for r in rows]


def _list(d: Desk, status: int = 200, **values: Any) -> Response:
    items = read(d.p.c, lambda tx: _products(tx, d.merchant.id))
    return d.render("products.html", status=status, items=items, **values)


@router.get("/console/products")
def products(d: DeskDep) -> Response:
    return _list(d)


def _sku_fields(f: Fields) -> SkuSpec:
    t = f.p.t
    code = f.text("code", t("c.f.sku_code"), max_len=64)
    if code and not re.match(CODE, code):
        f.errors["code"] = t("c.f.sku_code_chars")
    title = f.text("sku_title", t("c.f.sku_name"), max_len=200)
    price = f.money("price", t("c.f.list_price"))
    return SkuSpec(code, title, price or 0)


@router.post("/console/products")
async def create_product(d: DeskDep) -> Response:
    data = await form(d.p)
    d.require(Action.OPERATE)
    f = Fields(d.p, data)
    t = d.p.t
    title = f.text("title", t("c.f.product_title"), max_len=200)
    description = f.text("description", t("c.f.description"), max_len=10_000, required=False)
    sku = _sku_fields(f)
    stock = f.integer("stock", t("c.f.opening_stock"), lo=0, hi=1_000_000, default=0)
    if f.ok:
        try:
            write(d.p.c, lambda tx: _create(tx, d, title, description, sku, stock))
            return redirect(d.p, "/console/products")
        except DomainError as exc:
            f.errors["form"] = exc.detail
    return _list(d, status=422, values=data, errors=f.errors)


def _create(tx: Tx, d: Desk, title: str, description: str, sku: SkuSpec, stock: int) -> None:
    _, skus = catalog.create_product(tx, merchant_id=d.merchant.id, currency=d.merchant.currency,
                                     title=title, description=description, image_url=None,
                                     skus=[sku])
    if stock:
        catalog.receive(tx, merchant_id=d.merchant.id, sku_id=skus[0].id, location_id=None,
                        quantity=stock, note="opening stock (console)")


def _product(d: Desk, product_id: str, status: int = 200, **values: Any) -> Response:
    def load(tx: Tx) -> dict[str, Any]:
        product = catalog.get_product(tx, merchant_id=d.merchant.id, product_id=product_id)
        skus = cat_store.skus_of(tx, d.merchant.id, [product.id])
        return {"product": product,
                "skus": [(s, cat_store.stock_levels_of(tx, d.merchant.id, s.id)) for s in skus]}
    return d.render("product.html", status=status, **read(d.p.c, load), **values)


@router.get("/console/products/{product_id}")
def product(product_id: str, d: DeskDep) -> Response:
    return _product(d, product_id)


@router.post("/console/products/{product_id}/skus")
async def add_sku(product_id: str, d: DeskDep) -> Response:
    data = await form(d.p)
    d.require(Action.OPERATE)
    read(d.p.c, lambda tx: catalog.get_product(tx, merchant_id=d.merchant.id,
                                               product_id=product_id))
    f = Fields(d.p, data)
    spec = _sku_fields(f)
    if f.ok:
        try:
            write(d.p.c, lambda tx: catalog.add_sku(
                tx, merchant_id=d.merchant.id, currency=d.merchant.currency,
                product_id=product_id, spec=spec))
            return redirect(d.p, f"/console/products/{product_id}")
        except DomainError as exc:
            f.errors["form"] = exc.detail
    return _product(d, product_id, status=422, values=data, errors=f.errors)


@router.post("/console/skus/{sku_id}/receive")
async def receive(sku_id: str, d: DeskDep) -> Response:
    data = await form(d.p)
    d.require(Action.OPERATE)
    sku = read(d.p.c, lambda tx: catalog.get_sku(tx, merchant_id=d.merchant.id, sku_id=sku_id))
    f = Fields(d.p, data)
    quantity = f.integer("quantity", d.p.t("c.f.quantity_received"), lo=1, hi=1_000_000)
    note = f.text("note", d.p.t("c.f.note"), max_len=200, required=False)
    if f.ok:
        write(d.p.c, lambda tx: catalog.receive(tx, merchant_id=d.merchant.id, sku_id=sku_id,
                                                location_id=None, quantity=quantity,
                                                note=note or None))
        return redirect(d.p, f"/console/products/{sku.product_id}")
    return _product(d, sku.product_id, status=422, values=data, errors=f.errors,
                    failed_sku=sku_id)
