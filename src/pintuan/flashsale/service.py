"""Flash-sale setup and reading: schedule an event, list it, show shoppers its slots.

Setting an event up reserves each item's quota out of ordinary stock through the stock
ledger (ref = the event id); the end timer gives back what was not sold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pintuan.catalog import service as catalog
from pintuan.catalog.model import Movement
from pintuan.core import outbox, timers
from pintuan.core.errors import NotFound, ValidationFailed
from pintuan.core.ids import new_id
from pintuan.core.tx import Tx
from pintuan.flashsale import store
from pintuan.flashsale.announce import event_data, schedule_next
from pintuan.flashsale.live import Snapshot
from pintuan.flashsale.model import (
    Limits,
    Slot,
    check_sale_price,
    check_slots,
    per_second,
    prior_lowest,
    state,
)
from pintuan.flashsale.store import FlashEventRow, FlashItemRow, FlashSlotRow

END_TIMER = "flashsale.end"
MAX_ITEMS = 50


@dataclass(frozen=True)
class ItemSpec:
    sku_id: str
    sale_price_minor: int
    quota: int


@dataclass(frozen=True)
class EventSpec:
    title: str
    price_rule_days: int
    limits: Limits
    slots: list[Slot]
    items: list[ItemSpec]


@dataclass(frozen=True)
class EventView:
    event: FlashEventRow
    slots: list[FlashSlotRow]
    items: list[FlashItemRow]


def _check_items(items: list[ItemSpec]) -> None:
    if not 1 <= len(items) <= MAX_ITEMS:
        raise ValidationFailed(f"an event has 1-{MAX_ITEMS} items", code="bad_items")
    if len({i.sku_id for i in items}) != len(items):
        raise ValidationFailed("a SKU appears twice in the event", code="duplicate_sku")


def _item(tx: Tx, *, merchant_id: str, event_id: str, spec: ItemSpec, first_start: datetime,
          days: int) -> FlashItemRow:
    sku = catalog.get_sku(tx, merchant_id=merchant_id, sku_id=spec.sku_id)
    lowest = prior_lowest(catalog.price_history(tx, merchant_id=merchant_id, sku_id=sku.id),
                          current=sku.list_price_minor, before=first_start, days=days)
    check_sale_price(sale=spec.sale_price_minor, lowest=lowest, days=days)
    level = catalog.level_for(tx, merchant_id=merchant_id, sku_id=sku.id, location_id=None)
    catalog.move(tx, level=level, movement=Movement.RESERVE, quantity=spec.quota, ref=event_id,
                 note="flash-sale quota")
    return FlashItemRow(id=new_id("fsi"), event_id=event_id, merchant_id=merchant_id,
                        sku_id=sku.id, stock_level_id=level.id, title=sku.title,
                        currency=sku.currency, list_price_minor=sku.list_price_minor,
                        prior_lowest_minor=lowest, sale_price_minor=spec.sale_price_minor,
                        quota=spec.quota)


def create_event(tx: Tx, *, merchant_id: str, spec: EventSpec) -> EventView:
    spec.limits.validate()
    slots = check_slots(spec.slots, tx.now())
    _check_items(spec.items)
    event = FlashEventRow(
        id=new_id("fse"), merchant_id=merchant_id, title=spec.title, status="scheduled",
        price_rule_days=spec.price_rule_days, per_order_limit=spec.limits.per_order,
        per_slot_limit=spec.limits.per_slot, per_event_limit=spec.limits.per_event,
        starts_at=slots[0].starts_at, ends_at=slots[-1].ends_at, created_at=tx.now())
    store.add(tx, event)
    tx.session.flush()
    slot_rows = [FlashSlotRow(id=new_id("fss"), event_id=event.id, merchant_id=merchant_id,
                              starts_at=s.starts_at, ends_at=s.ends_at) for s in slots]
    item_rows = [_item(tx, merchant_id=merchant_id, event_id=event.id, spec=i,
                       first_start=slots[0].starts_at, days=spec.price_rule_days)
                 for i in spec.items]
    tx.session.add_all([*slot_rows, *item_rows])
    tx.session.flush()
    timers.schedule(tx, kind=END_TIMER, ref=event.id, due_at=event.ends_at)
    schedule_next(tx, event.id, slot_rows, tx.now())
    outbox.emit(tx, merchant_id=merchant_id, type="flash_sale.created",
                data={"flash_sale": event_data(event)})
    return EventView(event, slot_rows, item_rows)


def view(tx: Tx, event: FlashEventRow) -> EventView:
    return EventView(event, store.slots(tx, event.id), store.items(tx, event.id))


def get_event(tx: Tx, *, merchant_id: str, event_id: str) -> EventView:
    event = store.get_event(tx, event_id, merchant_id=merchant_id)
    if event is None:
        raise NotFound(f"no flash sale {event_id}", code="flash_sale_not_found")
    return view(tx, event)


def storefront(tx: Tx, *, merchant_id: str) -> list[EventView]:
    """Events of a store that have a slot still to come or selling now."""
    return [view(tx, e) for e in store.open_events(tx, merchant_id, tx.now())]


def snapshot(tx: Tx, *, merchant_id: str, event_id: str) -> Snapshot:
    """The sale's live counters and slot states, for the SSE stream."""
    v = get_event(tx, merchant_id=merchant_id, event_id=event_id)
    now = tx.now()
    return Snapshot(
        at=now, status=v.event.status,
        items={i.id: (0 if i.ended else i.quota - i.taken, i.taken) for i in v.items},
        slots={s.id: state(Slot(s.starts_at, s.ends_at), now).value for s in v.slots})


@dataclass(frozen=True)
class ItemReport:
    item: FlashItemRow
    orders: dict[str, int]
    per_second: list[tuple[datetime, int]]
    rejections: dict[str, int]


def report(tx: Tx, *, merchant_id: str, event_id: str) -> tuple[EventView, list[ItemReport]]:
    """Sales per second, order outcomes and refusals by reason, per item."""
    v = get_event(tx, merchant_id=merchant_id, event_id=event_id)
    refused = store.rejections(tx, [i.id for i in v.items])
    return v, [ItemReport(i, store.order_statuses(tx, i.id),
                          per_second(store.accepted_times(tx, i.id)), refused[i.id])
               for i in v.items]


def end_event(tx: Tx, event_id: str) -> None:
    """End timer: unsold quota goes back to stock; later cancellations return to stock too."""
    event = store.due_ended(tx, event_id)
    if event is None or event.status != "scheduled":
        return
    figures = []
    for item in store.items(tx, event.id, lock=True):
        unsold = item.quota - item.taken
        if unsold:
            level = catalog.level_by_id(tx, level_id=item.stock_level_id)
            catalog.move(tx, level=level, movement=Movement.RELEASE, quantity=unsold,
                         ref=event.id, note="flash-sale quota returned")
        figures.append({"item_id": item.id, "quota": item.quota, "sold": item.taken})
        item.quota, item.ended = item.taken, True
    event.status, event.ended_at = "ended", tx.now()
    outbox.emit(tx, merchant_id=event.merchant_id, type="flash_sale.ended",
                data={"flash_sale": event_data(event), "items": figures})
