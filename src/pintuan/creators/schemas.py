"""Creator-program request and response shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, Field

from pintuan.core.money import MAX_MINOR
from pintuan.creators.ledger import RateKind
from pintuan.creators.model import KOC_MAX_FOLLOWERS, AttributionModel, Platform, Precedence
from pintuan.schemas import Request, Resource

Id = Field(min_length=1, max_length=40)


class ProgramIn(Request):
    name: str = Field(min_length=1, max_length=120)
    open_enrolment: bool = Field(default=False, description="Anyone may join (KOC program); "
                                 "otherwise creators are invited.")
    attribution_model: AttributionModel = AttributionModel.LAST_CLICK
    window_days: int = Field(default=30, ge=1, le=365)
    bind_once: bool = Field(default=False, description="A customer stays with the creator "
                            "who first brought them.")
    precedence: Precedence = Precedence.CODE_BEATS_LINK
    koc_max_followers: int = Field(default=KOC_MAX_FOLLOWERS, ge=1, le=10**9)
    holding_days: int = Field(default=7, ge=0, le=365, description="The return window after "
                              "confirmation before a commission becomes payable.")
    flood_clicks_per_hour: int = Field(default=20, ge=1, le=100_000, description="More clicks "
                                       "than this on a creator's links from one IP in the "
                                       "hour before the credited click flag the order.")
    return_rate_cap_bps: int = Field(default=4000, ge=0, le=10_000, description="The share of "
                                     "sales value a creator may see returned (4000 = 40%).")
    override_bps: list[int] = Field(default_factory=list, max_length=10, description="Empty "
                                    "(the default): one referral level. Otherwise the rate a "
                                    "recruiter earns on each deeper level's sales.")


class ProgramOut(Resource):
    id: str
    name: str
    open_enrolment: bool
    attribution_model: str
    window_days: int
    bind_once: bool
    precedence: str
    koc_max_followers: int
    holding_days: int
    flood_clicks_per_hour: int
    return_rate_cap_bps: int
    override_bps: list[int]
    currency: str
    active: bool
    created_at: datetime


class HandleIn(Request):
    platform: Platform
    handle: str = Field(min_length=1, max_length=100)
    followers: int = Field(ge=0, le=2 * 10**9)


class HandleOut(Resource):
    platform: str
    handle: str
    followers: int


class CreatorIn(Request):
    name: str = Field(min_length=1, max_length=100)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32)
    shopper_id: str | None = Field(default=None, max_length=40,
                                   description="The creator's shopper account, if a customer.")
    recruited_by: str | None = Field(default=None, max_length=40,
                                     description="The creator who recruited this one.")
    segments: list[str] = Field(default_factory=list, max_length=20)
    handles: list[HandleIn] = Field(default_factory=list, max_length=12)


class CreatorOut(Resource):
    id: str
    name: str
    email: str | None
    phone: str | None
    shopper_id: str | None
    recruited_by: str | None
    is_customer: bool
    segments: list[str]
    status: str
    followers: int
    tier: str
    handles: list[HandleOut]
    created_at: datetime


class InviteIn(Request):
    creator_id: str = Id


class MemberOut(Resource):
    program_id: str
    creator_id: str
    enrolment: str
    status: str
    tier: str
    is_koc: bool
    created_at: datetime
    joined_at: datetime | None


class LinkIn(Request):
    creator_id: str = Id
    destination: str | None = Field(default=None, max_length=500)


class MyLinkIn(Request):
    program_id: str = Id
    destination: str | None = Field(default=None, max_length=500)


class LinkOut(Resource):
    id: str
    program_id: str
    creator_id: str
    url: str
    destination: str
    clicks: int
    created_at: datetime


class CodeIn(Request):
    creator_id: str = Id
    code: str = Field(min_length=1, max_length=40)


class CodeOut(Resource):
    id: str
    program_id: str
    creator_id: str
    code: str
    created_at: datetime


class ClickOut(Resource):
    id: str
    link_id: str
    at: datetime
    referrer: str | None
    device_class: str
    ip_hash: str


class AttributionOut(Resource):
    order_id: str
    program_id: str
    creator_id: str
    source: str
    click_id: str | None
    code: str | None
    flags: list[str]
    rules: dict[str, object]
    created_at: datetime


class RateCardIn(Request):
    creator_id: str | None = Field(default=None, max_length=40)
    product_id: str | None = Field(default=None, max_length=40)
    kind: RateKind
    bps: int = Field(default=0, ge=-(10**12), le=10**12,
                     description="Percent rates in basis points: 1000 = 10%.")
    fixed_minor: int = Field(default=0, ge=-MAX_MINOR, le=MAX_MINOR,
                             description="Fixed rates per unit sold, in minor units.")


class RateCardOut(Resource):
    id: str
    program_id: str
    creator_id: str | None
    product_id: str | None
    kind: str
    bps: int
    fixed_minor: int
    active: bool
    created_at: datetime


class EntryOut(Resource):
    id: str
    seq: int
    kind: str
    amount_minor: int
    captured_minor: int
    refunded_minor: int
    reason: str
    created_at: datetime


class CommissionOut(Resource):
    id: str
    order_id: str | None
    contract_id: str | None = Field(description="Set on a bonus, which has no order.")
    depth: int = Field(description="1 for the creator's own sale; 2-3 for an override.")
    program_id: str
    creator_id: str
    state: str
    flags: list[str]
    total_minor: int
    currency: str
    confirmed_at: datetime | None
    payable_at: datetime | None
    created_at: datetime
    entries: list[EntryOut] = []


class EarningsOut(Resource):
    creator_id: str
    pending_minor: int
    held_minor: int
    payable_minor: int
    paid_minor: int
    voided_minor: int
    paid_out_minor: int
    balance_minor: int


class StandingOut(Resource):
    rank: int
    creator_id: str
    clicks: int
    orders: int
    gmv_minor: int
    refunded_minor: int
    conversion_bps: int | None
    return_rate_bps: int
    over_return_cap: bool
    earnings_minor: int


class LeaderboardOut(Resource):
    program_id: str
    since: datetime
    until: datetime
    sort: str
    return_rate_cap_bps: int
    currency: str
    standings: list[StandingOut]


class BatchIn(Request):
    cutoff: AwareDatetime | None = Field(default=None, description="Commissions payable by "
                                         "then are included; now when omitted.")
    minimum_minor: int = Field(default=0, ge=-MAX_MINOR, le=MAX_MINOR,
                               description="Creators owed less are carried to a later batch.")


class PayNowIn(Request):
    amount_minor: int = Field(ge=-MAX_MINOR, le=MAX_MINOR)


class PayoutOut(Resource):
    id: str
    batch_id: str
    creator_id: str
    status: str
    amount_minor: int
    currency: str
    commissions: int
    failure_reason: str | None
    created_at: datetime
    settled_at: datetime | None


class BatchOut(Resource):
    id: str
    status: str
    cutoff: datetime
    minimum_minor: int
    currency: str
    total_minor: int
    created_at: datetime
    closed_at: datetime | None
    payouts: list[PayoutOut] = []


class FailIn(Request):
    reason: str = Field(min_length=1, max_length=200)


class AuditOut(Resource):
    seq: int
    payout_id: str | None
    action: str
    actor: str
    detail: str
    at: datetime


class AudienceReportOut(Resource):
    id: str
    creator_id: str
    sample_size: int
    bought_share_bps: int = Field(description="Share of the sample the model takes for "
                                  "bought followers. It detects bought followers, not bots "
                                  "in general.")
    mass_follower_share_bps: int = Field(description="Share following more than 1,500.")
    followers: int
    tier: str
    engagement_bps: int | None
    tier_median_engagement_bps: int | None
    growth_spike_days: list[int]
    model_version: str
    created_at: datetime


class TierIn(Request):
    gmv_target_minor: int = Field(ge=-MAX_MINOR, le=MAX_MINOR)
    bonus_minor: int = Field(ge=-MAX_MINOR, le=MAX_MINOR)


class ContractIn(Request):
    creator_id: str = Id
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    tiers: list[TierIn] = Field(max_length=20)


class ContractOut(Resource):
    id: str
    program_id: str
    creator_id: str
    starts_at: datetime
    ends_at: datetime
    settles_at: datetime
    tiers: list[dict[str, int]]
    status: str
    gmv_minor: int | None
    bonus_minor: int | None
    created_at: datetime
    settled_at: datetime | None
