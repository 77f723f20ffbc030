"""Flash-sale rules: slots (one-off or daily sessions), per-shopper limits, the prior-lowest
price rule, which slot is live, and how a batch of buyers shares the units left.

Pure: no I/O. Times are UTC-aware; daily sessions are given in the merchant's time zone.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pintuan.core.errors import Conflict, ValidationFailed

MAX_SLOTS = 1000
MAX_DAYS = 366
MAX_PRICE_RULE_DAYS = 365


@dataclass(frozen=True, order=True)
class Slot:
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class DailySession:
    start: time
    minutes: int


def daily_slots(*, first_day: date, days: int, sessions: Sequence[DailySession],
                timezone: str) -> list[Slot]:
    """One slot per session per day, in the merchant's zone, as UTC instants."""
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(f"days must be 1-{MAX_DAYS}", code="bad_slots")
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(f"unknown time zone {timezone!r}", code="bad_timezone") from None
    out = []
    for d in range(days):
        day = first_day + timedelta(days=d)
        for s in sessions:
            if s.minutes < 1:
                raise ValidationFailed("a session lasts at least a minute", code="bad_slots")
            start = datetime.combine(day, s.start, tzinfo=zone).astimezone(UTC)
            out.append(Slot(start, start + timedelta(minutes=s.minutes)))
    return sorted(out)


def check_slots(slots: Sequence[Slot], now: datetime) -> list[Slot]:
    """Slots sorted; each ends after it starts, none overlaps another, the last is ahead."""
    ordered = sorted(slots)
    if not 1 <= len(ordered) <= MAX_SLOTS:
        raise ValidationFailed(f"an event has 1-{MAX_SLOTS} slots", code="bad_slots")
    for slot in ordered:
        if slot.ends_at <= slot.starts_at:
            raise ValidationFailed("a slot must end after it starts", code="bad_slots")
    for before, after in pairwise(ordered):
        if after.starts_at < before.ends_at:
            raise ValidationFailed("slots must not overlap", code="overlapping_slots")
    if ordered[-1].ends_at <= now:
        raise ValidationFailed("every slot has already ended", code="slots_in_past")
    return ordered


@dataclass(frozen=True)
class Limits:
    per_order: int
    per_slot: int
    per_event: int

    def validate(self) -> None:
        if not 1 <= self.per_order <= self.per_slot <= self.per_event:
            raise ValidationFailed("limits must satisfy 1 <= per order <= per slot <= per event",
                                   code="bad_limits")

    def check_quantity(self, quantity: int) -> None:
        if not 1 <= quantity <= self.per_order:
            raise ValidationFailed(f"quantity must be 1-{self.per_order} per order",
                                   code="bad_quantity")


def limit_scopes(*, slot_id: str, event_id: str, slots: int, per_slot: int,
                 per_event: int) -> list[tuple[str, int]]:
    """The (scope, limit) pairs a buy in ``slot_id`` counts against: the slot's and the
    event's; only the event's, at the slot's limit, when the slot's could never refuse what
    that admits: with one slot (its usage is the event's) or with equal limits (the event's
    usage is at least the slot's). A buyer then has one usage row instead of two."""
    if slots == 1 or per_slot >= per_event:
        return [(event_id, min(per_slot, per_event))]
    return [(slot_id, per_slot), (event_id, per_event)]


def prior_lowest(history: Sequence[tuple[datetime, int]], *, current: int, before: datetime,
                 days: int) -> int:
    """The lowest list price in effect at any moment of the ``days`` before ``before``.

    ``history`` is the append-only list of (effective_at, price). The price in force when the
    window opens counts, as does every change inside it; with no history, the current price.
    """
    window_start = before - timedelta(days=days)
    in_force = [p for at, p in history if at <= window_start]
    inside = [p for at, p in history if window_start < at <= before]
    prices = ([in_force[-1]] if in_force else []) + inside
    return min(prices) if prices else current


def check_sale_price(*, sale: int, lowest: int, days: int) -> None:
    if sale < 0:
        raise ValidationFailed("sale price must not be negative", code="bad_price")
    if sale >= lowest:
        raise ValidationFailed(
            f"sale price {sale} must be below the lowest price of the previous {days} days "
            f"({lowest})", code="price_not_below_prior_lowest", prior_lowest_minor=lowest)


class SlotState(enum.StrEnum):
    UPCOMING = "upcoming"
    LIVE = "live"
    ENDED = "ended"


def state(slot: Slot, now: datetime) -> SlotState:
    if now < slot.starts_at:
        return SlotState.UPCOMING
    return SlotState.LIVE if now < slot.ends_at else SlotState.ENDED


def countdown(slot: Slot, now: datetime) -> int:
    """Seconds until the slot starts (upcoming) or ends (live); 0 once ended."""
    target = slot.starts_at if now < slot.starts_at else slot.ends_at
    return max(0, int((target - now).total_seconds()))


def live_slot(slots: Sequence[tuple[str, Slot]], now: datetime) -> str:
    """The id of the slot selling now, or why none is."""
    for slot_id, slot in slots:
        if state(slot, now) is SlotState.LIVE:
            return slot_id
    if any(state(s, now) is SlotState.UPCOMING for _, s in slots):
        raise Conflict("no slot of this flash sale is selling now", code="slot_not_started")
    raise Conflict("this flash sale has ended", code="event_ended")


def take_in_order(quantities: Sequence[int], units: int) -> int:
    """How many requests, in arrival order, the units cover: the first k whose sum fits."""
    taken = 0
    for k, q in enumerate(quantities):
        if taken + q > units:
            return k
        taken += q
    return len(quantities)


def per_second(times: Sequence[datetime]) -> list[tuple[datetime, int]]:
    """How many events fell in each whole second, in order (seconds without any left out)."""
    out: list[tuple[datetime, int]] = []
    for t in sorted(times):
        second = t.replace(microsecond=0)
        if out and out[-1][0] == second:
            out[-1] = (second, out[-1][1] + 1)
        else:
            out.append((second, 1))
    return out
