"""Outbox events at each slot's start and end, for webhooks and the merchant's tools.

(The storefront's live stream sees the same moments by polling; these are the durable
events.) One timer per event at a time: it fires at the next slot edge, announces every slot
that starts or ends at that instant, and schedules itself for the edge after. The edge is
in the timer's ref, so a handler run twice announces the same edge again (delivery is at
least once anyway) and schedules the same next timer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pintuan.core import outbox, timers
from pintuan.core.tx import Tx
from pintuan.flashsale import store
from pintuan.flashsale.store import FlashEventRow, FlashItemRow, FlashSlotRow

EDGE_TIMER = "flashsale.slot_edge"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _ref(event_id: str, at: datetime) -> str:
    """The edge to the microsecond (``@seconds`` or ``@seconds.micros``), so an edge between
    whole seconds is never taken for the one before it."""
    since = at - EPOCH
    seconds = since.days * 86400 + since.seconds
    return f"{event_id}@{seconds}" + (f".{since.microseconds:06d}" if since.microseconds else "")


def _edge(stamp: str) -> datetime:
    seconds, _, micros = stamp.partition(".")
    return EPOCH + timedelta(seconds=int(seconds), microseconds=int(micros or 0))


def schedule_next(tx: Tx, event_id: str, slots: list[FlashSlotRow], after: datetime) -> None:
    """The timer of the first slot edge later than ``after``, if any is left."""
    edges = sorted({e for s in slots for e in (s.starts_at, s.ends_at) if e > after})
    if edges:
        timers.schedule(tx, kind=EDGE_TIMER, ref=_ref(event_id, edges[0]), due_at=edges[0])


def _slot(s: FlashSlotRow) -> dict[str, object]:
    return {"id": s.id, "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat()}


def _figures(items: list[FlashItemRow]) -> list[dict[str, object]]:
    return [{"item_id": i.id, "quota": i.quota, "taken": i.taken,
             "remaining": 0 if i.ended else i.quota - i.taken} for i in items]


def event_data(e: FlashEventRow) -> dict[str, object]:
    return {"id": e.id, "title": e.title, "status": e.status,
            "starts_at": e.starts_at.isoformat(), "ends_at": e.ends_at.isoformat()}


def _emit(tx: Tx, event: FlashEventRow, type: str, slot: FlashSlotRow,
          items: list[FlashItemRow]) -> None:
    outbox.emit(tx, merchant_id=event.merchant_id, type=type,
                data={"flash_sale": event_data(event), "slot": _slot(slot),
                      "items": _figures(items)})


def slot_edge(tx: Tx, ref: str) -> None:
    """Timer handler: ``flash_sale.slot_started`` / ``flash_sale.slot_ended`` for the slots
    at this edge, with each item's counters."""
    event_id, _, stamp = ref.partition("@")
    edge = _edge(stamp)
    event = store.get_event(tx, event_id)
    if event is None:
        return
    slots = store.slots(tx, event_id)
    items = store.items(tx, event_id)
    for s in slots:
        if s.ends_at == edge:
            _emit(tx, event, "flash_sale.slot_ended", s, items)
    for s in slots:
        if s.starts_at == edge:
            _emit(tx, event, "flash_sale.slot_started", s, items)
    schedule_next(tx, event_id, slots, edge)
