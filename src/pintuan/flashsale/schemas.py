"""Flash-sale request and response shapes (the buy path itself parses its tiny body by hand)."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import AwareDatetime, Field, model_validator

from pintuan.core.money import MAX_MINOR
from pintuan.flashsale.model import MAX_DAYS, MAX_PRICE_RULE_DAYS, MAX_SLOTS
from pintuan.schemas import Request, Resource

Limit = Field(default=1, ge=1, le=10_000)


class SlotIn(Request):
    starts_at: AwareDatetime
    ends_at: AwareDatetime


class DailyIn(Request):
    """Daily sessions: each day from ``first_day`` for ``days`` days, at each start time."""

    first_day: date
    days: int = Field(ge=1, le=MAX_DAYS)
    starts: list[time] = Field(min_length=1, max_length=24)
    minutes: int = Field(ge=1, le=24 * 60)
    timezone: str = Field(default="Asia/Shanghai", max_length=60)


class ItemIn(Request):
    sku_id: str = Field(min_length=1, max_length=40)
    sale_price_minor: int = Field(ge=0, le=MAX_MINOR)
    quota: int = Field(ge=1, le=10_000_000)


class EventIn(Request):
    title: str = Field(min_length=1, max_length=200)
    slots: list[SlotIn] | None = Field(default=None, max_length=MAX_SLOTS)
    daily: DailyIn | None = None
    items: list[ItemIn] = Field(min_length=1, max_length=50)
    per_order_limit: int = Limit
    per_slot_limit: int = Limit
    per_event_limit: int = Limit
    price_rule_days: int = Field(
        default=30, ge=1, le=MAX_PRICE_RULE_DAYS,
        description="The sale price must be below the lowest list price of this many days "
        "before the first slot.")

    @model_validator(mode="after")
    def _one_schedule(self) -> EventIn:
        if (self.slots is None) == (self.daily is None):
            raise ValueError("give either slots or daily")
        return self


class SlotOut(Resource):
    id: str
    starts_at: datetime
    ends_at: datetime
    state: str
    seconds_to_change: int = Field(description="Until the slot starts (upcoming) or ends (live).")


class ItemOut(Resource):
    id: str
    sku_id: str
    title: str
    currency: str
    list_price_minor: int
    prior_lowest_minor: int
    sale_price_minor: int
    quota: int
    taken: int
    remaining: int
    ended: bool


class EventOut(Resource):
    id: str
    title: str
    status: str
    price_rule_days: int
    per_order_limit: int
    per_slot_limit: int
    per_event_limit: int
    starts_at: datetime
    ends_at: datetime
    created_at: datetime
    server_time: datetime
    slots: list[SlotOut]
    items: list[ItemOut]


class StoreEventsOut(Resource):
    server_time: datetime
    events: list[EventOut]


class SecondOut(Resource):
    at: datetime
    accepted: int


class ItemReportOut(Resource):
    item_id: str
    quota: int
    taken: int
    accepted: int = Field(description="Orders ever acknowledged (a returned unit sold again "
                          "counts twice).")
    refused: int
    acceptance_rate: float
    peak_accepted_per_s: int
    orders: dict[str, int] = Field(description="Acknowledged orders by their status now.")
    rejections: dict[str, int] = Field(description="Refused buys by reason (``code``).")
    per_second: list[SecondOut]


class ReportOut(Resource):
    event_id: str
    status: str
    items: list[ItemReportOut]
