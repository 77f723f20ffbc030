"""Storefront pages: the store's deals, a deal, a group reached from its share link; opening
and joining a group. Pages call the same services as the REST API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from pintuan.catalog import service as catalog
from pintuan.core.db import Database
from pintuan.core.errors import DomainError, NotFound
from pintuan.core.ids import new_token
from pintuan.core.tx import Tx
from pintuan.groupbuy import service as groupbuy
from pintuan.groupbuy import store as gb_store
from pintuan.groupbuy.schemas import GroupOut
from pintuan.groupbuy.store import DealRow, GroupRow
from pintuan.groupbuy.views import group_out
from pintuan.http import order_context, read
from pintuan.merchants import service as merchants
from pintuan.merchants.store import MerchantRow
from pintuan.shoppers.store import ShopperRow
from pintuan.web import checkout, shopper, store
from pintuan.web.forms import Fields
from pintuan.web.pages import Page, PageDep, form, render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class DealView:
    deal: DealRow
    product_title: str
    groups: list[GroupOut]


def product_title(tx: Tx, deal: DealRow) -> str:
    sku = catalog.get_sku(tx, merchant_id=deal.merchant_id, sku_id=deal.sku_id)
    return catalog.get_product(tx, merchant_id=deal.merchant_id, product_id=sku.product_id).title


def _deal_view(tx: Tx, deal: DealRow, *, groups: int = 10) -> DealView:
    open_rows = [g for g in gb_store.open_groups_of_deal(tx, deal.id)
                 if g.seats_taken < g.size][:groups]
    return DealView(deal=deal, product_title=product_title(tx, deal),
                    groups=[group_out(tx, g) for g in open_rows])


@router.get("/s/{slug}")
def store_home(slug: str, p: PageDep) -> Response:
    def load(tx: Tx) -> dict[str, Any]:
        merchant = merchants.merchant_by_slug(tx, slug)
        return {"merchant": merchant, "me": shopper.current(p, tx, merchant.id),
                "deals": [_deal_view(tx, d, groups=3)
                          for d in gb_store.live_deals(tx, merchant.id, tx.now())]}
    return render(p, "store.html", **read(p.c, load))


def _count_view(db: Database, p: Page, deal: DealRow) -> None:
    with db.write() as session:
        tx = p.c.tx(session)
        store.count_view(tx, merchant_id=deal.merchant_id, deal_id=deal.id,
                         day=tx.now().date().isoformat())


def _deal_context(p: Page, slug: str, deal_id: str) -> dict[str, Any]:
    def load(tx: Tx) -> dict[str, Any]:
        merchant = merchants.merchant_by_slug(tx, slug)
        deal = gb_store.get_deal(tx, deal_id, merchant_id=merchant.id)
        if deal is None:
            raise NotFound("no such deal in this store", code="deal_not_found")
        return {"merchant": merchant, "me": shopper.current(p, tx, merchant.id),
                "view": _deal_view(tx, deal), "now": tx.now(), "nonce": new_token(12)}
    return read(p.c, load)


@router.get("/s/{slug}/deals/{deal_id}")
def deal_page(slug: str, deal_id: str, p: PageDep) -> Response:
    values = _deal_context(p, slug, deal_id)
    _count_view(p.c.db, p, values["view"].deal)
    return render(p, "deal.html", **values)


Seat = Callable[[Tx, int], groupbuy.Joined]


def _take_seat(p: Page, data: dict[str, str], merchant: MerchantRow, me: ShopperRow, *,
               kind: str, ref: str, seat: Seat) -> Response | dict[str, str]:
    """Open or join once per form: on to payment, or the messages to show on the form."""
    fields = Fields(p, data)
    quantity = fields.integer("quantity", p.t("deal.quantity"), lo=1, hi=10_000, default=1)
    if not fields.ok:
        return fields.errors
    try:
        done = shopper.run_once(p, scope=f"{me.id}:web-{kind}", nonce=data.get("nonce", ""),
                                what=f"{ref}:{quantity}", action=lambda tx: {
                                    "order_id": seat(tx, quantity).order.id})
    except DomainError as exc:
        return {"form": exc.detail}
    return checkout.after_joining(p, merchant, me, done["order_id"])


@router.post("/s/{slug}/deals/{deal_id}/open")
async def open_group(slug: str, deal_id: str, p: PageDep) -> Response:
    data = await form(p)
    merchant, me = _who(p, slug, f"/s/{slug}/deals/{deal_id}")
    done = _take_seat(p, data, merchant, me, kind="open", ref=deal_id, seat=lambda tx, n:
                      groupbuy.open_group(tx, merchant_id=merchant.id, shopper_id=me.id,
                                          deal_id=deal_id, quantity=n,
                                          context=order_context(p.request)))
    if isinstance(done, Response):
        return done
    return render(p, "deal.html", status=409 if "form" in done else 422, errors=done,
                  **_deal_context(p, slug, deal_id))


def _who(p: Page, slug: str, back: str) -> tuple[MerchantRow, ShopperRow]:
    def load(tx: Tx) -> tuple[MerchantRow, ShopperRow]:
        merchant = merchants.merchant_by_slug(tx, slug)
        return merchant, shopper.required(p, tx, merchant, back=back)
    return read(p.c, load)


def _group_context(p: Page, token: str) -> dict[str, Any]:
    def load(tx: Tx) -> dict[str, Any]:
        row = gb_store.group_by_token(tx, token)
        if row is None:
            raise NotFound("this group link does not exist", code="group_not_found")
        merchant = merchants.merchant(tx, row.merchant_id)
        deal = gb_store.get_deal(tx, row.deal_id)
        assert deal is not None
        me = shopper.current(p, tx, merchant.id)
        group = group_out(tx, row)
        return {"merchant": merchant, "me": me, "view": _deal_view(tx, deal, groups=0),
                "group": group, "token": token, "nonce": new_token(12),
                "mine": me is not None and _is_member(tx, row, me.id)}
    return read(p.c, load)


def _is_member(tx: Tx, row: GroupRow, shopper_id: str) -> bool:
    return any(m.shopper_id == shopper_id and m.status in ("held", "paid")
               for m in gb_store.members(tx, row.id))


@router.get("/g/{token}")
def group_page(token: str, p: PageDep, partial: int = 0) -> Response:
    values = _group_context(p, token)
    return render(p, "group_live.html" if partial else "group.html", **values)


@router.post("/g/{token}/join")
async def join_group(token: str, p: PageDep) -> Response:
    data = await form(p)
    merchant: MerchantRow = _group_context(p, token)["merchant"]
    _, me = _who(p, merchant.slug, f"/g/{token}")
    done = _take_seat(p, data, merchant, me, kind="join", ref=token, seat=lambda tx, n:
                      groupbuy.join_group(tx, merchant_id=merchant.id, shopper_id=me.id,
                                          group_ref=token, quantity=n,
                                          context=order_context(p.request)))
    if isinstance(done, Response):
        return done
    return render(p, "group.html", status=409 if "form" in done else 422, errors=done,
                  **_group_context(p, token))
