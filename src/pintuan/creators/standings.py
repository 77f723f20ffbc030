"""Leaderboard standings and return rates: pure arithmetic over per-creator totals."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class SortBy(enum.StrEnum):
    GMV = "gmv"
    ORDERS = "orders"
    CONVERSION = "conversion"
    RETURN_RATE = "return_rate"
    EARNINGS = "earnings"


@dataclass(frozen=True)
class Totals:
    creator_id: str
    clicks: int = 0
    orders: int = 0
    captured_minor: int = 0
    refunded_minor: int = 0
    earnings_minor: int = 0


@dataclass(frozen=True)
class Standing:
    creator_id: str
    rank: int
    clicks: int
    orders: int
    gmv_minor: int
    refunded_minor: int
    conversion_bps: int | None
    return_rate_bps: int
    over_return_cap: bool
    earnings_minor: int


def ratio_bps(part: int, whole: int) -> int | None:
    return None if whole <= 0 else part * 10_000 // whole


def _key(s: Standing, sort: SortBy) -> tuple[int, str]:
    value = {SortBy.GMV: s.gmv_minor, SortBy.ORDERS: s.orders,
             SortBy.CONVERSION: s.conversion_bps or 0, SortBy.RETURN_RATE: s.return_rate_bps,
             SortBy.EARNINGS: s.earnings_minor}[sort]
    return (-value, s.creator_id)


def standings(totals: list[Totals], *, sort: SortBy, return_cap_bps: int) -> list[Standing]:
    """GMV is what shoppers kept (captured minus refunded); the return rate is the share of
    captured value refunded, checked against the program's cap."""
    rows = []
    for t in totals:
        returned = ratio_bps(t.refunded_minor, t.captured_minor) or 0
        rows.append(Standing(
            creator_id=t.creator_id, rank=0, clicks=t.clicks, orders=t.orders,
            gmv_minor=t.captured_minor - t.refunded_minor, refunded_minor=t.refunded_minor,
            conversion_bps=ratio_bps(t.orders, t.clicks), return_rate_bps=returned,
            over_return_cap=returned > return_cap_bps, earnings_minor=t.earnings_minor))
    rows.sort(key=lambda s: _key(s, sort))
    return [Standing(**{**s.__dict__, "rank": i}) for i, s in enumerate(rows, start=1)]
