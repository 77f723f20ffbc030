"""Stock as a ledger: each movement changes the counters by a fixed rule.

Invariant after every movement: received = available + reserved + sold - returned, and no
counter is negative.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from pintuan.core.errors import Conflict, ValidationFailed


class Movement(enum.StrEnum):
    RECEIVE = "receive"      # goods in: received, available +n
    RESERVE = "reserve"      # an order holds units: available -n, reserved +n
    RELEASE = "release"      # a hold ends unsold: reserved -n, available +n
    COMMIT = "commit"        # a held unit is sold: reserved -n, sold +n
    RETURN = "return"        # a sold unit comes back: returned +n, available +n


@dataclass(frozen=True)
class Counters:
    received: int = 0
    available: int = 0
    reserved: int = 0
    sold: int = 0
    returned: int = 0

    def balanced(self) -> bool:
        return (
            self.received == self.available + self.reserved + self.sold - self.returned
            and min(self.received, self.available, self.reserved, self.sold, self.returned) >= 0
        )


# For each movement: the counter deltas per unit, and the counter that must cover n.
DELTAS: dict[Movement, tuple[dict[str, int], str | None]] = {
    Movement.RECEIVE: ({"received": 1, "available": 1}, None),
    Movement.RESERVE: ({"available": -1, "reserved": 1}, "available"),
    Movement.RELEASE: ({"reserved": -1, "available": 1}, "reserved"),
    Movement.COMMIT: ({"reserved": -1, "sold": 1}, "reserved"),
    Movement.RETURN: ({"returned": 1, "available": 1}, None),
}

MAX_QUANTITY = 1_000_000


def check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationFailed(f"quantity must be 1-{MAX_QUANTITY}", code="bad_quantity")


def apply(counters: Counters, movement: Movement, quantity: int) -> Counters:
    """The counters after a movement; raises when a guard would fail."""
    check_quantity(quantity)
    deltas, guard = DELTAS[movement]
    if guard is not None and getattr(counters, guard) < quantity:
        raise Conflict(f"not enough {guard} stock", code="insufficient_stock")
    if movement is Movement.RETURN and counters.sold - counters.returned < quantity:
        raise Conflict("cannot return more than was sold", code="return_exceeds_sold")
    return replace(counters, **{k: getattr(counters, k) + d * quantity for k, d in deltas.items()})
