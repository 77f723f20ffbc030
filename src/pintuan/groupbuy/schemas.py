"""Group-buy request and response shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from pintuan.groupbuy.model import MAX_TEAM, MIN_TEAM, Overflow
from pintuan.orders.schemas import OrderOut
from pintuan.schemas import Request, Resource, UtcDatetime

Money = Field(ge=0, le=10**12)
Limit = Field(ge=1, le=10_000)


class DealIn(Request):
    sku_id: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=200)
    group_price_minor: int = Money
    leader_price_minor: int | None = Field(default=None, ge=0, le=10**12)
    team_size: int = Field(ge=MIN_TEAM, le=MAX_TEAM)
    join_window_seconds: int = Field(default=24 * 3600, ge=1, le=30 * 24 * 3600)
    starts_at: UtcDatetime
    ends_at: UtcDatetime
    per_order_limit: int = Field(default=1, ge=1, le=10_000)
    per_shopper_limit: int = Field(default=1, ge=1, le=10_000)
    quota: int = Field(ge=1, le=10_000_000)
    virtual_fill_min_paid: int | None = Field(
        default=None, ge=1, le=MAX_TEAM,
        description="Off when omitted. When set: at the deadline, a group with at least this "
        "many paid members is completed with virtual seats, which are marked as such.")
    overflow: Overflow = Overflow.REJECT
    location_id: str | None = Field(default=None, max_length=40)


class DealOut(Resource):
    id: str
    sku_id: str
    title: str
    currency: str
    list_price_minor: int
    group_price_minor: int
    leader_price_minor: int | None
    team_size: int
    join_window_seconds: int
    starts_at: datetime
    ends_at: datetime
    per_order_limit: int
    per_shopper_limit: int
    quota: int
    quota_used: int
    virtual_fill_min_paid: int | None
    overflow: Overflow
    paused: bool
    created_at: datetime


class MemberOut(Resource):
    id: str
    name: str
    status: str
    is_leader: bool
    is_virtual: bool
    joined_at: datetime
    paid_at: datetime | None


class GroupOut(Resource):
    id: str
    deal_id: str
    status: str
    size: int
    seats_taken: int
    seats_left: int
    paid_count: int
    virtual_seats: int
    opened_at: datetime
    deadline_at: datetime
    seconds_left: int
    closed_at: datetime | None
    share_url: str
    version: int
    members: list[MemberOut]


class StoreDealOut(DealOut):
    open_groups: list[GroupOut]


class Referral(Request):
    ref: str | None = Field(default=None, max_length=64, description="The referral visitor "
                            "token (the `pt_ref` cookie), for clients that keep no cookies.")
    creator_code: str | None = Field(default=None, max_length=32,
                                     description="A creator's code typed at checkout.")


class OpenIn(Referral):
    deal_id: str = Field(min_length=1, max_length=40)
    quantity: int = Field(default=1, ge=1, le=10_000)


class JoinIn(Referral):
    quantity: int = Field(default=1, ge=1, le=10_000)


class JoinedOut(Resource):
    group: GroupOut
    order: OrderOut
    member_id: str
    redirected_from: str | None
