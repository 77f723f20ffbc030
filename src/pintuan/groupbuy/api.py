"""Group-buy endpoints: merchants publish deals and watch groups; shoppers open, join, leave."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from functools import partial

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from pintuan.core.errors import NotFound
from pintuan.core.tx import Tx
from pintuan.groupbuy import deals, service, store
from pintuan.groupbuy.deals import DealSpec
from pintuan.groupbuy.schemas import (
    DealIn,
    DealOut,
    GroupOut,
    JoinedOut,
    JoinIn,
    OpenIn,
    StoreDealOut,
)
from pintuan.groupbuy.service import Joined
from pintuan.groupbuy.views import group_out, group_outs
from pintuan.http import (
    ContainerDep,
    Merchant,
    RawBody,
    Shopper,
    container,
    order_context,
    read,
    write,
    write_idempotent,
)
from pintuan.merchants import service as merchants
from pintuan.orders.views import order_out
from pintuan.schemas import Page

router = APIRouter(prefix="/v1", tags=["group buying"])


@router.post("/deals", status_code=201, response_model=DealOut)
def create_deal(body: DealIn, m: Merchant, c: ContainerDep) -> DealOut:
    spec = DealSpec(**body.model_dump())
    return write(c, lambda tx: DealOut.model_validate(
        deals.create(tx, merchant_id=m.merchant_id, spec=spec)))


@router.get("/deals", response_model=Page[DealOut])
def list_deals(m: Merchant, c: ContainerDep, after: str | None = Query(None, max_length=40),
               limit: int = Query(50, ge=1, le=200)) -> Page[DealOut]:
    def action(tx: Tx) -> Page[DealOut]:
        rows = store.deals(tx, m.merchant_id, after=after, limit=limit + 1)
        return Page(data=[DealOut.model_validate(d) for d in rows[:limit]],
                    has_more=len(rows) > limit)
    return read(c, action)


@router.get("/deals/{deal_id}", response_model=DealOut)
def get_deal(deal_id: str, m: Merchant, c: ContainerDep) -> DealOut:
    return read(c, lambda tx: DealOut.model_validate(
        deals.get(tx, merchant_id=m.merchant_id, deal_id=deal_id)))


@router.post("/deals/{deal_id}/pause", response_model=DealOut)
def pause_deal(deal_id: str, m: Merchant, c: ContainerDep) -> DealOut:
    return write(c, lambda tx: DealOut.model_validate(
        deals.set_paused(tx, merchant_id=m.merchant_id, deal_id=deal_id, paused=True)))


@router.post("/deals/{deal_id}/resume", response_model=DealOut)
def resume_deal(deal_id: str, m: Merchant, c: ContainerDep) -> DealOut:
    return write(c, lambda tx: DealOut.model_validate(
        deals.set_paused(tx, merchant_id=m.merchant_id, deal_id=deal_id, paused=False)))


@router.get("/groups", response_model=Page[GroupOut])
def list_groups(m: Merchant, c: ContainerDep, deal_id: str | None = Query(None, max_length=40),
                status: str | None = Query(None, pattern="^(open|completed|failed)$"),
                after: str | None = Query(None, max_length=40),
                limit: int = Query(50, ge=1, le=200)) -> Page[GroupOut]:
    def action(tx: Tx) -> Page[GroupOut]:
        rows = store.groups(tx, m.merchant_id, deal_id=deal_id, status=status, after=after,
                            limit=limit + 1)
        return Page(data=group_outs(tx, rows[:limit]), has_more=len(rows) > limit)
    return read(c, action)


@router.get("/groups/{group_id}", response_model=GroupOut)
def get_group(group_id: str, m: Merchant, c: ContainerDep) -> GroupOut:
    return read(c, lambda tx: group_out(
        tx, service.resolve(tx, merchant_id=m.merchant_id, group_ref=group_id)))


def _joined_out(tx: Tx, joined: Joined) -> JoinedOut:
    return JoinedOut(group=group_out(tx, joined.group, joined.members),
                     order=order_out(tx, joined.order, detail=False),
                     member_id=joined.member_id, redirected_from=joined.redirected_from)


@router.post("/me/groups", status_code=201, response_model=JoinedOut, tags=["shopper"])
def open_group(body: OpenIn, request: Request, raw: RawBody, s: Shopper,
               c: ContainerDep) -> JSONResponse:
    return write_idempotent(c, request, raw, scope=f"{s.shopper_id}:open", action=lambda tx:
                            _joined_out(tx, service.open_group(
                                tx, merchant_id=s.merchant_id, shopper_id=s.shopper_id,
                                deal_id=body.deal_id, quantity=body.quantity,
                                context=order_context(request, ref=body.ref,
                                                      code=body.creator_code))))


@router.post("/me/groups/{group_ref}/join", status_code=201, response_model=JoinedOut,
             tags=["shopper"])
def join_group(group_ref: str, body: JoinIn, request: Request, raw: RawBody, s: Shopper,
               c: ContainerDep) -> JSONResponse:
    return write_idempotent(c, request, raw, scope=f"{s.shopper_id}:join", action=lambda tx:
                            _joined_out(tx, service.join_group(
                                tx, merchant_id=s.merchant_id, shopper_id=s.shopper_id,
                                group_ref=group_ref, quantity=body.quantity,
                                context=order_context(request, ref=body.ref,
                                                      code=body.creator_code))))


@router.post("/me/groups/{group_ref}/leave", response_model=GroupOut, tags=["shopper"])
def leave_group(group_ref: str, s: Shopper, c: ContainerDep) -> GroupOut:
    return write(c, lambda tx: group_out(tx, service.leave_group(
        tx, merchant_id=s.merchant_id, shopper_id=s.shopper_id, group_ref=group_ref)))


@router.get("/me/groups", response_model=list[GroupOut], tags=["shopper"])
def my_groups(s: Shopper, c: ContainerDep) -> list[GroupOut]:
    return read(c, lambda tx: group_outs(tx, store.groups_of_shopper(tx, s.shopper_id, limit=50)))


@router.get("/stores/{slug}/deals", response_model=list[StoreDealOut], tags=["storefront"])
def store_deals(slug: str, c: ContainerDep) -> list[StoreDealOut]:
    def action(tx: Tx) -> list[StoreDealOut]:
        merchant = merchants.merchant_by_slug(tx, slug)
        live = store.live_deals(tx, merchant.id, tx.now())
        groups = store.open_groups_of_deals(tx, [d.id for d in live], per_deal=20)
        views = {g.id: g for g in group_outs(tx, groups)}
        return [StoreDealOut(**DealOut.model_validate(d).model_dump(),
                             open_groups=[views[g.id] for g in groups if g.deal_id == d.id])
                for d in live]
    return read(c, action)


@router.get("/share/{token}", response_model=GroupOut, tags=["storefront"])
def shared_group(token: str, c: ContainerDep) -> GroupOut:
    return read(c, lambda tx: group_out(tx, _by_token(tx, token)))


def _version(tx: Tx, *, group_id: str) -> int | None:
    return store.version(tx, group_id)


def _by_token(tx: Tx, token: str) -> store.GroupRow:
    row = store.group_by_token(tx, token)
    if row is None:
        raise NotFound("no such group", code="group_not_found")
    return row


@router.get("/share/{token}/events", tags=["storefront"],
            response_description="text/event-stream of `group` events, one per change")
async def shared_group_events(token: str, request: Request) -> StreamingResponse:
    c = container(request)
    first = await run_in_threadpool(read, c, lambda tx: group_out(tx, _by_token(tx, token)))

    async def stream() -> AsyncIterator[bytes]:
        view: GroupOut = first
        idle = 0
        while True:
            yield b"event: group\ndata: " + orjson.dumps(view.model_dump(mode="json")) + b"\n\n"
            if view.status != "open":
                return
            while not await request.is_disconnected():
                await asyncio.sleep(c.settings.sse_poll_seconds)
                now = await run_in_threadpool(read, c, partial(_version, group_id=view.id))
                if now != view.version:
                    break
                idle += 1
                if idle % 30 == 0:
                    yield b": keep-alive\n\n"
            else:
                return
            view = await run_in_threadpool(read, c, lambda tx: group_out(tx, _by_token(tx, token)))

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
