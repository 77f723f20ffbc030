"""Creator-facing endpoints (a creator signs in as a shopper) and the referral redirect."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from pintuan.core.tx import Tx
from pintuan.creators import ledger_store, referrals, service, store
from pintuan.creators.schemas import (
    ClickOut,
    CommissionOut,
    CreatorOut,
    EarningsOut,
    LinkOut,
    MemberOut,
    MyLinkIn,
)
from pintuan.creators.store import CreatorRow
from pintuan.creators.views import commission_out, creator_out, earnings_out, links_out, member_out
from pintuan.http import REF_COOKIE, ContainerDep, Shopper, read, write
from pintuan.schemas import Page

router = APIRouter(tags=["creator"])
VISITOR_MAX_AGE = 400 * 24 * 3600  # the longest lifetime browsers keep a cookie


@router.get("/r/{token}", response_class=RedirectResponse, status_code=302,
            tags=["storefront"], summary="Follow a referral link")
def follow_link(token: str, request: Request, c: ContainerDep) -> RedirectResponse:
    """Record the click and redirect; the visitor token rides in a first-party cookie."""
    recorded = write(c, lambda tx: referrals.record_click(
        tx, token=token, visitor=request.cookies.get(REF_COOKIE),
        referrer=request.headers.get("referer"),
        user_agent=request.headers.get("user-agent", ""),
        ip=request.client.host if request.client else ""))
    response = RedirectResponse(recorded.link.destination, status_code=302)
    response.set_cookie(REF_COOKIE, recorded.click.visitor, max_age=VISITOR_MAX_AGE,
                        path="/", httponly=True, samesite="lax",
                        secure=c.settings.public_url.startswith("https"))
    return response


def _me(tx: Tx, s: Shopper) -> CreatorRow:
    return service.creator_of_shopper(tx, merchant_id=s.merchant_id, shopper_id=s.shopper_id)


@router.post("/v1/me/creator/programs/{program_id}/join", response_model=MemberOut)
def join_program(program_id: str, s: Shopper, c: ContainerDep) -> MemberOut:
    """Join an open program; the shopper becomes a creator (a KOC) if not one yet."""
    return write(c, lambda tx: member_out(tx, service.join_open(
        tx, merchant_id=s.merchant_id, program_id=program_id, shopper_id=s.shopper_id)))


@router.get("/v1/me/creator", response_model=CreatorOut)
def my_profile(s: Shopper, c: ContainerDep) -> CreatorOut:
    return read(c, lambda tx: creator_out(tx, _me(tx, s)))


@router.get("/v1/me/creator/links", response_model=list[LinkOut])
def my_links(s: Shopper, c: ContainerDep) -> list[LinkOut]:
    return read(c, lambda tx: links_out(tx, store.links_of(tx, _me(tx, s).id)))


@router.post("/v1/me/creator/links", status_code=201, response_model=LinkOut)
def new_link(body: MyLinkIn, s: Shopper, c: ContainerDep) -> LinkOut:
    return write(c, lambda tx: links_out(tx, [service.create_link(
        tx, merchant_id=s.merchant_id, program_id=body.program_id, creator_id=_me(tx, s).id,
        destination=body.destination)])[0])


@router.get("/v1/me/creator/clicks", response_model=Page[ClickOut])
def my_clicks(s: Shopper, c: ContainerDep, after: str | None = Query(None, max_length=40),
              limit: int = Query(50, ge=1, le=200)) -> Page[ClickOut]:
    def action(tx: Tx) -> Page[ClickOut]:
        rows = store.clicks_of_creator(tx, _me(tx, s).id, after=after, limit=limit + 1)
        return Page(data=[ClickOut.model_validate(r) for r in rows[:limit]],
                    has_more=len(rows) > limit)
    return read(c, action)


@router.get("/v1/me/creator/commissions", response_model=Page[CommissionOut])
def my_commissions(s: Shopper, c: ContainerDep, after: str | None = Query(None, max_length=40),
                   limit: int = Query(50, ge=1, le=200)) -> Page[CommissionOut]:
    """The orders credited to me, each with its commission."""
    def action(tx: Tx) -> Page[CommissionOut]:
        rows = ledger_store.commissions(tx, s.merchant_id, creator_id=_me(tx, s).id,
                                        state=None, after=after, limit=limit + 1)
        return Page(data=[commission_out(tx, r) for r in rows[:limit]],
                    has_more=len(rows) > limit)
    return read(c, action)


@router.get("/v1/me/creator/earnings", response_model=EarningsOut)
def my_earnings(s: Shopper, c: ContainerDep) -> EarningsOut:
    return read(c, lambda tx: earnings_out(tx, _me(tx, s).id))
