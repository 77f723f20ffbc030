"""How orders of kind ``flashsale`` tell their item about payment and cancellation.

A unit stays reserved in stock from event setup until it is sold. A paid order is confirmed
at once (reserved -> sold). A cancelled or expired order gives its units back to the quota,
where the next shopper can buy them, or, once the event has ended, back to ordinary stock.
The shopper's limits are given back too.
"""

from __future__ import annotations

from pintuan.catalog import service as catalog
from pintuan.catalog.model import Movement
from pintuan.core import outbox
from pintuan.core.tx import Tx
from pintuan.flashsale import store
from pintuan.orders import service as orders
from pintuan.orders.store import OrderRow

KIND = "flashsale"


class FlashsaleHooks:
    def lock_scope(self, tx: Tx, order: OrderRow) -> None:
        """Nothing to lock first: the item row is only changed by single guarded statements,
        and a batch takes shoppers' limit rows before the item row, as ``on_cancelled``
        does, so the two never wait on each other in opposite orders."""

    def on_paid(self, tx: Tx, order: OrderRow) -> None:
        orders.confirm(tx, order)

    def on_cancelled(self, tx: Tx, order: OrderRow) -> None:
        entry = store.flash_order(tx, order.id)
        assert entry is not None
        # both scopes: one the buy was not counted in (``model.limit_scopes``) has no row
        store.return_usage(tx, scopes=[entry.slot_id, entry.event_id],
                           shopper_id=entry.shopper_id, units=entry.quantity)
        to_stock = store.give_back(tx, item_id=entry.item_id, units=entry.quantity)
        if to_stock:
            item = store.get_item(tx, entry.item_id)
            assert item is not None
            level = catalog.level_by_id(tx, level_id=item.stock_level_id)
            catalog.move(tx, level=level, movement=Movement.RELEASE, quantity=entry.quantity,
                         ref=order.id)
        outbox.emit(tx, merchant_id=order.merchant_id, type="flash_sale.unit_returned",
                    data={"item_id": entry.item_id, "order_id": order.id,
                          "units": entry.quantity, "to": "stock" if to_stock else "quota"})

    def on_refunded(self, tx: Tx, order: OrderRow, amount_minor: int) -> None:
        """A refund after confirmation is the returns flow's business, not the quota's."""


orders.register_kind(KIND, FlashsaleHooks(), kind_holds_stock=True)
