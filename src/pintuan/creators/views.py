"""Creator-program resources as the API shows them."""

from __future__ import annotations

from pintuan.core.tx import Tx
from pintuan.creators import ledger_store, payout_store, service, store
from pintuan.creators.ledger import State
from pintuan.creators.ledger_store import CommissionRow
from pintuan.creators.model import is_koc, reach, tier_for
from pintuan.creators.schemas import (
    CommissionOut,
    CreatorOut,
    EarningsOut,
    EntryOut,
    HandleOut,
    LinkOut,
    MemberOut,
)
from pintuan.creators.store import CreatorRow, LinkRow, MemberRow


def creator_out(tx: Tx, row: CreatorRow) -> CreatorOut:
    handles = store.handles(tx, row.id)
    followers = reach([h.followers for h in handles])
    return CreatorOut(id=row.id, name=row.name, email=row.email, phone=row.phone,
                      shopper_id=row.shopper_id, recruited_by=row.recruited_by,
                      is_customer=row.shopper_id is not None,
                      segments=list(row.segments), status=row.status, followers=followers,
                      tier=tier_for(followers).value,
                      handles=[HandleOut.model_validate(h) for h in handles],
                      created_at=row.created_at)


def member_out(tx: Tx, row: MemberRow) -> MemberOut:
    program = store.program(tx, row.merchant_id, row.program_id)
    assert program is not None
    followers = reach([h.followers for h in store.handles(tx, row.creator_id)])
    return MemberOut(program_id=row.program_id, creator_id=row.creator_id,
                     enrolment=row.enrolment, status=row.status,
                     tier=tier_for(followers).value,
                     is_koc=is_koc(followers, program.koc_max_followers),
                     created_at=row.created_at, joined_at=row.joined_at)


def links_out(tx: Tx, rows: list[LinkRow]) -> list[LinkOut]:
    counts = store.click_counts(tx, [r.id for r in rows])
    return [LinkOut(id=r.id, program_id=r.program_id, creator_id=r.creator_id,
                    url=service.link_url(tx, r), destination=r.destination,
                    clicks=counts.get(r.id, 0), created_at=r.created_at) for r in rows]


def commission_out(tx: Tx, row: CommissionRow, *, detail: bool = True) -> CommissionOut:
    out = CommissionOut.model_validate(row)
    if detail:
        out.entries = [EntryOut.model_validate(e) for e in ledger_store.entries(tx, row.id)]
    return out


def earnings_out(tx: Tx, creator_id: str) -> EarningsOut:
    """Totals by commission state, what was paid out, and the balance still owed (negative
    after a clawback, recovered from the next statement)."""
    totals = ledger_store.totals_by_state(tx, creator_id)
    out = payout_store.paid_out(tx, creator_id)
    return EarningsOut(creator_id=creator_id, paid_out_minor=out,
                       balance_minor=payout_store.earned(tx, creator_id) - out,
                       **{f"{s.value}_minor": totals.get(s.value, 0) for s in State})
