"""Tiered bonus contracts: settled by a durable timer when the period and its return window
are over; the bonus joins the creator's earnings as a payable commission of its own, paid by
the next statement."""

from __future__ import annotations

from datetime import datetime, timedelta

from pintuan.core import outbox, timers
from pintuan.core.errors import ValidationFailed
from pintuan.core.ids import new_id
from pintuan.core.tx import Tx
from pintuan.creators import bonus_store, commissions, ledger_store, service
from pintuan.creators.bonus import Tier, bonus_for, check_tiers
from pintuan.creators.bonus_store import ContractRow
from pintuan.creators.ledger import State
from pintuan.creators.ledger_store import CommissionRow, EntryRow

SETTLE_TIMER = "bonus.settle"


def create(tx: Tx, *, merchant_id: str, program_id: str, creator_id: str, starts_at: datetime,
           ends_at: datetime, tiers: list[Tier]) -> ContractRow:
    check_tiers(tiers)
    if ends_at <= starts_at:
        raise ValidationFailed("the period must end after it starts", code="bad_period")
    program = service.get_program(tx, merchant_id=merchant_id, program_id=program_id)
    try:
        settles_at = ends_at + timedelta(days=program.holding_days)
    except OverflowError:
        raise ValidationFailed("the period ends too late", code="bad_period") from None
    service.get_creator(tx, merchant_id=merchant_id, creator_id=creator_id)
    service.check_active_member(tx, program, creator_id)
    row = ContractRow(id=new_id("bon"), merchant_id=merchant_id, program_id=program.id,
                      creator_id=creator_id, starts_at=starts_at, ends_at=ends_at,
                      settles_at=settles_at,
                      tiers=[{"gmv_target_minor": t.gmv_target_minor,
                              "bonus_minor": t.bonus_minor} for t in tiers],
                      status="open", created_at=tx.now())
    bonus_store.add(tx, row)
    tx.session.flush()
    timers.schedule(tx, kind=SETTLE_TIMER, ref=row.id, due_at=row.settles_at)
    return row


def settle(tx: Tx, contract_id: str) -> None:
    """Timer handler, idempotent: measure the period's GMV and award the tier reached."""
    row = bonus_store.lock(tx, contract_id)
    if row is None or row.status != "open":
        return
    if row.settles_at > tx.now():
        timers.schedule(tx, kind=SETTLE_TIMER, ref=row.id, due_at=row.settles_at)
        return
    row.gmv_minor = bonus_store.gmv(tx, program_id=row.program_id, creator_id=row.creator_id,
                                    since=row.starts_at, until=row.ends_at)
    row.bonus_minor = bonus_for([Tier(**t) for t in row.tiers], row.gmv_minor)
    row.status, row.settled_at = "settled", tx.now()
    if row.bonus_minor:
        _award(tx, row)
    outbox.emit(tx, merchant_id=row.merchant_id, type="bonus.settled",
                data={"contract": {"id": row.id, "creator_id": row.creator_id,
                                   "gmv_minor": row.gmv_minor, "bonus_minor": row.bonus_minor}})


def _award(tx: Tx, row: ContractRow) -> None:
    program = service.get_program(tx, merchant_id=row.merchant_id, program_id=row.program_id)
    award = CommissionRow(
        id=new_id("com"), merchant_id=row.merchant_id, program_id=row.program_id,
        creator_id=row.creator_id, order_id=None, contract_id=row.id,
        currency=program.currency, parts=[], state=State.PAYABLE.value, flags=[],
        total_minor=row.bonus_minor or 0, seen_captured=0, seen_refunded=0,
        payable_at=tx.now(), created_at=tx.now(), updated_at=tx.now())
    ledger_store.add(tx, award)
    tx.session.flush()
    ledger_store.add(tx, EntryRow(
        id=new_id("cme"), commission_id=award.id, merchant_id=row.merchant_id,
        creator_id=row.creator_id, seq=1, kind="bonus", amount_minor=award.total_minor,
        captured_minor=0, refunded_minor=0, reason="bonus_contract", created_at=tx.now()))
    outbox.emit(tx, merchant_id=row.merchant_id, type="commission.payable",
                data={"commission": commissions.commission_data(award)})
