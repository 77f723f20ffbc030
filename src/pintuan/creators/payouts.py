"""Payouts: periodic statements per creator gathered in batches, with states, an audit trail
and an export a finance team can import.

A batch runs every creator's statement with the merchant's creators locked in id order, so
two batches never pay the same commission; payable commissions move to ``paid`` through a
guarded update, and a payout is never more than the creator's payable balance. A failed
payout gives its amount back to the balance, to be paid by the next statement.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from pintuan.core import outbox
from pintuan.core.errors import Conflict, NotFound, ValidationFailed
from pintuan.core.ids import new_id
from pintuan.core.money import Money
from pintuan.core.tx import Tx
from pintuan.creators import payout_store as store
from pintuan.creators import store as creators
from pintuan.creators.ledger import check_payout, statement_amount
from pintuan.creators.payout_store import AuditRow, BatchRow, PayoutRow
from pintuan.creators.store import CreatorRow


def payout_data(row: PayoutRow) -> dict[str, object]:
    return {"id": row.id, "batch_id": row.batch_id, "creator_id": row.creator_id,
            "status": row.status, "amount_minor": row.amount_minor, "currency": row.currency}


def _audit(tx: Tx, batch: BatchRow, *, action: str, actor: str, detail: str,
           payout: PayoutRow | None = None) -> None:
    store.add(tx, AuditRow(id=new_id("pau"), merchant_id=batch.merchant_id, batch_id=batch.id,
                           seq=store.next_audit_seq(tx, batch.id),
                           payout_id=payout.id if payout else None, action=action, actor=actor,
                           detail=detail[:300], at=tx.now()))
    tx.session.flush()


def create_batch(tx: Tx, *, merchant_id: str, currency: str, actor: str,
                 cutoff: datetime | None, minimum_minor: int) -> BatchRow:
    """Statements for every creator: commissions payable by the cut-off, plus what earlier
    statements carried, paid when at least the minimum."""
    cut = cutoff or tx.now()
    if cut > tx.now():
        raise ValidationFailed("the cut-off cannot be in the future", code="bad_cutoff")
    if minimum_minor < 0:
        raise ValidationFailed("the minimum payout cannot be negative", code="bad_minimum")
    batch = BatchRow(id=new_id("pob"), merchant_id=merchant_id, status="processing",
                     cutoff=cut, minimum_minor=minimum_minor, currency=currency, total_minor=0,
                     created_at=tx.now())
    store.add(tx, batch)
    tx.session.flush()
    _audit(tx, batch, action="batch.created", actor=actor,
           detail=f"cutoff={cut.isoformat()} minimum={minimum_minor}")
    for creator in store.lock_creators(tx, merchant_id):
        batch.total_minor += _statement(tx, batch, creator, actor)
    outbox.emit(tx, merchant_id=merchant_id, type="payout_batch.created",
                data={"batch": {"id": batch.id, "total_minor": batch.total_minor,
                                "currency": currency}})
    return batch


def _statement(tx: Tx, batch: BatchRow, creator: CreatorRow, actor: str) -> int:
    due = store.due_commissions(tx, creator.id, batch.cutoff)
    out = store.paid_out(tx, creator.id)
    amount = statement_amount([c.total_minor for c in due],
                              store.paid_commissions(tx, creator.id) - out,
                              minimum=batch.minimum_minor,
                              balance=store.earned(tx, creator.id) - out)
    if not amount:
        return 0
    payout = PayoutRow(id=new_id("po"), merchant_id=batch.merchant_id, batch_id=batch.id,
                       creator_id=creator.id, status="pending", amount_minor=amount,
                       currency=batch.currency, commissions=len(due), created_at=tx.now())
    store.add(tx, payout)
    tx.session.flush()
    marked = store.mark_paid(tx, [c.id for c in due], payout.id, tx.now())
    if marked != len(due):
        raise Conflict("commissions changed during the statement", code="statement_conflict")
    _audit(tx, batch, action="payout.created", actor=actor, payout=payout,
           detail=f"creator={creator.id} amount={amount} commissions={len(due)}")
    outbox.emit(tx, merchant_id=batch.merchant_id, type="payout.created",
                data={"payout": payout_data(payout)})
    return amount


def pay_now(tx: Tx, *, merchant_id: str, currency: str, actor: str, creator_id: str,
            amount_minor: int) -> BatchRow:
    """An ad-hoc payout of a chosen amount, in a batch of its own; never above the balance.
    Statements later count it as already paid out."""
    creator = store.lock_creator(tx, merchant_id, creator_id)
    if creator is None:
        raise NotFound(f"no creator {creator_id}", code="creator_not_found")
    out = store.paid_out(tx, creator.id)
    check_payout(amount_minor, store.earned(tx, creator.id) - out)
    batch = BatchRow(id=new_id("pob"), merchant_id=merchant_id, status="processing",
                     cutoff=tx.now(), minimum_minor=0, currency=currency,
                     total_minor=amount_minor, created_at=tx.now())
    store.add(tx, batch)
    payout = PayoutRow(id=new_id("po"), merchant_id=merchant_id, batch_id=batch.id,
                       creator_id=creator.id, status="pending", amount_minor=amount_minor,
                       currency=currency, commissions=0, created_at=tx.now())
    store.add(tx, payout)
    tx.session.flush()
    _audit(tx, batch, action="payout.created", actor=actor, payout=payout,
           detail=f"ad hoc: creator={creator.id} amount={amount_minor}")
    outbox.emit(tx, merchant_id=merchant_id, type="payout.created",
                data={"payout": payout_data(payout)})
    return batch


def get_batch(tx: Tx, *, merchant_id: str, batch_id: str, lock: bool = False) -> BatchRow:
    row = store.batch(tx, merchant_id, batch_id, lock=lock)
    if row is None:
        raise NotFound(f"no payout batch {batch_id}", code="payout_batch_not_found")
    return row


def mark_paid(tx: Tx, *, merchant_id: str, batch_id: str, actor: str) -> BatchRow:
    """Finance paid the batch: its pending payouts are paid and the batch closes."""
    batch = get_batch(tx, merchant_id=merchant_id, batch_id=batch_id, lock=True)
    if batch.status != "processing":
        raise Conflict(f"the batch is {batch.status}", code="batch_closed")
    for payout in store.payouts_of(tx, batch.id):
        if payout.status == "pending":
            payout.status, payout.settled_at = "paid", tx.now()
            outbox.emit(tx, merchant_id=merchant_id, type="payout.paid",
                        data={"payout": payout_data(payout)})
    batch.status, batch.closed_at = "paid", tx.now()
    _audit(tx, batch, action="batch.paid", actor=actor, detail="pending payouts marked paid")
    outbox.emit(tx, merchant_id=merchant_id, type="payout_batch.paid",
                data={"batch": {"id": batch.id, "total_minor": batch.total_minor}})
    return batch


def fail_payout(tx: Tx, *, merchant_id: str, payout_id: str, reason: str,
                actor: str) -> PayoutRow:
    """A transfer bounced: the amount returns to the creator's balance. Locks: the batch,
    then the payout, as ``mark_paid`` takes them."""
    found = store.payout(tx, merchant_id, payout_id)
    if found is None:
        raise NotFound(f"no payout {payout_id}", code="payout_not_found")
    batch = get_batch(tx, merchant_id=merchant_id, batch_id=found.batch_id, lock=True)
    payout = store.payout(tx, merchant_id, payout_id, lock=True)
    assert payout is not None
    if payout.status != "pending":
        raise Conflict(f"the payout is {payout.status}", code="payout_settled")
    payout.status, payout.failure_reason, payout.settled_at = "failed", reason, tx.now()
    batch.total_minor -= payout.amount_minor
    _audit(tx, batch, action="payout.failed", actor=actor, payout=payout, detail=reason)
    outbox.emit(tx, merchant_id=merchant_id, type="payout.failed",
                data={"payout": payout_data(payout), "reason": reason})
    return payout


def export_csv(tx: Tx, batch: BatchRow) -> str:
    """One row per payout, amounts in major units with the currency, for a bank upload."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["payout_id", "creator_id", "creator_name", "email", "phone", "amount",
                     "currency", "commissions", "status", "reference"])
    rows = store.payouts_of(tx, batch.id)
    names = creators.creators_by_id(tx, {p.creator_id for p in rows})
    for p in rows:
        who = names[p.creator_id]
        amount = Money(p.amount_minor, p.currency).format().split(" ")[0]
        writer.writerow([p.id, p.creator_id, _cell(who.name), _cell(who.email or ""),
                         _cell(who.phone or ""),
                         amount, p.currency, p.commissions, p.status, batch.id])
    return out.getvalue()


def _cell(value: str) -> str:
    """Spreadsheets run a cell starting with = + - @ as a formula: quote it."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
