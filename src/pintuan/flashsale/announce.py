"""Outbox events at each slot's start and end, for webhooks and the merchant's tools.

(The storefront's live stream sees the same moments by polling; these are the durable
events.) One timer per event at a time: it fires at the next slot edge, announces every slot
that starts or ends at that instant, and schedules itself for the edge after. The edge is
in the timer's ref, so a handler run twice announces the same edge again (delivery is at
least once anyway) and schedules the same next timer.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pintuan.core import outbox, timers
from pintuan.core.tx import Tx
from pintuan.flashsale import store
from pintuan.flashsale.store import FlashEventRow, FlashItemRow, FlashSlotRow

EDGE_TIMER = "flashsale.slot_edge"


def _ref(event_id: str, at: datetime) -> str:
    return f"{event_id}@{int(at.timestamp())}"


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
    edge = datetime.fromtimestamp(int(stamp), UTC)
    event = store.get_event(tx, event_id)
    if event is None:
        return
    slots = store.slots(tx, event_id)
    items = store.items(tx, event_id)
    for s in slots:
        if int(s.ends_at.timestamp()) == int(stamp):
            _emit(tx, event, "flash_sale.slot_ended", s, items)
    for s in slots:
        if int(s.starts_at.timestamp()) == int(stamp):
            _emit(tx, event, "flash_sale.slot_started", s, items)
    schedule_next(tx, event_id, slots, edge)
