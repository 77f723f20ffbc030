"""A shopper's orders: the checkout page, paying through the provider's hosted page, "pay for
me" links, cancelling; and the list of the shopper's orders and groups."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from pintuan.catalog import service as catalog
from pintuan.core.errors import DomainError, NotFound
from pintuan.core.tx import Tx
from pintuan.groupbuy import store as gb_store
from pintuan.groupbuy.views import group_out, mask
from pintuan.http import read, write
from pintuan.merchants import service as merchants
from pintuan.merchants.store import MerchantRow
from pintuan.orders import service as orders
from pintuan.orders import store as order_store
from pintuan.orders.store import OrderLineRow, OrderRow
from pintuan.shoppers import store as shoppers
from pintuan.shoppers.store import ShopperRow
from pintuan.web import payfor, shopper
from pintuan.web.pages import Page, PageDep, form, redirect, render

router = APIRouter(include_in_schema=False)


def group_token(tx: Tx, order: OrderRow) -> str | None:
    group_id = gb_store.group_of_order(tx, order.id)
    row = None if group_id is None else gb_store.get_group(tx, group_id)
    return None if row is None else row.share_token


def _own(tx: Tx, merchant: MerchantRow, me: ShopperRow, order_id: str) -> OrderRow:
    order = orders.get(tx, merchant_id=merchant.id, order_id=order_id)
    if order.shopper_id != me.id:
        raise NotFound(f"no order {order_id}", code="order_not_found")
    return order


def _pay(p: Page, merchant: MerchantRow, me: ShopperRow, order_id: str) -> str:
    """Start a payment for the shopper's own order; the provider's page URL."""
    def action(tx: Tx) -> str:
        order = _own(tx, merchant, me, order_id)
        token = group_token(tx, order)
        back = f"/g/{token}" if token else f"/s/{merchant.slug}/orders/{order_id}"
        return payfor.checkout(tx, order_id, return_url=tx.settings.public_url.rstrip("/") + back)
    return write(p.c, action)


def after_joining(p: Page, merchant: MerchantRow, me: ShopperRow, order_id: str) -> Response:
    """Where a shopper goes once a seat is held: the checkout page, or in senior mode
    straight to the provider's page (one tap from deal to payment)."""
    if p.senior:
        return redirect(p, _pay(p, merchant, me, order_id))
    return redirect(p, f"/s/{merchant.slug}/orders/{order_id}")


def lines_of(tx: Tx, order: OrderRow) -> list[tuple[OrderLineRow, str]]:
    """The order's lines with the name of what each one buys."""
    return [(line, catalog.get_sku(tx, merchant_id=order.merchant_id, sku_id=line.sku_id).title)
            for line in order_store.lines(tx, order.id)]


def _merchant_and_me(p: Page, tx: Tx, slug: str, back: str) -> tuple[MerchantRow, ShopperRow]:
    merchant = merchants.merchant_by_slug(tx, slug)
    return merchant, shopper.required(p, tx, merchant, back=back)


def _order_context(p: Page, slug: str, order_id: str) -> dict[str, Any]:
    def load(tx: Tx) -> dict[str, Any]:
        merchant, me = _merchant_and_me(p, tx, slug, f"/s/{slug}/orders/{order_id}")
        order = _own(tx, merchant, me, order_id)
        link = payfor.existing_token(tx, order_id=order.id)
        return {"merchant": merchant, "me": me, "order": order,
                "lines": lines_of(tx, order), "token": group_token(tx, order),
                "payfor_url": None if link is None else payfor.url(tx, link)}
    return read(p.c, load)


@router.get("/s/{slug}/orders/{order_id}")
def order_page(slug: str, order_id: str, p: PageDep) -> Response:
    return render(p, "order.html", **_order_context(p, slug, order_id))


async def _order_action(p: Page, slug: str, order_id: str, what: str) -> Response:
    await form(p)
    ctx = read(p.c, lambda tx: _merchant_and_me(p, tx, slug, f"/s/{slug}/orders/{order_id}"))
    merchant, me = ctx
    try:
        if what == "pay":
            return redirect(p, _pay(p, merchant, me, order_id))
        if what == "payfor":
            write(p.c, lambda tx: payfor.create(tx, merchant_id=merchant.id, shopper_id=me.id,
                                                order_id=order_id))
        else:
            write(p.c, lambda tx: _cancel(tx, merchant, me, order_id))
    except DomainError as exc:
        if exc.status == 404:
            raise
        return render(p, "order.html", status=409, error=exc.detail,
                      **_order_context(p, slug, order_id))
    return redirect(p, f"/s/{slug}/orders/{order_id}")


def _cancel(tx: Tx, merchant: MerchantRow, me: ShopperRow, order_id: str) -> None:
    _own(tx, merchant, me, order_id)
    orders.cancel(tx, orders.lock(tx, order_id), reason="cancelled_by_shopper")


@router.post("/s/{slug}/orders/{order_id}/pay")
async def pay_order(slug: str, order_id: str, p: PageDep) -> Response:
    return await _order_action(p, slug, order_id, "pay")


@router.post("/s/{slug}/orders/{order_id}/payfor")
async def ask_payfor(slug: str, order_id: str, p: PageDep) -> Response:
    return await _order_action(p, slug, order_id, "payfor")


@router.post("/s/{slug}/orders/{order_id}/cancel")
async def cancel_order(slug: str, order_id: str, p: PageDep) -> Response:
    return await _order_action(p, slug, order_id, "cancel")


@router.get("/s/{slug}/orders")
def my_orders(slug: str, p: PageDep) -> Response:
    def load(tx: Tx) -> dict[str, Any]:
        merchant, me = _merchant_and_me(p, tx, slug, f"/s/{slug}/orders")
        rows = order_store.page(tx, merchant_id=merchant.id, shopper_id=me.id, status=None,
                                after=None, limit=50)
        groups = [(g, group_out(tx, g)) for g in gb_store.groups_of_shopper(tx, me.id, limit=20)]
        return {"merchant": merchant, "me": me, "orders": rows,
                "groups": [(g.share_token, out) for g, out in groups]}
    return render(p, "orders.html", **read(p.c, load))


def _payfor_context(p: Page, token: str) -> dict[str, Any]:
    def load(tx: Tx) -> dict[str, Any]:
        link = payfor.resolve(tx, token)
        merchant = merchants.merchant(tx, link.order.merchant_id)
        name = shoppers.names(tx, [link.order.shopper_id]).get(link.order.shopper_id, "")
        return {"merchant": merchant, "me": None, "link": link, "who": mask(name),
                "lines": lines_of(tx, link.order)}
    return read(p.c, load)


@router.get("/pay/{token}")
def payfor_page(token: str, p: PageDep) -> Response:
    return render(p, "payfor.html", **_payfor_context(p, token))


@router.post("/pay/{token}")
async def payfor_pay(token: str, p: PageDep) -> Response:
    await form(p)
    back = f"{p.c.settings.public_url.rstrip('/')}/pay/{token}"
    try:
        url = write(p.c, lambda tx: payfor.start(tx, token, return_url=back))
    except DomainError as exc:
        if exc.status == 404:
            raise
        return render(p, "payfor.html", status=409, error=exc.detail,
                      **_payfor_context(p, token))
    return redirect(p, url)
