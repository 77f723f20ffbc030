"""Console: group-buy deals (create, schedule, pause, resume), groups, orders and refunds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from pintuan.catalog import store as cat_store
from pintuan.core.errors import DomainError
from pintuan.core.ids import new_token
from pintuan.core.tx import Tx
from pintuan.groupbuy import deals
from pintuan.groupbuy import store as gb_store
from pintuan.groupbuy.deals import DealSpec
from pintuan.groupbuy.model import MAX_TEAM, MIN_TEAM, Overflow
from pintuan.http import read, write
from pintuan.orders import service as orders
from pintuan.orders import store as order_store
from pintuan.orders.model import OrderStatus
from pintuan.payments import service as payments
from pintuan.web import shopper
from pintuan.web.console import Desk, DeskDep
from pintuan.web.forms import Fields
from pintuan.web.pages import form, redirect
from pintuan.web.staff import Action

router = APIRouter(include_in_schema=False)
GROUP_STATUSES = ("open", "completed", "failed")
ORDER_STATUSES = tuple(s.value for s in OrderStatus)


def sku_choices(tx: Tx, merchant_id: str) -> list[Any]:
    """(SKU, product title) of the merchant's products, for a form's SKU choice."""
    products = cat_store.list_products(tx, merchant_id, after=None, limit=200)
    titles = {p.id: p.title for p in products}
    return [(s, titles.get(s.product_id, "")) for s in
            cat_store.skus_of(tx, merchant_id, list(titles))]


def _deals_page(d: Desk, status: int = 200, **values: Any) -> Response:
    def load(tx: Tx) -> dict[str, Any]:
        return {"deals": gb_store.deals(tx, d.merchant.id, after=None, limit=100),
                "skus": sku_choices(tx, d.merchant.id), "now": tx.now()}
    data = read(d.p.c, load)
    now = data["now"]
    defaults = {"starts_at": now.strftime("%Y-%m-%dT%H:%M"),
                "ends_at": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
                "team_size": "3", "join_window_hours": "24", "per_order_limit": "1",
                "per_shopper_limit": "1", "quota": "100", "overflow": "join_another"}
    values["values"] = defaults | values.get("values", {})
    return d.render("deals.html", status=status, overflows=[o.value for o in Overflow],
                    **data, **values)


@router.get("/console/deals")
def deal_list(d: DeskDep) -> Response:
    return _deals_page(d)


def _deal_spec(f: Fields) -> DealSpec:
    t = f.p.t
    group_price = f.money("group_price", t("c.f.group_price"))
    leader = f.money("leader_price", t("c.f.leader_price"), required=False)
    return DealSpec(
        sku_id=f.text("sku_id", t("c.sku"), max_len=40),
        title=f.text("title", t("c.title"), max_len=200),
        group_price_minor=group_price or 0, leader_price_minor=leader,
        team_size=f.integer("team_size", t("c.f.team_size"), lo=MIN_TEAM, hi=MAX_TEAM),
        join_window_seconds=3600 * f.integer("join_window_hours", t("c.f.join_window"), lo=1,
                                             hi=720),
        starts_at=f.when("starts_at", t("c.flash.starts")),
        ends_at=f.when("ends_at", t("c.flash.ends")),
        per_order_limit=f.integer("per_order_limit", t("c.f.per_order"), lo=1, hi=10_000),
        per_shopper_limit=f.integer("per_shopper_limit", t("c.f.per_shopper"), lo=1, hi=10_000),
        quota=f.integer("quota", t("c.f.quota"), lo=1, hi=10_000_000), virtual_fill_min_paid=None,
        overflow=Overflow(f.choice("overflow", t("c.f.overflow"),
                                   tuple(o.value for o in Overflow))),
        location_id=None)


@router.post("/console/deals")
async def create_deal(d: DeskDep) -> Response:
    data = await form(d.p)
    d.require(Action.OPERATE)
    f = Fields(d.p, data)
    spec = _deal_spec(f)
    if f.ok:
        try:
            write(d.p.c, lambda tx: deals.create(tx, merchant_id=d.merchant.id, spec=spec))
            return redirect(d.p, "/console/deals")
        except DomainError as exc:
            f.errors["sku_id" if exc.code == "sku_not_found" else "form"] = exc.detail
    return _deals_page(d, status=422, values=data, errors=f.errors)


async def _pause(d: Desk, deal_id: str, paused: bool) -> Response:
    await form(d.p)
    d.require(Action.OPERATE)
    write(d.p.c, lambda tx: deals.set_paused(tx, merchant_id=d.merchant.id, deal_id=deal_id,
                                             paused=paused))
    return redirect(d.p, "/console/deals")


@router.post("/console/deals/{deal_id}/pause")
async def pause_deal(deal_id: str, d: DeskDep) -> Response:
    return await _pause(d, deal_id, True)


@router.post("/console/deals/{deal_id}/resume")
async def resume_deal(deal_id: str, d: DeskDep) -> Response:
    return await _pause(d, deal_id, False)


@router.get("/console/groups")
def group_list(d: DeskDep, status: str | None = Query(None, max_length=12)) -> Response:
    chosen = status if status in GROUP_STATUSES else None

    def load(tx: Tx) -> list[Any]:
        return gb_store.groups(tx, d.merchant.id, deal_id=None, status=chosen, after=None,
                               limit=100)
    return d.render("groups.html", groups=read(d.p.c, load), chosen=chosen,
                    statuses=GROUP_STATUSES)


@router.get("/console/orders")
def order_list(d: DeskDep, status: str | None = Query(None, max_length=24)) -> Response:
    chosen = status if status in ORDER_STATUSES else None
    rows = read(d.p.c, lambda tx: order_store.page(tx, merchant_id=d.merchant.id,
                                                  shopper_id=None, status=chosen, after=None,
                                                  limit=100))
    return d.render("orders.html", orders=rows, chosen=chosen, statuses=ORDER_STATUSES)


def _order(d: Desk, order_id: str, status: int = 200, **values: Any) -> Response:
    def load(tx: Tx) -> dict[str, Any]:
        order = orders.get(tx, merchant_id=d.merchant.id, order_id=order_id)
        return {"order": order, "lines": order_store.lines(tx, order.id),
                "payments": payments.payments_of(tx, order_id=order.id),
                "refunds": payments.refunds_of(tx, order_id=order.id)}
    return d.render("order.html", status=status, nonce=new_token(12), **read(d.p.c, load),
                    **values)


@router.get("/console/orders/{order_id}")
def order_detail(order_id: str, d: DeskDep) -> Response:
    return _order(d, order_id)


@router.post("/console/orders/{order_id}/refunds")
async def refund(order_id: str, d: DeskDep) -> Response:
    data = await form(d.p)
    d.require(Action.OPERATE)
    read(d.p.c, lambda tx: orders.get(tx, merchant_id=d.merchant.id, order_id=order_id))
    f = Fields(d.p, data)
    amount = f.money("amount", d.p.t("c.commissions.amount"), required=False)
    reason = f.text("reason", d.p.t("c.f.reason"), max_len=40)
    if amount == 0:
        f.errors["amount"] = d.p.t("c.f.amount_positive")
    if f.ok:
        def action(tx: Tx) -> dict[str, Any]:
            order = orders.lock(tx, order_id)
            made = payments.refund(tx, order=order, amount_minor=amount, reason=reason)
            return {"refunds": [r.id for r in made]}
        try:
            shopper.run_once(d.p, scope=f"{d.merchant.id}:web-refund",
                             nonce=data.get("nonce", ""), what=f"{order_id}:{amount}:{reason}",
                             action=action)
            return redirect(d.p, f"/console/orders/{order_id}")
        except DomainError as exc:
            f.errors["form"] = exc.detail
    return _order(d, order_id, status=422, values=data, errors=f.errors)
