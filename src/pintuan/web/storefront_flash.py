"""Storefront: the store's flash sales. Current and upcoming slots with countdowns counted on
the server, units left, and a buy button: a plain form that joins the same batched buy as
``POST /v1/me/flash-orders``, so it works without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from pintuan.core import idempotency
from pintuan.core.errors import DomainError, NotFound
from pintuan.core.ids import new_token
from pintuan.core.signing import digest
from pintuan.core.tx import Tx
from pintuan.flashsale import buy_api
from pintuan.flashsale import service as flash
from pintuan.flashsale.engine import BuyRequest
from pintuan.flashsale.model import Slot, SlotState, countdown, state
from pintuan.flashsale.service import EventView
from pintuan.flashsale.store import FlashSlotRow
from pintuan.http import order_context, read
from pintuan.merchants import service as merchants
from pintuan.merchants.store import MerchantRow
from pintuan.web import shopper
from pintuan.web.forms import Fields
from pintuan.web.pages import SHOPPER_COOKIE, Page, PageDep, form, redirect, render

router = APIRouter(include_in_schema=False)
NEXT_SLOTS = 5


@dataclass(frozen=True)
class EventCard:
    """An event as a shopper sees it: the slot selling now or the next one, its countdown
    in seconds (to its end when live, to its start when upcoming), and later slots."""

    view: EventView
    slot: FlashSlotRow
    live: bool
    seconds: int
    later: list[FlashSlotRow]


def card(view: EventView, now: datetime) -> EventCard | None:
    ahead = [(s, state(Slot(s.starts_at, s.ends_at), now)) for s in view.slots]
    ahead = [(s, st) for s, st in ahead if st is not SlotState.ENDED]
    if not ahead:
        return None
    slot, st = ahead[0]
    return EventCard(view=view, slot=slot, live=st is SlotState.LIVE,
                     seconds=countdown(Slot(slot.starts_at, slot.ends_at), now),
                     later=[s for s, _ in ahead[1:NEXT_SLOTS + 1]])


def _context(p: Page, slug: str) -> dict[str, Any]:
    def load(tx: Tx) -> dict[str, Any]:
        merchant = merchants.merchant_by_slug(tx, slug)
        now = tx.now()
        cards = [c for v in flash.storefront(tx, merchant_id=merchant.id)
                 if (c := card(v, now)) is not None]
        return {"merchant": merchant, "me": shopper.current(p, tx, merchant.id),
                "cards": cards, "now": now, "nonce": new_token(12)}
    return read(p.c, load)


@router.get("/s/{slug}/flash")
def flash_page(slug: str, p: PageDep) -> Response:
    return render(p, "flash.html", **_context(p, slug))


def _signed_in(p: Page, tx: Tx, slug: str) -> MerchantRow:
    """The store, once its shopper is signed in (else off to sign in, then back here)."""
    merchant = merchants.merchant_by_slug(tx, slug)
    shopper.required(p, tx, merchant, back=f"/s/{slug}/flash")
    return merchant


@router.post("/s/{slug}/flash/{item_id}/buy")
async def buy(slug: str, item_id: str, p: PageDep) -> Response:
    """One buy per form (its nonce and the item make the Idempotency-Key): on to the order's
    checkout page, or the flash page again with the reason (sold out, over the limit...)."""
    data = await form(p)
    merchant = read(p.c, lambda tx: _signed_in(p, tx, slug))
    f = Fields(p, data)
    quantity = f.integer("quantity", p.t("deal.quantity"), lo=1, hi=10_000, default=1)
    room = buy_api.room_of(p.request)
    token_hash = digest(p.request.cookies.get(SHOPPER_COOKIE, ""))
    try:
        await buy_api.limits_of(p.request).check(
            p.request.client.host if p.request.client is not None else "?", token_hash)
        facts = await room.batcher.item(item_id) if len(item_id) <= 40 else None
        if facts is None or facts.item.merchant_id != merchant.id:
            raise NotFound(f"no flash-sale item {item_id[:40]}", code="item_not_found")
        if not f.ok:
            return render(p, "flash.html", status=422, error=f.errors["quantity"],
                          **_context(p, slug))
    except DomainError as exc:
        if exc.status == 404:
            raise
        return render(p, "flash.html", status=exc.status, error=exc.detail, **_context(p, slug))
    nonce = data.get("nonce", "")
    key = f"{nonce}-{item_id}" if 8 <= len(nonce) <= 20 else None
    fp = idempotency.fingerprint("POST", p.request.url.path, f"{item_id}:{quantity}".encode())
    context = order_context(p.request)
    status, body = await room.buy(facts, BuyRequest(token_hash, quantity, key, fp,
                                                    context or None), None)
    if status == 201:
        return redirect(p, f"/s/{slug}/orders/{body['id']}")
    return render(p, "flash.html", status=status, error=str(body.get("detail", "")),
                  **_context(p, slug))
