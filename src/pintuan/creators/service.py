"""Programs, creators, memberships, referral links and codes: the merchant's and the
creator's use cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from pintuan.core import outbox
from pintuan.core.errors import Conflict, NotFound, ValidationFailed
from pintuan.core.ids import new_id, new_token
from pintuan.core.tx import Tx
from pintuan.creators import ledger_store, store
from pintuan.creators.model import (
    KOC_MAX_FOLLOWERS,
    AttributionModel,
    CreatorStatus,
    Enrolment,
    MembershipStatus,
    Platform,
    Precedence,
    check_destination,
    normal_code,
    normal_email,
)
from pintuan.creators.standings import SortBy, Standing, Totals, standings
from pintuan.creators.store import (
    CodeRow,
    CreatorRow,
    HandleRow,
    LinkRow,
    MemberRow,
    ProgramRow,
)
from pintuan.merchants import service as merchants
from pintuan.shoppers import store as shoppers


@dataclass(frozen=True)
class ProgramSpec:
    name: str
    open_enrolment: bool = False
    attribution_model: AttributionModel = AttributionModel.LAST_CLICK
    window_days: int = 30
    bind_once: bool = False
    precedence: Precedence = Precedence.CODE_BEATS_LINK
    koc_max_followers: int = KOC_MAX_FOLLOWERS
    holding_days: int = 7
    flood_clicks_per_hour: int = 20
    return_rate_cap_bps: int = 4000
    override_bps: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class HandleSpec:
    platform: Platform
    handle: str
    followers: int


@dataclass(frozen=True)
class CreatorSpec:
    name: str
    email: str | None = None
    phone: str | None = None
    shopper_id: str | None = None
    recruited_by: str | None = None
    segments: list[str] = field(default_factory=list)
    handles: list[HandleSpec] = field(default_factory=list)


MAX_DEPTH = 3


def create_program(tx: Tx, *, merchant_id: str, currency: str, spec: ProgramSpec) -> ProgramRow:
    """Referral depth is one level unless ``override_bps`` names a rate for each deeper
    level: the recruiter earns that share of the sales their recruits make (sales only,
    never a reward for recruiting itself)."""
    if len(spec.override_bps) > MAX_DEPTH - 1 or any(
            not 1 <= bps <= 10_000 for bps in spec.override_bps):
        raise ValidationFailed(f"at most {MAX_DEPTH - 1} override rates of 1-10000 bps",
                               code="bad_override")
    row = ProgramRow(id=new_id("prg"), merchant_id=merchant_id, name=spec.name,
                     open_enrolment=spec.open_enrolment,
                     attribution_model=spec.attribution_model.value,
                     window_days=spec.window_days, bind_once=spec.bind_once,
                     precedence=spec.precedence.value,
                     koc_max_followers=spec.koc_max_followers, holding_days=spec.holding_days,
                     flood_clicks_per_hour=spec.flood_clicks_per_hour,
                     return_rate_cap_bps=spec.return_rate_cap_bps,
                     override_bps=list(spec.override_bps),
                     currency=currency, created_at=tx.now())
    store.add(tx, row)
    tx.session.flush()
    outbox.emit(tx, merchant_id=merchant_id, type="program.created",
                data={"program": {"id": row.id, "name": row.name}})
    return row


def get_program(tx: Tx, *, merchant_id: str, program_id: str) -> ProgramRow:
    row = store.program(tx, merchant_id, program_id)
    if row is None:
        raise NotFound(f"no program {program_id}", code="program_not_found")
    return row


def close_program(tx: Tx, *, merchant_id: str, program_id: str) -> ProgramRow:
    """A closed program credits no new orders; what it already credited is paid as usual."""
    row = get_program(tx, merchant_id=merchant_id, program_id=program_id)
    if row.active:
        row.active = False
        outbox.emit(tx, merchant_id=merchant_id, type="program.closed",
                    data={"program": {"id": row.id, "name": row.name}})
    return row


def get_creator(tx: Tx, *, merchant_id: str, creator_id: str) -> CreatorRow:
    row = store.creator(tx, merchant_id, creator_id)
    if row is None:
        raise NotFound(f"no creator {creator_id}", code="creator_not_found")
    return row


def _check_handles(handles: list[HandleSpec]) -> None:
    platforms = [h.platform for h in handles]
    if len(set(platforms)) != len(platforms):
        raise ValidationFailed("one handle per platform", code="duplicate_platform")
    if any(h.followers < 0 for h in handles):
        raise ValidationFailed("followers cannot be negative", code="bad_followers")


def create_creator(tx: Tx, *, merchant_id: str, spec: CreatorSpec) -> CreatorRow:
    """A creator profile; linked to a shopper account when the creator is also a customer."""
    _check_handles(spec.handles)
    email = normal_email(spec.email)
    phone = merchants.phone_number(tx, merchant_id, spec.phone)
    if spec.shopper_id is not None:
        shopper = shoppers.get(tx, merchant_id, spec.shopper_id)
        if shopper is None:
            raise NotFound(f"no shopper {spec.shopper_id}", code="shopper_not_found")
        if store.creator_of_shopper(tx, merchant_id, shopper.id) is not None:
            raise Conflict("this shopper is a creator already", code="creator_exists")
        email = email or shopper.email
        phone = phone or shopper.phone
    if spec.recruited_by is not None and store.creator(tx, merchant_id,
                                                       spec.recruited_by) is None:
        raise NotFound(f"no creator {spec.recruited_by}", code="creator_not_found")
    row = CreatorRow(id=new_id("cr"), merchant_id=merchant_id, name=spec.name, email=email,
                     phone=phone, shopper_id=spec.shopper_id,
                     recruited_by=spec.recruited_by,
                     segments=sorted(set(spec.segments)), status=CreatorStatus.ACTIVE.value,
                     created_at=tx.now())
    store.add(tx, row)
    try:
        tx.session.flush()
    except IntegrityError:
        raise Conflict("this shopper is a creator already", code="creator_exists") from None
    for h in spec.handles:
        store.add(tx, HandleRow(id=new_id("hdl"), merchant_id=merchant_id, creator_id=row.id,
                                platform=h.platform.value, handle=h.handle,
                                followers=h.followers))
    outbox.emit(tx, merchant_id=merchant_id, type="creator.created",
                data={"creator": {"id": row.id, "name": row.name}})
    return row


def set_status(tx: Tx, *, merchant_id: str, creator_id: str,
               status: CreatorStatus) -> CreatorRow:
    """Banning a creator keeps their history; their later referrals are flagged and held."""
    row = get_creator(tx, merchant_id=merchant_id, creator_id=creator_id)
    if row.status != status.value:
        row.status = status.value
        outbox.emit(tx, merchant_id=merchant_id, type=f"creator.{status.value}",
                    data={"creator": {"id": row.id, "status": row.status}})
    return row


def invite(tx: Tx, *, merchant_id: str, program_id: str, creator_id: str) -> MemberRow:
    """Target a creator: the merchant enrols them, marked as invited (targeted), which is
    what creator-targeted rate cards are for."""
    prog = get_program(tx, merchant_id=merchant_id, program_id=program_id)
    get_creator(tx, merchant_id=merchant_id, creator_id=creator_id)
    if store.member(tx, prog.id, creator_id) is not None:
        raise Conflict("the creator is in this program already", code="already_member")
    row = MemberRow(id=new_id("pm"), merchant_id=merchant_id, program_id=prog.id,
                    creator_id=creator_id, enrolment=Enrolment.INVITED.value,
                    status=MembershipStatus.ACTIVE.value, created_at=tx.now(),
                    joined_at=tx.now())
    store.add(tx, row)
    tx.session.flush()
    return row


def remove(tx: Tx, *, merchant_id: str, program_id: str, creator_id: str) -> MemberRow:
    """Take a creator out of a program: their links and codes credit nothing from now on."""
    prog = get_program(tx, merchant_id=merchant_id, program_id=program_id)
    row = store.member(tx, prog.id, creator_id)
    if row is None:
        raise NotFound(f"creator {creator_id} is not in this program", code="member_not_found")
    row.status = MembershipStatus.REMOVED.value
    return row


def creator_of_shopper(tx: Tx, *, merchant_id: str, shopper_id: str) -> CreatorRow:
    row = store.creator_of_shopper(tx, merchant_id, shopper_id)
    if row is None:
        raise NotFound("you are not a creator here", code="not_a_creator")
    return row


def join_open(tx: Tx, *, merchant_id: str, program_id: str, shopper_id: str) -> MemberRow:
    """Any shopper can become a KOC in an open program: a creator profile is made for them."""
    prog = get_program(tx, merchant_id=merchant_id, program_id=program_id)
    if not prog.open_enrolment:
        raise Conflict("this program takes invited creators only", code="program_not_open")
    mine = store.creator_of_shopper(tx, merchant_id, shopper_id)
    if mine is None:
        shopper = shoppers.get(tx, merchant_id, shopper_id)
        assert shopper is not None
        mine = create_creator(tx, merchant_id=merchant_id, spec=CreatorSpec(
            name=shopper.name, email=shopper.email, shopper_id=shopper.id))
    existing = store.member(tx, prog.id, mine.id)
    if existing is not None:
        if existing.status != MembershipStatus.ACTIVE.value:
            raise Conflict("you were removed from this program", code="removed_from_program")
        return existing
    row = MemberRow(id=new_id("pm"), merchant_id=merchant_id, program_id=prog.id,
                    creator_id=mine.id, enrolment=Enrolment.OPEN.value,
                    status=MembershipStatus.ACTIVE.value, created_at=tx.now(),
                    joined_at=tx.now())
    store.add(tx, row)
    tx.session.flush()
    return row


def check_active_member(tx: Tx, prog: ProgramRow, creator_id: str) -> None:
    member = store.member(tx, prog.id, creator_id)
    if member is None or member.status != MembershipStatus.ACTIVE.value:
        raise Conflict("the creator is not an active member of this program",
                       code="not_a_member")


def create_link(tx: Tx, *, merchant_id: str, program_id: str, creator_id: str,
                destination: str | None) -> LinkRow:
    prog = get_program(tx, merchant_id=merchant_id, program_id=program_id)
    get_creator(tx, merchant_id=merchant_id, creator_id=creator_id)
    check_active_member(tx, prog, creator_id)
    target = check_destination(destination or tx.settings.public_url.rstrip("/") + "/")
    row = LinkRow(id=new_id("lnk"), merchant_id=merchant_id, program_id=prog.id,
                  creator_id=creator_id, token=new_token(9), destination=target,
                  created_at=tx.now())
    store.add(tx, row)
    tx.session.flush()
    return row


def create_code(tx: Tx, *, merchant_id: str, program_id: str, creator_id: str,
                code: str) -> CodeRow:
    """A code works without a click: typed at checkout, it credits its creator."""
    value = normal_code(code)
    prog = get_program(tx, merchant_id=merchant_id, program_id=program_id)
    get_creator(tx, merchant_id=merchant_id, creator_id=creator_id)
    check_active_member(tx, prog, creator_id)
    row = CodeRow(id=new_id("rc"), merchant_id=merchant_id, program_id=prog.id,
                  creator_id=creator_id, code=value, created_at=tx.now())
    if not store.add_code(tx, row):
        raise Conflict(f"the code {value} is taken", code="code_taken")
    return row


def leaderboard(tx: Tx, *, merchant_id: str, program_id: str, since: datetime,
                until: datetime, sort: SortBy) -> tuple[ProgramRow, list[Standing]]:
    """Creators of a program ranked over a period: clicks in it, and the orders paid in it."""
    if since >= until:
        raise ValidationFailed("since must come before until", code="bad_period")
    prog = get_program(tx, merchant_id=merchant_id, program_id=program_id)
    clicks = store.clicks_per_creator(tx, prog.id, since=since, until=until)
    sales = {row[0]: row for row in ledger_store.program_totals(tx, prog.id, since=since,
                                                                 until=until)}
    totals = [Totals(creator_id=cr, clicks=clicks.get(cr, 0),
                     **dict(zip(("orders", "captured_minor", "refunded_minor",
                                 "earnings_minor"), sales[cr][1:], strict=True))
                     if cr in sales else {})
              for cr in sorted(set(clicks) | set(sales))]
    return prog, standings(totals, sort=sort, return_cap_bps=prog.return_rate_cap_bps)


def link_url(tx: Tx, row: LinkRow) -> str:
    return f"{tx.settings.public_url.rstrip('/')}/r/{row.token}"
