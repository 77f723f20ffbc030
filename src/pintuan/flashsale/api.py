"""Flash-sale endpoints: merchants schedule events; shoppers see slots with countdowns.

The buy itself is ``POST /v1/me/flash-orders``, answered by ``buy_api.front_door`` before
the app's router (see ``api.App``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from pintuan.core.tx import Tx
from pintuan.flashsale import service, store
from pintuan.flashsale.live import Snapshot, changes
from pintuan.flashsale.model import DailySession, Limits, Slot, countdown, daily_slots, state
from pintuan.flashsale.schemas import (
    EventIn,
    EventOut,
    ItemOut,
    ItemReportOut,
    ReportOut,
    SecondOut,
    SlotOut,
    StoreEventsOut,
)
from pintuan.flashsale.service import EventSpec, EventView, ItemSpec
from pintuan.http import ContainerDep, Merchant, container, read, write
from pintuan.merchants import service as merchants
from pintuan.schemas import Page

router = APIRouter(prefix="/v1", tags=["flash sales"])
STORE_SLOTS = 20


def _slots(body: EventIn) -> list[Slot]:
    if body.slots is not None:
        return [Slot(s.starts_at, s.ends_at) for s in body.slots]
    assert body.daily is not None
    d = body.daily
    return daily_slots(first_day=d.first_day, days=d.days, timezone=d.timezone,
                       sessions=[DailySession(t, d.minutes) for t in d.starts])


def event_out(tx: Tx, v: EventView, *, upcoming_only: bool = False) -> EventOut:
    now = tx.now()
    slots = [SlotOut(id=s.id, starts_at=s.starts_at, ends_at=s.ends_at,
                     state=state(Slot(s.starts_at, s.ends_at), now).value,
                     seconds_to_change=countdown(Slot(s.starts_at, s.ends_at), now))
             for s in v.slots]
    if upcoming_only:
        slots = [s for s in slots if s.state != "ended"][:STORE_SLOTS]
    items = [ItemOut(id=i.id, sku_id=i.sku_id, title=i.title, currency=i.currency,
                     list_price_minor=i.list_price_minor,
                     prior_lowest_minor=i.prior_lowest_minor,
                     sale_price_minor=i.sale_price_minor, quota=i.quota, taken=i.taken,
                     remaining=0 if i.ended else i.quota - i.taken, ended=i.ended)
             for i in v.items]
    e = v.event
    return EventOut(id=e.id, title=e.title, status=e.status, price_rule_days=e.price_rule_days,
                    per_order_limit=e.per_order_limit, per_slot_limit=e.per_slot_limit,
                    per_event_limit=e.per_event_limit, starts_at=e.starts_at,
                    ends_at=e.ends_at, created_at=e.created_at, server_time=now, slots=slots,
                    items=items)


@router.post("/flash-sales", status_code=201, response_model=EventOut)
def create_event(body: EventIn, m: Merchant, c: ContainerDep) -> EventOut:
    def action(tx: Tx) -> EventOut:
        spec = EventSpec(
            title=body.title, price_rule_days=body.price_rule_days,
            limits=Limits(body.per_order_limit, body.per_slot_limit, body.per_event_limit),
            slots=_slots(body),
            items=[ItemSpec(i.sku_id, i.sale_price_minor, i.quota) for i in body.items])
        return event_out(tx, service.create_event(tx, merchant_id=m.merchant_id, spec=spec))
    return write(c, action)


@router.get("/flash-sales", response_model=Page[EventOut])
def list_events(m: Merchant, c: ContainerDep, after: str | None = Query(None, max_length=40),
                limit: int = Query(20, ge=1, le=100)) -> Page[EventOut]:
    def action(tx: Tx) -> Page[EventOut]:
        rows = store.events(tx, m.merchant_id, after=after, limit=limit + 1)
        return Page(data=[event_out(tx, service.view(tx, e)) for e in rows[:limit]],
                    has_more=len(rows) > limit)
    return read(c, action)


@router.get("/flash-sales/{event_id}", response_model=EventOut)
def get_event(event_id: str, m: Merchant, c: ContainerDep) -> EventOut:
    return read(c, lambda tx: event_out(tx, service.get_event(
        tx, merchant_id=m.merchant_id, event_id=event_id)))


def _item_report(r: service.ItemReport) -> ItemReportOut:
    accepted, refused = sum(n for _, n in r.per_second), sum(r.rejections.values())
    return ItemReportOut(
        item_id=r.item.id, quota=r.item.quota, taken=r.item.taken, accepted=accepted,
        refused=refused, acceptance_rate=round(accepted / max(1, accepted + refused), 4),
        peak_accepted_per_s=max((n for _, n in r.per_second), default=0), orders=r.orders,
        rejections=r.rejections, per_second=[SecondOut(at=at, accepted=n)
                                             for at, n in r.per_second])


@router.get("/flash-sales/{event_id}/report", response_model=ReportOut)
def event_report(event_id: str, m: Merchant, c: ContainerDep) -> ReportOut:
    """After (or during) the sale: sales per second, acceptance, refusals by reason."""
    def action(tx: Tx) -> ReportOut:
        v, items = service.report(tx, merchant_id=m.merchant_id, event_id=event_id)
        return ReportOut(event_id=v.event.id, status=v.event.status,
                         items=[_item_report(r) for r in items])
    return read(c, action)


@router.get("/stores/{slug}/flash-sales", response_model=StoreEventsOut, tags=["storefront"])
def store_events(slug: str, c: ContainerDep) -> StoreEventsOut:
    """Current and upcoming slots, with the server's time and countdowns in seconds."""
    def action(tx: Tx) -> StoreEventsOut:
        merchant = merchants.merchant_by_slug(tx, slug)
        views = service.storefront(tx, merchant_id=merchant.id)
        return StoreEventsOut(server_time=tx.now(),
                              events=[event_out(tx, v, upcoming_only=True) for v in views])
    return read(c, action)


@router.get("/stores/{slug}/flash-sales/{event_id}/live", tags=["storefront"],
            response_description="text/event-stream: `counters` (remaining, taken, orders/s "
            "per item) when they change, `sold_out`, `slot_started`, `slot_ended`, `ended`")
async def live(slug: str, event_id: str, request: Request) -> StreamingResponse:
    """Live counters for the storefront and the console."""
    c = container(request)

    def read_snapshot() -> Snapshot:
        def action(tx: Tx) -> Snapshot:
            merchant = merchants.merchant_by_slug(tx, slug)
            return service.snapshot(tx, merchant_id=merchant.id, event_id=event_id)
        return read(c, action)

    first = await run_in_threadpool(read_snapshot)

    async def stream() -> AsyncIterator[bytes]:
        prev, cur, quiet = None, first, 0
        while True:
            sent = changes(prev, cur)
            for name, data in sent:
                yield b"event: " + name.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"
            if cur.status == "ended" or await request.is_disconnected():
                return
            quiet = 0 if sent else quiet + 1
            if quiet and quiet % 30 == 0:
                yield b": keep-alive\n\n"
            await asyncio.sleep(c.settings.sse_poll_seconds)
            prev, cur = cur, await run_in_threadpool(read_snapshot)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
