"""Commissions: opened when an attributed order is paid, kept equal to the rate card applied
to what the shopper paid net of refunds, payable after the holding period.

They follow the order through its outbox events (``order.paid``, ``order.refund_recorded``,
``order.refunded``, ``order.confirmed``), so orders never know about creators. Delivery is
at least once and several workers may dispatch at the same time: every change takes the
commission's row lock, and the ledger ignores an observation of the order's money older than
the last one applied, so a replayed or reordered event never writes a second entry.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pintuan.catalog import store as catalog
from pintuan.core import outbox, timers
from pintuan.core.errors import NotFound
from pintuan.core.ids import new_id
from pintuan.core.outbox import Event
from pintuan.core.tx import Tx
from pintuan.creators import fraud, ledger_store, store
from pintuan.creators.ledger import Card, Commission, Part, Rate, RateKind, State, pick_card
from pintuan.creators.ledger_store import CommissionRow, EntryRow, RateCardRow
from pintuan.creators.model import CreatorStatus, MembershipStatus
from pintuan.creators.store import AttributionRow, ProgramRow
from pintuan.orders import store as orders

PAYABLE_TIMER = "commission.payable"
ORDER_EVENTS = frozenset({"order.paid", "order.refund_recorded", "order.refunded",
                          "order.confirmed"})


def commission_data(row: CommissionRow) -> dict[str, object]:
    return {"id": row.id, "order_id": row.order_id, "depth": row.depth,
            "contract_id": row.contract_id,
            "creator_id": row.creator_id,
            "program_id": row.program_id, "state": row.state, "total_minor": row.total_minor,
            "currency": row.currency, "flags": list(row.flags)}


def _emit(tx: Tx, row: CommissionRow, type: str, **extra: object) -> None:
    outbox.emit(tx, merchant_id=row.merchant_id, type=type,
                data={"commission": commission_data(row), **extra})


def interest(_tx: Tx, _merchant_id: str) -> frozenset[str]:
    """The outbox events ``consume`` reads, for every merchant."""
    return ORDER_EVENTS


def consume(tx: Tx, events: list[Event]) -> None:
    """Outbox consumer: bring each attributed order's commission up to date."""
    for event in events:
        if event.type in ORDER_EVENTS:
            order = event.data["order"]
            observe(tx, order_id=str(order["id"]), captured=int(order["captured_minor"]),
                    refunded=int(order["refunded_minor"]),
                    confirmed_at=event.created_at if event.type == "order.confirmed" else None)
        if event.type == "order.paid":
            _hold_looking_back(tx, str(event.data["order"]["id"]))


def _hold_looking_back(tx: Tx, order_id: str) -> None:
    """A creator paid an order of their own: orders credited to them that were paid with the
    same instrument are flagged, and their commissions held unless already paid out."""
    flag = fraud.SELF_REFERRAL_PAYMENT
    for found in fraud.credited_orders_paid_like(tx, order_id):
        attribution = store.lock_attribution(tx, found.order_id)
        assert attribution is not None
        if flag not in attribution.flags:
            attribution.flags = [*attribution.flags, flag]
        for row in ledger_store.lock_commissions_of_order(tx, attribution.order_id):
            if flag in row.flags:
                continue
            row.flags = [*row.flags, flag]
            if row.state in (State.PENDING.value, State.PAYABLE.value):
                model = to_model(row, ledger_store.entries(tx, row.id))
                model.move(State.HELD)
                _write(tx, row, model, reason="held")
                timers.cancel(tx, kind=PAYABLE_TIMER, ref=row.id)
                _emit(tx, row, "commission.held")


def _parts(tx: Tx, attribution: AttributionRow, override_bps: int | None) -> list[dict[str, Any]]:
    """The rate of each order line, snapshotted when the commission opens: the rate card's
    for the creator's own sale, the program's override rate for an upline's share."""
    cards = [Card(id=c.id, rate=Rate(RateKind(c.kind), c.bps, c.fixed_minor),
                  creator_id=c.creator_id, product_id=c.product_id)
             for c in ledger_store.active_cards(tx, attribution.program_id)]
    out = []
    for line in orders.lines(tx, attribution.order_id):
        sku = catalog.get_sku(tx, attribution.merchant_id, line.sku_id)
        assert sku is not None
        card = (pick_card(cards, creator_id=attribution.creator_id, product_id=sku.product_id)
                if override_bps is None else None)
        rate = (card.rate if card else Rate(RateKind.PERCENT, override_bps or 0))
        out.append({"line_id": line.id, "product_id": sku.product_id, "weight": line.total_minor,
                    "quantity": line.quantity, "card_id": card.id if card else None,
                    "kind": rate.kind.value, "bps": rate.bps, "fixed_minor": rate.fixed_minor})
    return out


def _upline(tx: Tx, attribution: AttributionRow, program: ProgramRow) -> list[tuple[int, str]]:
    """(depth, creator) of each recruiter paid an override: as many levels as the program
    has override rates, through active, unbanned members of the program only."""
    found: list[tuple[int, str]] = []
    seen = {attribution.creator_id}
    current = store.creator(tx, attribution.merchant_id, attribution.creator_id)
    for depth in range(2, 2 + len(program.override_bps)):
        if current is None or current.recruited_by is None or current.recruited_by in seen:
            break
        current = store.creator(tx, attribution.merchant_id, current.recruited_by)
        if current is None:
            break
        seen.add(current.id)
        member = store.member(tx, program.id, current.id)
        if (member is not None and member.status == MembershipStatus.ACTIVE.value
                and current.status == CreatorStatus.ACTIVE.value):
            found.append((depth, current.id))
    return found


def _open(tx: Tx, attribution: AttributionRow, currency: str) -> list[CommissionRow]:
    """The order's commissions, made once: a concurrent opener waits, then finds them, and
    only the opener that made one held emits ``commission.held`` for it. The payments that
    opened them may add a fraud flag to the attribution (creators.fraud).

    The attribution's lock orders this against a look-back flagging the order at the same
    time (_hold_looking_back): whichever runs second sees what the first committed, the
    flags it set or the commissions it opened."""
    locked = store.lock_attribution(tx, attribution.order_id)
    assert locked is not None
    attribution = locked
    program = store.program(tx, attribution.merchant_id, attribution.program_id)
    assert program is not None
    added = [f for f in fraud.payment_flags(tx, attribution) if f not in attribution.flags]
    if added:
        attribution.flags = [*attribution.flags, *added]
    state = (State.HELD if attribution.flags else State.PENDING).value
    opened = set()
    for depth, creator_id in [(1, attribution.creator_id), *_upline(tx, attribution, program)]:
        override = None if depth == 1 else program.override_bps[depth - 2]
        row = CommissionRow(
            id=new_id("com"), merchant_id=attribution.merchant_id,
            program_id=attribution.program_id, creator_id=creator_id,
            order_id=attribution.order_id, depth=depth, currency=currency,
            parts=_parts(tx, attribution, override), state=state,
            flags=list(attribution.flags), total_minor=0, seen_captured=0, seen_refunded=0,
            created_at=tx.now(), updated_at=tx.now())
        if ledger_store.create_commission(tx, row):
            opened.add(row.id)
    rows = ledger_store.lock_commissions_of_order(tx, attribution.order_id)
    for row in rows:
        if row.id in opened and row.state == State.HELD.value:
            _emit(tx, row, "commission.held")
    return rows


def to_model(row: CommissionRow, entries: list[EntryRow]) -> Commission:
    parts = tuple(Part(weight=p["weight"], quantity=p["quantity"],
                       rate=Rate(RateKind(p["kind"]), p["bps"], p["fixed_minor"]))
                  for p in row.parts)
    return Commission(parts=parts, state=State(row.state),
                      entries=[e.amount_minor for e in entries],
                      seen=(row.seen_captured, row.seen_refunded))


def _write(tx: Tx, row: CommissionRow, model: Commission, *, reason: str) -> None:
    """Append the entries the model added and save its state."""
    entries = ledger_store.entries(tx, row.id)
    for seq, amount in enumerate(model.entries[len(entries):], start=len(entries) + 1):
        kind = "accrual" if amount > 0 else ("void" if reason.startswith("void") else "reversal")
        ledger_store.add(tx, EntryRow(
            id=new_id("cme"), commission_id=row.id, merchant_id=row.merchant_id,
            creator_id=row.creator_id, seq=seq, kind=kind, amount_minor=amount,
            captured_minor=model.seen[0], refunded_minor=model.seen[1], reason=reason,
            created_at=tx.now()))
        row.total_minor += amount
        _emit(tx, row, "commission.accrued" if amount > 0 else "commission.reversed",
              amount_minor=amount)
    assert row.total_minor == model.total
    row.state = model.state.value
    row.seen_captured, row.seen_refunded = model.seen
    row.updated_at = tx.now()


def observe(tx: Tx, *, order_id: str, captured: int, refunded: int,
            confirmed_at: datetime | None) -> None:
    attribution = store.attribution(tx, order_id)
    if attribution is None:
        return
    rows = ledger_store.lock_commissions_of_order(tx, order_id)
    if not rows:
        if captured <= 0:
            return
        order = orders.get(tx, order_id)
        assert order is not None
        rows = _open(tx, attribution, order.currency)
    for row in rows:
        model = to_model(row, ledger_store.entries(tx, row.id))
        if refunded and model.seen == (0, 0):
            model.observe(captured=captured, refunded=0)
        model.observe(captured=captured, refunded=refunded)
        _write(tx, row, model, reason="refund" if refunded else "payment")
        if confirmed_at is not None and row.confirmed_at is None:
            _schedule_payable(tx, row, confirmed_at)


def _schedule_payable(tx: Tx, row: CommissionRow, confirmed_at: datetime) -> None:
    """The holding period (the return window) starts when the sale is confirmed."""
    program = store.program(tx, row.merchant_id, row.program_id)
    assert program is not None
    row.confirmed_at = confirmed_at
    row.payable_at = confirmed_at + timedelta(days=program.holding_days)
    timers.schedule(tx, kind=PAYABLE_TIMER, ref=row.id, due_at=row.payable_at)


def make_payable(tx: Tx, commission_id: str) -> None:
    """Timer handler: a pending commission whose holding period ended becomes payable; one
    that refunds brought to nothing is voided. A held one waits for the merchant."""
    row = ledger_store.lock_commission_by_id(tx, commission_id)
    if row is None or row.state != State.PENDING.value:
        return
    assert row.payable_at is not None
    if row.payable_at > tx.now():
        timers.schedule(tx, kind=PAYABLE_TIMER, ref=row.id, due_at=row.payable_at)
        return
    _settle(tx, row)


def _settle(tx: Tx, row: CommissionRow) -> None:
    model = to_model(row, ledger_store.entries(tx, row.id))
    if model.total == 0:
        model.void()
        _write(tx, row, model, reason="void_refunded")
        _emit(tx, row, "commission.voided", reason="refunded")
        return
    model.move(State.PAYABLE)
    _write(tx, row, model, reason="payable")
    _emit(tx, row, "commission.payable")


def _locked(tx: Tx, merchant_id: str, commission_id: str) -> CommissionRow:
    row = ledger_store.lock_commission(tx, merchant_id, commission_id)
    if row is None:
        raise NotFound(f"no commission {commission_id}", code="commission_not_found")
    return row


def release(tx: Tx, *, merchant_id: str, commission_id: str) -> CommissionRow:
    """The merchant clears a held commission: it continues where it would have been."""
    row = _locked(tx, merchant_id, commission_id)
    model = to_model(row, ledger_store.entries(tx, row.id))
    model.move(State.PENDING)
    _write(tx, row, model, reason="released")
    _emit(tx, row, "commission.released")
    if row.payable_at is not None and row.payable_at <= tx.now():
        _settle(tx, row)
    elif row.payable_at is not None:
        timers.schedule(tx, kind=PAYABLE_TIMER, ref=row.id, due_at=row.payable_at)
    return row


def void(tx: Tx, *, merchant_id: str, commission_id: str) -> CommissionRow:
    """The merchant voids a commission that was not paid: one entry brings it to zero."""
    row = _locked(tx, merchant_id, commission_id)
    model = to_model(row, ledger_store.entries(tx, row.id))
    model.void()
    _write(tx, row, model, reason="void_by_merchant")
    timers.cancel(tx, kind=PAYABLE_TIMER, ref=row.id)
    _emit(tx, row, "commission.voided", reason="by_merchant")
    return row


def get(tx: Tx, *, merchant_id: str, commission_id: str) -> CommissionRow:
    row = tx.session.get(CommissionRow, commission_id)
    if row is None or row.merchant_id != merchant_id:
        raise NotFound(f"no commission {commission_id}", code="commission_not_found")
    return row


def create_card(tx: Tx, *, merchant_id: str, program_id: str, creator_id: str | None,
                product_id: str | None, rate: Rate) -> RateCardRow:
    """A new card replaces the active one with the same target; commissions already open
    keep the rates they were opened with."""
    program = store.program(tx, merchant_id, program_id)
    if program is None:
        raise NotFound(f"no program {program_id}", code="program_not_found")
    if creator_id is not None and store.creator(tx, merchant_id, creator_id) is None:
        raise NotFound(f"no creator {creator_id}", code="creator_not_found")
    if product_id is not None and catalog.get_product(tx, merchant_id, product_id) is None:
        raise NotFound(f"no product {product_id}", code="product_not_found")
    ledger_store.retire_cards(tx, program_id=program.id, creator_id=creator_id,
                              product_id=product_id)
    row = RateCardRow(id=new_id("rcd"), merchant_id=merchant_id, program_id=program.id,
                      creator_id=creator_id, product_id=product_id, kind=rate.kind.value,
                      bps=rate.bps, fixed_minor=rate.fixed_minor, created_at=tx.now())
    ledger_store.add(tx, row)
    tx.session.flush()
    return row
