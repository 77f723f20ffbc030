"""How orders of kind ``flashsale`` tell their item about payment and cancellation.

A unit stays reserved in stock from event setup until it is sold. A paid order is confirmed
at once (reserved -> sold). A cancelled or expired order gives its units back to the quota,
where the next shopper can buy them, or, once the event has ended, back to ordinary stock.
The shopper's limits are given back too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from pintuan.catalog import service as catalog
from pintuan.catalog.model import Movement
from pintuan.catalog.store import StockLevelRow
from pintuan.core import outbox
from pintuan.core.tx import Tx
from pintuan.flashsale import hot_store, store
from pintuan.flashsale.store import FlashOrderRow
from pintuan.orders import service as orders
from pintuan.orders import store as order_store
from pintuan.orders.model import OrderStatus
from pintuan.orders.store import OrderRow

KIND = "flashsale"
HOLD_TIMER = "flash_sale.hold"


class FlashsaleHooks:
    def lock_scope(self, tx: Tx, order: OrderRow) -> None:
        """Nothing to lock first: the item row is only changed by single guarded statements,
        and a batch takes shoppers' limit rows before the item row, as ``on_cancelled``
        does, so the two never wait on each other in opposite orders."""

    def on_paid(self, tx: Tx, order: OrderRow) -> None:
        orders.confirm(tx, order)

    def on_cancelled(self, tx: Tx, found: Sequence[OrderRow]) -> None:
        """The orders' units go back to their item in one statement per item, and their
        shoppers' limits in one per scope: both scopes (a scope the buy was not counted in,
        see ``model.limit_scopes``, has no row, or, for orders from before that rule, the
        row it was counted in). Rows are taken as a batch takes them: usage rows in shopper
        order, then the item's, held from then to the COMMIT (only the units' events, one
        row per order, and stock movements once the sale has ended, are written after it)."""
        merchant = {order.id: order.merchant_id for order in found}
        entries = store.flash_orders(tx, list(merchant))
        assert len(entries) == len(found), "every flash order has its flash_orders row"
        by_item: dict[tuple[str, str, str], list[FlashOrderRow]] = defaultdict(list)
        for entry in entries:
            by_item[(entry.item_id, entry.slot_id, entry.event_id)].append(entry)
        for (item_id, slot_id, event_id), group in sorted(by_item.items()):
            units: Counter[str] = Counter()
            for entry in group:
                units[entry.shopper_id] += entry.quantity
            for scope in (slot_id, event_id):
                hot_store.undo_usage(tx, scope, list(units.items()))
            to_stock = store.give_back(tx, item_id=item_id, units=sum(units.values()))
            level = _level(tx, item_id) if to_stock else None
            for entry in group:
                if level is not None:
                    catalog.move(tx, level=level, movement=Movement.RELEASE,
                                 quantity=entry.quantity, ref=entry.order_id)
                outbox.emit(tx, merchant_id=merchant[entry.order_id],
                            type="flash_sale.unit_returned",
                            data={"item_id": item_id, "order_id": entry.order_id,
                                  "units": entry.quantity,
                                  "to": "stock" if to_stock else "quota"})

    def on_refunded(self, tx: Tx, order: OrderRow, amount_minor: int) -> None:
        """A refund after confirmation is the returns flow's business, not the quota's."""


def _level(tx: Tx, item_id: str) -> StockLevelRow:
    item = store.get_item(tx, item_id)
    assert item is not None
    return catalog.level_by_id(tx, level_id=item.stock_level_id)


def expire_batch(tx: Tx, event_id: str) -> None:
    """Timer handler (``HOLD_TIMER``, one per batch, its ref the batch's
    ``flash_sale.orders_created`` event, which lists the batch's orders; they share one
    hold): the orders still unpaid are cancelled together, their units given back to the
    item in one statement. Idempotent: paid and already cancelled orders are left alone."""
    ids = store.batch_order_ids(tx, event_id)
    unpaid = [order for order in order_store.lock_many(tx, ids)
              if order.status == OrderStatus.PENDING_PAYMENT.value]
    orders.cancel_many(tx, unpaid, reason="hold_expired")


orders.register_kind(KIND, FlashsaleHooks(), kind_holds_stock=True)
