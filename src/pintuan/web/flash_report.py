"""A flash sale's report as the console draws it: sales per second as a gap-free series (in
wider buckets when the sale ran long), outcomes by reason, and the headline figures.

Pure: it shapes what ``flashsale.service.report`` returns; no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pintuan.flashsale.service import ItemReport
from pintuan.web.pages import money

MAX_POINTS = 120
# Refusal codes the console names in words; others are shown as their code.
KNOWN = frozenset({"accepted", "sold_out", "shopper_limit_exceeded", "slot_not_started",
                   "event_ended", "bad_quantity", "queue_full"})


def sales_series(per_second: Sequence[tuple[datetime, int]],
                 max_points: int = MAX_POINTS) -> tuple[int, list[tuple[str, int]]]:
    """Seconds per point and the points (start "HH:MM:SS", orders) from the first sale to
    the last, quiet seconds included as zeros; seconds are summed into buckets so that
    there are at most ``max_points`` points."""
    if not per_second:
        return 1, []
    first, last = per_second[0][0], per_second[-1][0]
    seconds = int((last - first).total_seconds()) + 1
    span = -(-seconds // max_points)
    counts = [0] * (-(-seconds // span))
    for at, n in per_second:
        counts[int((at - first).total_seconds()) // span] += n
    return span, [((first + timedelta(seconds=i * span)).strftime("%H:%M:%S"), n)
                  for i, n in enumerate(counts)]


def outcomes(r: ItemReport) -> list[tuple[str, int]]:
    """Accepted buys first, then refusals by reason, most frequent first."""
    refused = sorted(r.rejections.items(), key=lambda kv: (-kv[1], kv[0]))
    return [("accepted", sum(n for _, n in r.per_second)), *refused]


@dataclass(frozen=True)
class ItemFigures:
    item_id: str
    title: str
    sale_price: str
    quota: int
    taken: int
    remaining: int
    accepted: int
    refused: int
    acceptance: str
    peak_per_second: int
    orders: dict[str, int]


def item_figures(r: ItemReport) -> ItemFigures:
    accepted = sum(n for _, n in r.per_second)
    refused = sum(r.rejections.values())
    tried = accepted + refused
    item = r.item
    return ItemFigures(
        item_id=item.id, title=item.title, sale_price=money(item.sale_price_minor, item.currency),
        quota=item.quota, taken=item.taken, remaining=0 if item.ended else item.quota - item.taken,
        accepted=accepted, refused=refused,
        acceptance="-" if tried == 0 else f"{accepted / tried:.0%}",
        peak_per_second=max((n for _, n in r.per_second), default=0), orders=dict(r.orders))
