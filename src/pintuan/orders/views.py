"""Orders as the API shows them, with their lines, payments and refunds."""

from __future__ import annotations

from pintuan.core.tx import Tx
from pintuan.orders import store
from pintuan.orders.schemas import LineOut, OrderOut, PaymentOut, RefundOut
from pintuan.orders.store import OrderRow
from pintuan.payments import service as payments


def order_out(tx: Tx, order: OrderRow, *, detail: bool = True) -> OrderOut:
    out = OrderOut.model_validate(order)
    out.lines = [LineOut.model_validate(line) for line in store.lines(tx, order.id)]
    if detail:
        out.payments = [PaymentOut.model_validate(p)
                        for p in payments.payments_of(tx, order_id=order.id)]
        out.refunds = [RefundOut.model_validate(r)
                       for r in payments.refunds_of(tx, order_id=order.id)]
    return out
