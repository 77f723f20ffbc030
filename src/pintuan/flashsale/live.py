"""What a live flash-sale stream says: counters, sold-out, slot start/end, the end.

Pure: the stream reads a snapshot of the sale every poll and sends what changed since the
previous one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

Update = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Snapshot:
    at: datetime
    status: str
    items: dict[str, tuple[int, int]]  # item id -> (remaining, taken)
    slots: dict[str, str]  # slot id -> upcoming | live | ended


def _counters(prev: Snapshot | None, cur: Snapshot) -> Update:
    seconds = (cur.at - prev.at).total_seconds() if prev is not None else 0.0
    rows = []
    for item_id, (remaining, taken) in cur.items.items():
        before = prev.items.get(item_id, (remaining, taken))[1] if prev is not None else taken
        rate = max(0, taken - before) / seconds if seconds > 0 else 0.0
        rows.append({"item_id": item_id, "remaining": remaining, "taken": taken,
                     "orders_per_s": round(rate, 1)})
    return "counters", {"at": cur.at.isoformat(), "items": rows}


def changes(prev: Snapshot | None, cur: Snapshot) -> list[Update]:
    out: list[Update] = []
    if prev is None or prev.items != cur.items:
        out.append(_counters(prev, cur))
    for item_id, (remaining, _) in cur.items.items():
        was = prev.items.get(item_id, (1, 0))[0] if prev is not None else 1
        if remaining == 0 and was > 0 and cur.status != "ended":
            out.append(("sold_out", {"item_id": item_id}))
    for slot_id, state in cur.slots.items():
        was_state = prev.slots.get(slot_id) if prev is not None else None
        if was_state is not None and was_state != state and state != "upcoming":
            out.append(("slot_started" if state == "live" else "slot_ended",
                        {"slot_id": slot_id}))
    if cur.status == "ended" and (prev is None or prev.status != "ended"):
        out.append(("ended", {}))
    return out
