"""Order use cases. What an order *is for* (a group seat, later a flash-sale unit) plugs in
through ``KindHooks``, registered by the capability above, so orders never import them.

Locks: whatever an order belongs to (its group) is locked first, by ``KindHooks.lock_scope``;
rows reached only through that scope (members, orders, payments) are then safe to take in any
order. Rows shared across scopes are always taken in one order: deal -> usage -> stock level.
That is why ``cancel`` lets the kind hook give back deal quota before stock moves. Flash-sale
orders have no scope: several are locked at once in id order (a batch whose hold ended), then
the shoppers' usage rows in shopper order, then the sale's item, then stock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from pintuan.catalog import service as catalog
from pintuan.catalog.model import Movement
from pintuan.catalog.store import StockLevelRow
from pintuan.core import outbox, timers
from pintuan.core.errors import NotFound
from pintuan.core.ids import new_id
from pintuan.core.tx import Tx
from pintuan.orders import store
from pintuan.orders.model import OrderStatus, check_transition, status_after_refund
from pintuan.orders.store import OrderLineRow, OrderRow

HOLD_TIMER = "order.hold"


class KindHooks(Protocol):
    def lock_scope(self, tx: Tx, order: OrderRow) -> None: ...
    def on_paid(self, tx: Tx, order: OrderRow) -> None: ...
    def on_cancelled(self, tx: Tx, found: Sequence[OrderRow]) -> None: ...
    def on_refunded(self, tx: Tx, order: OrderRow, amount_minor: int) -> None: ...


_HOOKS: dict[str, KindHooks] = {}
_HOLDS_STOCK: set[str] = set()


def register_kind(kind: str, hooks: KindHooks, *, kind_holds_stock: bool = False) -> None:
    """``kind_holds_stock``: the kind reserved the units itself (a flash-sale quota), so a
    cancelled order leaves stock to its ``on_cancelled`` hook instead of releasing it."""
    _HOOKS[kind] = hooks
    if kind_holds_stock:
        _HOLDS_STOCK.add(kind)


def hooks_for(order: OrderRow) -> KindHooks | None:
    return _HOOKS.get(order.kind)


CreatedListener = Callable[[Tx, OrderRow, Mapping[str, str]], None]
Made = Sequence[tuple[Mapping[str, Any], Mapping[str, str]]]  # (orders row values, context)
Buyers = Sequence[tuple[str, str, Mapping[str, str]]]  # (merchant id, shopper id, context)
AfterBulk = Callable[[Tx, Made], None]
BulkListener = Callable[[Tx, Buyers], AfterBulk | None]
_CREATED: list[tuple[CreatedListener, BulkListener | None]] = []


def on_created(listener: CreatedListener, *, bulk: BulkListener | None = None) -> None:
    """Capabilities above orders (creator referrals) see every new order inside its
    transaction, with the context the ordering request passed through (a referral cookie, a
    code). A listener that raises a domain error refuses the order. ``bulk`` is its form for
    the orders a hot path inserts many at a time (see ``before_bulk``); without one, the
    listener is called for each of them."""
    if all(known != listener for known, _ in _CREATED):
        _CREATED.append((listener, bulk))


def before_bulk(tx: Tx, buyers: Buyers) -> list[AfterBulk]:
    """A hot path (the flash-sale batch) is about to insert orders for these buyers itself,
    rows and ``order.created`` events included. Each bulk listener reads what it needs now,
    before the hot path locks its contended rows, and answers what it will do with the
    orders once they are written (nothing, usually: most buyers were referred by nobody);
    a listener without a bulk form will see each order. ``created_in_bulk`` runs the
    answers."""
    if not buyers:
        return []
    after: list[AfterBulk] = []
    for listener, bulk in _CREATED:
        if bulk is None:
            after.append(_each(listener))
        elif (then := bulk(tx, buyers)) is not None:
            after.append(then)
    return after


def _each(listener: CreatedListener) -> AfterBulk:
    def each(tx: Tx, made: Made) -> None:
        for values, context in made:
            listener(tx, OrderRow(**values), context)
    return each


def created_in_bulk(tx: Tx, made: Made, after: Sequence[AfterBulk]) -> None:
    """The orders a hot path inserted (the rows' values, since making thousands of
    ``OrderRow`` objects would cost the batch more than its SQL), in the same transaction,
    given to what ``before_bulk`` answered."""
    if made:
        for then in after:
            then(tx, made)


@dataclass(frozen=True)
class LineSpec:
    level: StockLevelRow
    quantity: int
    list_price_minor: int
    unit_price_minor: int


ORDER_FIELDS = ("id", "status", "kind", "ref", "shopper_id", "total_minor", "currency",
                "captured_minor", "refunded_minor")


def order_data(order: OrderRow) -> dict[str, object]:
    """An order as events carry it (``ORDER_FIELDS``)."""
    return {k: getattr(order, k) for k in ORDER_FIELDS}


def _emit(tx: Tx, order: OrderRow, type: str) -> None:
    outbox.emit(tx, merchant_id=order.merchant_id, type=type, data={"order": order_data(order)})


def create(tx: Tx, *, merchant_id: str, shopper_id: str, kind: str, ref: str | None,
           currency: str, lines: list[LineSpec],
           context: Mapping[str, str] | None = None,
           before_stock: Callable[[OrderRow], None] | None = None) -> OrderRow:
    """A pending order holding its stock until paid or until the hold expires.

    ``context`` (a referral cookie, a code) goes to the ``on_created`` listeners. Rows shared
    by many concurrent buyers (a deal's quota, then the stock level) are updated last, so
    their row locks are held only for the end of the transaction: the order's own rows are
    flushed first, then ``before_stock`` takes the caller's shared claims (in the lock order
    deal -> usage), then the stock moves.
    """
    order_id = new_id("ord")
    total = sum(line.unit_price_minor * line.quantity for line in lines)
    hold_until = tx.now() + timedelta(minutes=tx.settings.hold_minutes)
    order = OrderRow(id=order_id, merchant_id=merchant_id, shopper_id=shopper_id, kind=kind,
                     ref=ref, status=OrderStatus.PENDING_PAYMENT.value, currency=currency,
                     total_minor=total, hold_expires_at=hold_until, created_at=tx.now())
    store.add(tx, order)
    tx.session.flush()
    for line in lines:
        store.add(tx, OrderLineRow(
            id=new_id("oln"), order_id=order_id, merchant_id=merchant_id,
            sku_id=line.level.sku_id, stock_level_id=line.level.id, quantity=line.quantity,
            list_price_minor=line.list_price_minor, unit_price_minor=line.unit_price_minor,
            total_minor=line.unit_price_minor * line.quantity,
        ))
    timers.schedule(tx, kind=HOLD_TIMER, ref=order_id, due_at=hold_until)
    for listener, _ in _CREATED:
        listener(tx, order, context or {})
    _emit(tx, order, "order.created")
    if before_stock is not None:
        before_stock(order)
    tx.session.flush()
    for line in lines:
        catalog.move(tx, level=line.level, movement=Movement.RESERVE, quantity=line.quantity,
                     ref=order_id)
    return order


def get(tx: Tx, *, merchant_id: str, order_id: str) -> OrderRow:
    order = store.get(tx, order_id, merchant_id=merchant_id)
    if order is None:
        raise NotFound(f"no order {order_id}", code="order_not_found")
    return order


def lock(tx: Tx, order_id: str) -> OrderRow:
    """Take the order's scope locks, then the order's own; return it fresh."""
    order = store.get(tx, order_id)
    if order is None:
        raise NotFound(f"no order {order_id}", code="order_not_found")
    hooks = hooks_for(order)
    if hooks is not None:
        hooks.lock_scope(tx, order)
    locked = store.get(tx, order_id, lock=True)
    assert locked is not None
    return locked


def _set_status(order: OrderRow, target: OrderStatus) -> None:
    check_transition(OrderStatus(order.status), target)
    order.status = target.value


def _move_lines(tx: Tx, order: OrderRow, movement: Movement) -> None:
    for line in store.lines(tx, order.id):
        level = tx.session.get(StockLevelRow, line.stock_level_id)
        assert level is not None
        catalog.move(tx, level=level, movement=movement, quantity=line.quantity, ref=order.id)


def mark_paid(tx: Tx, order: OrderRow, *, amount_minor: int) -> None:
    _set_status(order, OrderStatus.PAID)
    order.captured_minor += amount_minor
    order.paid_at = tx.now()
    timers.cancel(tx, kind=HOLD_TIMER, ref=order.id)
    _emit(tx, order, "order.paid")
    hooks = hooks_for(order)
    if hooks is not None:
        hooks.on_paid(tx, order)


def confirm(tx: Tx, order: OrderRow) -> None:
    """The sale is final: held stock becomes sold."""
    _set_status(order, OrderStatus.CONFIRMED)
    order.confirmed_at = tx.now()
    _move_lines(tx, order, Movement.COMMIT)
    _emit(tx, order, "order.confirmed")


def cancel(tx: Tx, order: OrderRow, *, reason: str) -> None:
    """End an unpaid order: its stock and whatever the kind holds (a seat) come back."""
    cancel_many(tx, [order], reason=reason)


def cancel_many(tx: Tx, found: Sequence[OrderRow], *, reason: str) -> None:
    """``cancel`` for unpaid orders of one kind, locked by the caller; the kind's hook is
    told of them together (a flash-sale batch whose hold ended gives its units back to the
    item in one statement)."""
    if not found:
        return
    assert len({order.kind for order in found}) == 1, "orders of one kind at a time"
    now = tx.now()
    for order in found:
        _set_status(order, OrderStatus.CANCELLED)
        order.cancel_reason = reason
        order.closed_at = now
        _emit(tx, order, "order.cancelled")
    timers.cancel_many(tx, kind=HOLD_TIMER, refs=[order.id for order in found])
    # the orders' own rows are written by now; the shared rows (a sale's item, stock) last,
    # so their locks are held for the end of the transaction only
    hooks = hooks_for(found[0])
    if hooks is not None:
        hooks.on_cancelled(tx, found)
    for order in found:
        if order.kind not in _HOLDS_STOCK:
            _move_lines(tx, order, Movement.RELEASE)


def release_unsold(tx: Tx, order: OrderRow, *, reason: str) -> None:
    """A paid order that will never be fulfilled (its group failed): stock comes back now,
    the money when the refund succeeds."""
    order.cancel_reason = reason
    _move_lines(tx, order, Movement.RELEASE)


def record_extra_capture(order: OrderRow, *, amount_minor: int) -> None:
    """Money arrived for an order that no longer takes it (closed, or already paid); a refund
    of that payment follows."""
    order.captured_minor += amount_minor


def record_refund(tx: Tx, order: OrderRow, *, amount_minor: int) -> None:
    order.refunded_minor += amount_minor
    target = status_after_refund(OrderStatus(order.status), order.captured_minor,
                                 order.refunded_minor, order.total_minor)
    if target.value != order.status:
        _set_status(order, target)
    if order.refunded_minor >= order.captured_minor:
        order.closed_at = order.closed_at or tx.now()
    _emit(tx, order, "order.refunded" if target is OrderStatus.REFUNDED
          else "order.refund_recorded")
    hooks = hooks_for(order)
    if hooks is not None:
        hooks.on_refunded(tx, order, amount_minor)


def expire_hold(tx: Tx, order_id: str) -> None:
    """Timer handler: cancel the order if it is still unpaid."""
    order = lock(tx, order_id)
    if order.status == OrderStatus.PENDING_PAYMENT.value:
        cancel(tx, order, reason="hold_expired")
