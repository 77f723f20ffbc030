"""The batched buy: many shoppers' requests for one item, decided in ONE transaction.

Steps, all inside the caller's transaction (which commits before anyone is answered):
1. the slot must be live (no writes otherwise);
2. the shoppers' session tokens are resolved in one SELECT (a flash crowd is mostly shoppers
   never seen before, so a per-request lookup would cost a round trip each);
3. Idempotency-Keys are claimed (a key already owned elsewhere is answered by replay);
4. one statement counts the units against the per-slot and the per-event limits (only the
   event's when the slot's cannot refuse anyone: ``model.limit_scopes``); those under only
   one of them give those units back;
5. one statement takes the units the admitted asked for with a guarded UPDATE of the item's
   row and, when all were granted (always, until the quota runs out), inserts in bulk the
   orders (kind ``flashsale``, pending payment), lines, an ``order.created`` event per
   order (as every other order emits) and one ``flash_sale.orders_created`` event listing
   them (each kind in the event log only, not queued for dispatch, when no consumer wants
   it: no enabled webhook endpoint of the merchant subscribes to it, read before this
   step), and ONE hold timer for them all (they share their hold;
   ``lifecycle.expire_batch`` cancels those still unpaid together), and stores the keyed
   requests' answers;
6. when fewer units remained, they go to the admitted in arrival order, the others give
   their limits back (and units none of them could use go back to the item), and the
   winners' rows and the answers are written then;
7. ``flash_sale.sold_out`` is written when the batch took the last unit, and the
   ``orders.on_created`` listeners see the new orders with their requests' context
   (creator attribution, in its bulk form). They were asked before step 5 which buyers
   concern them (one read, before the hot row is locked); only for those (referred
   buyers) do they write after the hot row's UPDATE, holding its lock until the COMMIT
   (as do the sale's refusal counters, written by the caller when someone was refused).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pintuan.core import outbox
from pintuan.core.db import table
from pintuan.core.errors import Conflict, DomainError, NotFound, Unauthorized
from pintuan.core.ids import new_id
from pintuan.core.outbox import EventRow
from pintuan.core.timers import TimerRow
from pintuan.core.tx import Tx
from pintuan.flashsale import hot_store, lifecycle
from pintuan.flashsale.hot_store import ItemFacts, Key, Rows
from pintuan.flashsale.model import Slot, limit_scopes, live_slot, take_in_order
from pintuan.flashsale.store import FlashOrderRow
from pintuan.orders import service as orders
from pintuan.orders.model import OrderStatus
from pintuan.orders.service import ORDER_FIELDS
from pintuan.orders.store import OrderLineRow, OrderRow
from pintuan.shoppers import service as shoppers

Outcome = tuple[int, dict[str, Any]]
SOLD_OUT = Conflict("this item is sold out", code="sold_out")
BATCH_EVENT = "flash_sale.orders_created"
QUEUED = ("order.created", BATCH_EVENT)  # the types a batch queues when someone wants them
LIMIT = Conflict("this would exceed your limit for this flash sale",
                 code="shopper_limit_exceeded")


@dataclass(frozen=True)
class BuyRequest:
    """What arrived: a session token's hash, a quantity, maybe an Idempotency-Key, and the
    order context for ``orders.on_created`` listeners (the referral visitor)."""

    token_hash: str
    quantity: int
    key: str | None = None
    fingerprint: str = ""
    context: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Buy:
    """A request whose shopper is known; ``key`` is scoped to the shopper."""

    shopper_id: str
    quantity: int
    key: Key | None
    fingerprint: str
    context: Mapping[str, str] | None = None


@dataclass
class BatchResult:
    """An answer per request; ``deferred`` ones (a second request of a shopper already in
    this batch) go to the next batch; ``replay`` ones read their key's stored answer."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)
    deferred: list[int] = field(default_factory=list)
    replay: dict[int, tuple[Key, str]] = field(default_factory=dict)
    left: int = -1


def _problem(exc: DomainError) -> Outcome:
    return exc.status, exc.problem()


def _resolve(tx: Tx, facts: ItemFacts, reqs: Sequence[BuyRequest],
             result: BatchResult) -> dict[int, Buy]:
    found = shoppers.authenticate_many(tx, token_hashes={r.token_hash for r in reqs})
    out = {}
    for i, r in enumerate(reqs):
        who = found.get(r.token_hash)
        if who is None:
            result.outcomes[i] = _problem(Unauthorized("invalid or expired shopper token",
                                                       code="invalid_shopper_token"))
        elif who[1] != facts.item.merchant_id:
            result.outcomes[i] = _problem(NotFound(f"no flash-sale item {facts.item.id}",
                                                   code="item_not_found"))
        else:
            key = None if r.key is None else (f"{who[0]}:flashbuy", r.key)
            out[i] = Buy(who[0], r.quantity, key, r.fingerprint, r.context)
    return out


def _admit_candidates(buys: dict[int, Buy], result: BatchResult) -> list[int]:
    """One request per shopper per batch (keys are per shopper, so one per key too); a
    shopper's later requests wait for the next batch, which sees this one's limits."""
    seen: set[str] = set()
    out = []
    for i, b in buys.items():
        if b.shopper_id in seen:
            result.deferred.append(i)
        else:
            seen.add(b.shopper_id)
            out.append(i)
    return out


def _claim(tx: Tx, buys: dict[int, Buy], idx: list[int], result: BatchResult) -> list[int]:
    keyed = [(*k, buys[i].fingerprint) for i in idx if (k := buys[i].key) is not None]
    owned = hot_store.claim_keys(tx, keyed, tx.now())
    out = []
    for i in idx:
        key = buys[i].key
        if key is None or key in owned:
            out.append(i)
        else:
            result.replay[i] = (key, buys[i].fingerprint)
    return out


def _scopes(facts: ItemFacts, slot_id: str) -> list[tuple[str, int]]:
    event = facts.event
    return limit_scopes(slot_id=slot_id, event_id=event.id, slots=len(facts.slots),
                        per_slot=event.per_slot_limit, per_event=event.per_event_limit)


def _limits(tx: Tx, scopes: list[tuple[str, int]], wanted: list[tuple[str, int]]) -> set[str]:
    """Count the units against every limit at once; who passed them all (those who passed
    only some get those units back)."""
    passed = hot_store.add_usage(tx, scopes, wanted)
    ok = set.intersection(*passed)
    for (scope, _), got in zip(scopes, passed, strict=True):
        hot_store.undo_usage(tx, scope, [w for w in wanted if w[0] in got and w[0] not in ok])
    return ok


def _admit(tx: Tx, scopes: list[tuple[str, int]], buys: dict[int, Buy], idx: list[int],
           result: BatchResult) -> list[int]:
    """Limits first (rows per shopper, nobody else waits on them), then the hot row, so its
    lock is held from the last statements of the batch to the COMMIT only."""
    ok = _limits(tx, scopes, [(buys[i].shopper_id, buys[i].quantity) for i in idx])
    admitted = []
    for i in idx:
        if buys[i].shopper_id in ok:
            admitted.append(i)
        else:
            result.outcomes[i] = (LIMIT.status, LIMIT.problem())
    return admitted


def _short(tx: Tx, facts: ItemFacts, scopes: list[tuple[str, int]], buys: dict[int, Buy],
           admitted: list[int], granted: int, result: BatchResult) -> list[int]:
    """The quota ran out within this batch: the units granted go to the admitted requests
    in arrival order; those left without one give their limits back, and units none of
    them could use go back to the item."""
    quantities = [buys[i].quantity for i in admitted]
    k = take_in_order(quantities, granted)
    won, lost = admitted[:k], admitted[k:]
    for i in lost:
        result.outcomes[i] = (SOLD_OUT.status, SOLD_OUT.problem())
    if lost:
        given = [(buys[i].shopper_id, buys[i].quantity) for i in lost]
        for scope, _ in scopes:
            hot_store.undo_usage(tx, scope, given)
    unused = granted - sum(quantities[:k])
    if unused:
        hot_store.give_units(tx, facts.item.id, unused)
        result.left += unused
    return won


class _Rows:
    """The rows of a batch's orders, by table: what every order of the batch shares is read
    from the item once (ORM attributes cost a lookup each) and sent once; each order adds
    its own few values to its tables' columns."""

    def __init__(self, facts: ItemFacts, slot_id: str, now: datetime, hold: datetime,
                 queued: set[str]) -> None:
        item = facts.item
        self.unit = item.sale_price_minor
        self.orders = Rows(table(OrderRow), {
            "merchant_id": item.merchant_id, "kind": "flashsale", "ref": item.id,
            "status": OrderStatus.PENDING_PAYMENT.value, "currency": item.currency,
            "captured_minor": 0, "refunded_minor": 0, "hold_expires_at": hold,
            "created_at": now},
            {"id": [], "shopper_id": [], "total_minor": []})
        self.fields = {k: self.orders.same.get(k) for k in ORDER_FIELDS}  # as events carry it
        self.lines = Rows(table(OrderLineRow), {
            "merchant_id": item.merchant_id, "sku_id": item.sku_id,
            "stock_level_id": item.stock_level_id, "list_price_minor": item.list_price_minor,
            "unit_price_minor": self.unit},
            {"id": [], "order_id": [], "quantity": [], "total_minor": []})
        self.entries = Rows(table(FlashOrderRow), {
            "item_id": item.id, "event_id": item.event_id, "slot_id": slot_id,
            "created_at": now}, {"order_id": [], "shopper_id": [], "quantity": []})
        self.events = Rows(table(EventRow), {
            "merchant_id": item.merchant_id, "type": "order.created", "created_at": now,
            "dispatched": "order.created" not in queued}, {"id": [], "data": []})
        # the columns each order adds a value to, in their order above (see ``add``)
        self.order_columns, self.line_columns, self.entry_columns = (
            tuple(rows.each.values()) for rows in (self.orders, self.lines, self.entries))
        self.batch: list[Rows] = []  # the batch's event and hold timer
        self.answer = {"item_id": item.id, "slot_id": slot_id,
                       "hold_expires_at": hold.isoformat()}  # besides the order's fields

    def add(self, buy: Buy) -> dict[str, Any]:
        """One order's values; its answer."""
        order_id = new_id("ord")
        body = order_id.removeprefix("ord")  # the order's line and event share its unique body
        total = self.unit * buy.quantity
        shopper_id, quantity = buy.shopper_id, buy.quantity
        ids, shoppers_, totals = self.order_columns
        ids.append(order_id)
        shoppers_.append(shopper_id)
        totals.append(total)
        ids, orders_, quantities, totals = self.line_columns
        ids.append("oln" + body)
        orders_.append(order_id)
        quantities.append(quantity)
        totals.append(total)
        orders_, shoppers_, quantities = self.entry_columns
        orders_.append(order_id)
        shoppers_.append(shopper_id)
        quantities.append(quantity)
        fields = {**self.fields, "id": order_id, "shopper_id": shopper_id,
                  "total_minor": total}
        self.events.each["id"].append("evt" + body)
        self.events.each["data"].append({"order": fields})
        return {**fields, **self.answer, "quantity": quantity}

    def parts(self) -> list[Rows]:
        return [self.orders, self.lines, self.entries, self.events, *self.batch]


def _batch_event(facts: ItemFacts, slot_id: str, orders: list[dict[str, Any]],
                 now: datetime, queued: set[str]) -> Rows:
    """One outbox event per batch, listing its orders: an event row per order would cost
    the dispatcher as much as the orders themselves."""
    summary = [{k: o[k] for k in ("id", "shopper_id", "quantity", "total_minor")}
               for o in orders]
    return Rows(table(EventRow), {
        "id": new_id("evt"), "merchant_id": facts.item.merchant_id,
        "type": BATCH_EVENT, "created_at": now, "dispatched": BATCH_EVENT not in queued,
        "data": {"item_id": facts.item.id, "event_id": facts.event.id, "slot_id": slot_id,
                 "currency": facts.item.currency, "orders": summary}})


def _sold_out_event(facts: ItemFacts, slot_id: str, now: datetime) -> Rows:
    return Rows(table(EventRow), {
        "id": new_id("evt"), "merchant_id": facts.item.merchant_id,
        "type": "flash_sale.sold_out", "created_at": now, "dispatched": False,
        "data": {"item_id": facts.item.id, "event_id": facts.event.id, "slot_id": slot_id,
                 "quota": facts.item.quota}})


def _new_orders(tx: Tx, facts: ItemFacts, slot_id: str, buys: dict[int, Buy], won: list[int],
                result: BatchResult, queued: set[str]) -> _Rows:
    """The rows of the orders of ``won`` (and their answers, in ``result``); of their events,
    the types in ``queued`` are queued for dispatch (someone wants them)."""
    now = tx.now()
    hold = now + timedelta(minutes=tx.settings.hold_minutes)
    rows = _Rows(facts, slot_id, now, hold, queued)
    for i in won:
        result.outcomes[i] = (201, rows.add(buys[i]))
    if won:
        batch = _batch_event(facts, slot_id, [result.outcomes[i][1] for i in won], now,
                             queued)
        rows.batch = [batch, Rows(table(TimerRow), {
            "id": new_id("tmr"), "kind": lifecycle.HOLD_TIMER, "ref": batch.same["id"],
            "due_at": hold, "attempts": 0})]
    return rows


def run_batch(tx: Tx, facts: ItemFacts, reqs: Sequence[BuyRequest]) -> BatchResult:
    """Usually five statements on PostgreSQL: the sessions, the limits, which buyers a
    creator may have brought (for attribution), who wants the batch's events, and the
    hot row's UPDATE with the orders' INSERTs (written as if every admitted request wins,
    which holds unless the quota runs out within the batch; then the rows are written once
    the winners are known)."""
    result = BatchResult()
    try:
        slot_id = live_slot([(s.id, Slot(s.starts_at, s.ends_at)) for s in facts.slots],
                            tx.now())
    except DomainError as exc:
        result.outcomes = {i: _problem(exc) for i in range(len(reqs))}
        return result
    buys = _resolve(tx, facts, reqs, result)
    idx = _claim(tx, buys, _admit_candidates(buys, result), result)
    scopes = _scopes(facts, slot_id)
    admitted = _admit(tx, scopes, buys, idx, result)
    after = orders.before_bulk(tx, [(facts.item.merchant_id, buys[i].shopper_id,
                                     buys[i].context or {}) for i in admitted])
    queued = outbox.wanted(tx, facts.item.merchant_id, QUEUED) if admitted else set()
    new = _new_orders(tx, facts, slot_id, buys, admitted, result, queued)
    wanted = sum(buys[i].quantity for i in admitted)
    granted, result.left = hot_store.take_and_insert(tx, facts.item.id, wanted, new.parts(),
                                                     _answers(buys, idx, result))
    won = admitted
    if granted < wanted:
        won = _short(tx, facts, scopes, buys, admitted, granted, result)
        new = _new_orders(tx, facts, slot_id, buys, won, result, queued)
        hot_store.insert_rows(tx, new.parts())
        hot_store.store_answers(tx, _answers(buys, idx, result))
    if won and result.left == 0:  # this batch took the last unit
        hot_store.insert_rows(tx, [_sold_out_event(facts, slot_id, tx.now())])
    if after:
        orders.created_in_bulk(tx, [(row, buys[i].context or {}) for row, i
                                    in zip(new.orders.dicts(), won, strict=True)], after)
    return result


def _answers(buys: dict[int, Buy], idx: list[int], result: BatchResult) -> list[hot_store.Answer]:
    return [(k, *result.outcomes[i]) for i in idx if (k := buys[i].key) is not None]
