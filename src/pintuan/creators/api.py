"""Merchant endpoints: programs, creators, invitations, links, codes, rate cards,
attributions and commissions."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from pintuan.core.errors import NotFound, ValidationFailed
from pintuan.core.tx import Tx
from pintuan.creators import commissions, ledger_store, service, store
from pintuan.creators.ledger import Rate, State
from pintuan.creators.model import CreatorStatus
from pintuan.creators.schemas import (
    AttributionOut,
    CodeIn,
    CodeOut,
    CommissionOut,
    CreatorIn,
    CreatorOut,
    EarningsOut,
    InviteIn,
    LeaderboardOut,
    LinkIn,
    LinkOut,
    MemberOut,
    ProgramIn,
    ProgramOut,
    RateCardIn,
    RateCardOut,
    StandingOut,
)
from pintuan.creators.service import CreatorSpec, HandleSpec, ProgramSpec
from pintuan.creators.standings import SortBy
from pintuan.creators.views import commission_out, creator_out, earnings_out, links_out, member_out
from pintuan.http import ContainerDep, Merchant, read, write
from pintuan.orders import service as orders
from pintuan.schemas import Page

router = APIRouter(prefix="/v1", tags=["creators"])
After = Query(None, max_length=40)
Limit = Query(50, ge=1, le=200)
StateQuery = Query(None, pattern="^(" + "|".join(s.value for s in State) + ")$")


@router.post("/programs", status_code=201, response_model=ProgramOut)
def create_program(body: ProgramIn, m: Merchant, c: ContainerDep) -> ProgramOut:
    spec = ProgramSpec(**body.model_dump())
    return write(c, lambda tx: ProgramOut.model_validate(service.create_program(
        tx, merchant_id=m.merchant_id, currency=m.currency, spec=spec)))


@router.get("/programs", response_model=Page[ProgramOut])
def list_programs(m: Merchant, c: ContainerDep, after: str | None = After,
                  limit: int = Limit) -> Page[ProgramOut]:
    def action(tx: Tx) -> Page[ProgramOut]:
        rows = store.programs(tx, m.merchant_id, after=after, limit=limit + 1)
        return Page(data=[ProgramOut.model_validate(r) for r in rows[:limit]],
                    has_more=len(rows) > limit)
    return read(c, action)


@router.get("/programs/{program_id}", response_model=ProgramOut)
def get_program(program_id: str, m: Merchant, c: ContainerDep) -> ProgramOut:
    return read(c, lambda tx: ProgramOut.model_validate(
        service.get_program(tx, merchant_id=m.merchant_id, program_id=program_id)))


@router.post("/programs/{program_id}/close", response_model=ProgramOut)
def close_program(program_id: str, m: Merchant, c: ContainerDep) -> ProgramOut:
    return write(c, lambda tx: ProgramOut.model_validate(
        service.close_program(tx, merchant_id=m.merchant_id, program_id=program_id)))


@router.post("/creators", status_code=201, response_model=CreatorOut)
def create_creator(body: CreatorIn, m: Merchant, c: ContainerDep) -> CreatorOut:
    spec = CreatorSpec(name=body.name, email=body.email, phone=body.phone,
                       shopper_id=body.shopper_id, recruited_by=body.recruited_by,
                       segments=body.segments,
                       handles=[HandleSpec(h.platform, h.handle, h.followers)
                                for h in body.handles])
    return write(c, lambda tx: creator_out(tx, service.create_creator(
        tx, merchant_id=m.merchant_id, spec=spec)))


@router.get("/creators", response_model=Page[CreatorOut])
def list_creators(m: Merchant, c: ContainerDep, after: str | None = After,
                  limit: int = Limit) -> Page[CreatorOut]:
    def action(tx: Tx) -> Page[CreatorOut]:
        rows = store.creators(tx, m.merchant_id, after=after, limit=limit + 1)
        return Page(data=[creator_out(tx, r) for r in rows[:limit]], has_more=len(rows) > limit)
    return read(c, action)


@router.get("/creators/{creator_id}", response_model=CreatorOut)
def get_creator(creator_id: str, m: Merchant, c: ContainerDep) -> CreatorOut:
    return read(c, lambda tx: creator_out(
        tx, service.get_creator(tx, merchant_id=m.merchant_id, creator_id=creator_id)))


def _set_status(creator_id: str, m: Merchant, c: ContainerDep,
                status: CreatorStatus) -> CreatorOut:
    return write(c, lambda tx: creator_out(tx, service.set_status(
        tx, merchant_id=m.merchant_id, creator_id=creator_id, status=status)))


@router.post("/creators/{creator_id}/ban", response_model=CreatorOut)
def ban_creator(creator_id: str, m: Merchant, c: ContainerDep) -> CreatorOut:
    return _set_status(creator_id, m, c, CreatorStatus.BANNED)


@router.post("/creators/{creator_id}/unban", response_model=CreatorOut)
def unban_creator(creator_id: str, m: Merchant, c: ContainerDep) -> CreatorOut:
    return _set_status(creator_id, m, c, CreatorStatus.ACTIVE)


@router.get("/creators/{creator_id}/earnings", response_model=EarningsOut)
def creator_earnings(creator_id: str, m: Merchant, c: ContainerDep) -> EarningsOut:
    return read(c, lambda tx: earnings_out(tx, service.get_creator(
        tx, merchant_id=m.merchant_id, creator_id=creator_id).id))


@router.post("/programs/{program_id}/invitations", status_code=201, response_model=MemberOut)
def invite(program_id: str, body: InviteIn, m: Merchant, c: ContainerDep) -> MemberOut:
    return write(c, lambda tx: member_out(tx, service.invite(
        tx, merchant_id=m.merchant_id, program_id=program_id, creator_id=body.creator_id)))


@router.post("/programs/{program_id}/members/{creator_id}/remove", response_model=MemberOut)
def remove_member(program_id: str, creator_id: str, m: Merchant, c: ContainerDep) -> MemberOut:
    return write(c, lambda tx: member_out(tx, service.remove(
        tx, merchant_id=m.merchant_id, program_id=program_id, creator_id=creator_id)))


@router.get("/programs/{program_id}/members", response_model=list[MemberOut])
def list_members(program_id: str, m: Merchant, c: ContainerDep) -> list[MemberOut]:
    def action(tx: Tx) -> list[MemberOut]:
        program = service.get_program(tx, merchant_id=m.merchant_id, program_id=program_id)
        return [member_out(tx, r) for r in store.members(tx, program.id)]
    return read(c, action)


@router.post("/programs/{program_id}/links", status_code=201, response_model=LinkOut)
def create_link(program_id: str, body: LinkIn, m: Merchant, c: ContainerDep) -> LinkOut:
    return write(c, lambda tx: links_out(tx, [service.create_link(
        tx, merchant_id=m.merchant_id, program_id=program_id, creator_id=body.creator_id,
        destination=body.destination)])[0])


@router.post("/programs/{program_id}/codes", status_code=201, response_model=CodeOut)
def create_code(program_id: str, body: CodeIn, m: Merchant, c: ContainerDep) -> CodeOut:
    return write(c, lambda tx: CodeOut.model_validate(service.create_code(
        tx, merchant_id=m.merchant_id, program_id=program_id, creator_id=body.creator_id,
        code=body.code)))


@router.post("/programs/{program_id}/rate-cards", status_code=201, response_model=RateCardOut)
def create_rate_card(program_id: str, body: RateCardIn, m: Merchant,
                     c: ContainerDep) -> RateCardOut:
    def action(tx: Tx) -> RateCardOut:
        rate = Rate(body.kind, body.bps, body.fixed_minor)
        return RateCardOut.model_validate(commissions.create_card(
            tx, merchant_id=m.merchant_id, program_id=program_id, creator_id=body.creator_id,
            product_id=body.product_id, rate=rate))
    return write(c, action)


@router.get("/programs/{program_id}/rate-cards", response_model=list[RateCardOut])
def list_rate_cards(program_id: str, m: Merchant, c: ContainerDep) -> list[RateCardOut]:
    def action(tx: Tx) -> list[RateCardOut]:
        program = service.get_program(tx, merchant_id=m.merchant_id, program_id=program_id)
        return [RateCardOut.model_validate(r) for r in ledger_store.active_cards(tx, program.id)]
    return read(c, action)


@router.get("/programs/{program_id}/leaderboard", response_model=LeaderboardOut)
def program_leaderboard(program_id: str, m: Merchant, c: ContainerDep,
                        since: AwareDatetime | None = None, until: AwareDatetime | None = None,
                        sort: SortBy = SortBy.GMV,
                        limit: int = Query(50, ge=1, le=500)) -> LeaderboardOut:
    """Creators ranked by GMV kept, orders, conversion (orders per click), return rate or
    earnings over a period (default: the last 30 days)."""
    def action(tx: Tx) -> LeaderboardOut:
        end = until or tx.now()
        try:
            start = since or end - timedelta(days=30)
        except OverflowError:
            raise ValidationFailed("the period starts too early", code="bad_period") from None
        prog, rows = service.leaderboard(tx, merchant_id=m.merchant_id, program_id=program_id,
                                         since=start, until=end, sort=sort)
        return LeaderboardOut(program_id=prog.id, since=start, until=end, sort=sort.value,
                              return_rate_cap_bps=prog.return_rate_cap_bps,
                              currency=prog.currency,
                              standings=[StandingOut.model_validate(r) for r in rows[:limit]])
    return read(c, action)


@router.get("/orders/{order_id}/attribution", response_model=AttributionOut)
def order_attribution(order_id: str, m: Merchant, c: ContainerDep) -> AttributionOut:
    def action(tx: Tx) -> AttributionOut:
        order = orders.get(tx, merchant_id=m.merchant_id, order_id=order_id)
        row = store.attribution(tx, order.id)
        if row is None:
            raise NotFound("no creator is credited with this order", code="not_attributed")
        return AttributionOut.model_validate(row)
    return read(c, action)


@router.get("/commissions", response_model=Page[CommissionOut])
def list_commissions(m: Merchant, c: ContainerDep,
                     creator_id: str | None = Query(None, max_length=40),
                     state: str | None = StateQuery, after: str | None = After,
                     limit: int = Limit) -> Page[CommissionOut]:
    def action(tx: Tx) -> Page[CommissionOut]:
        rows = ledger_store.commissions(tx, m.merchant_id, creator_id=creator_id, state=state,
                                        after=after, limit=limit + 1)
        return Page(data=[commission_out(tx, r, detail=False) for r in rows[:limit]],
                    has_more=len(rows) > limit)
    return read(c, action)


@router.get("/commissions/{commission_id}", response_model=CommissionOut)
def get_commission(commission_id: str, m: Merchant, c: ContainerDep) -> CommissionOut:
    return read(c, lambda tx: commission_out(tx, commissions.get(
        tx, merchant_id=m.merchant_id, commission_id=commission_id)))


@router.post("/commissions/{commission_id}/release", response_model=CommissionOut)
def release_commission(commission_id: str, m: Merchant, c: ContainerDep) -> CommissionOut:
    return write(c, lambda tx: commission_out(tx, commissions.release(
        tx, merchant_id=m.merchant_id, commission_id=commission_id)))


@router.post("/commissions/{commission_id}/void", response_model=CommissionOut)
def void_commission(commission_id: str, m: Merchant, c: ContainerDep) -> CommissionOut:
    return write(c, lambda tx: commission_out(tx, commissions.void(
        tx, merchant_id=m.merchant_id, commission_id=commission_id)))
