"""What a commission is worth and how it moves: pure, no I/O.

A commission belongs to one attributed order. Its worth is always the rate card applied to
what the shopper actually paid, net of refunds: ``worth(parts, captured, net)``. It changes
only by appended entries (an accrual when the net grows, a reversal when a refund shrinks
it, a void that brings it to zero), so the sum of its entries is its worth at every step.
The order's captured and refunded amounts only ever grow, so an observation older than the
last one applied is ignored: replayed or reordered events never double an entry.

States: ``pending`` until the holding period after confirmation (the return window) ends,
then ``payable``; ``held`` while a fraud flag waits for the merchant, who releases it or
voids it; ``paid`` once in a payout; ``voided`` is final.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from pintuan.core.errors import Conflict, ValidationFailed
from pintuan.core.money import MAX_MINOR

MAX_BPS = 10_000


class RateKind(enum.StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"


class State(enum.StrEnum):
    PENDING = "pending"
    HELD = "held"
    PAYABLE = "payable"
    PAID = "paid"
    VOIDED = "voided"


S = State
TRANSITIONS: dict[State, frozenset[State]] = {
    S.PENDING: frozenset({S.PAYABLE, S.HELD, S.VOIDED}),
    S.HELD: frozenset({S.PENDING, S.PAYABLE, S.VOIDED}),
    S.PAYABLE: frozenset({S.PAID, S.HELD, S.VOIDED}),
    S.PAID: frozenset(),
    S.VOIDED: frozenset(),
}
EARNED = frozenset({S.PAYABLE, S.PAID})


@dataclass(frozen=True)
class Rate:
    """Percent in basis points of the net paid amount, or a fixed amount per unit sold."""

    kind: RateKind
    bps: int = 0
    fixed_minor: int = 0

    def __post_init__(self) -> None:
        if self.kind is RateKind.PERCENT and not 0 <= self.bps <= MAX_BPS:
            raise ValidationFailed("a percent rate is 0-10000 basis points (0-100%)",
                                   code="bad_rate")
        if self.kind is RateKind.FIXED and not 0 <= self.fixed_minor <= MAX_MINOR:
            raise ValidationFailed("a fixed rate is a non-negative amount", code="bad_rate")
        if (self.kind is RateKind.PERCENT and self.fixed_minor) or (
                self.kind is RateKind.FIXED and self.bps):
            raise ValidationFailed("give bps for a percent rate, fixed_minor for a fixed one",
                                   code="bad_rate")


@dataclass(frozen=True)
class Card:
    """A rate card: program-wide, or targeted at a creator, a product, or both."""

    id: str
    rate: Rate
    creator_id: str | None = None
    product_id: str | None = None

    def specificity(self, *, creator_id: str, product_id: str) -> int | None:
        """How closely this card targets the pair; None when it does not apply.
        Targeted beats open: creator and product > creator > product > program."""
        if self.creator_id not in (None, creator_id) or self.product_id not in (None,
                                                                                 product_id):
            return None
        return (2 if self.creator_id else 0) + (1 if self.product_id else 0)


def pick_card(cards: Iterable[Card], *, creator_id: str, product_id: str) -> Card | None:
    scored = [(s, c.id, c) for c in cards
              if (s := c.specificity(creator_id=creator_id, product_id=product_id)) is not None]
    return max(scored, key=lambda t: (t[0], t[1]))[2] if scored else None


@dataclass(frozen=True)
class Part:
    """One order line as the commission sees it: its weight (line total) and its rate."""

    weight: int
    quantity: int
    rate: Rate


def allocate(amount: int, weights: list[int]) -> list[int]:
    """Split a non-negative amount in proportion to weights; parts sum exactly to it."""
    total = sum(weights)
    if total <= 0:
        return [0 for _ in weights]
    shares = [amount * w // total for w in weights]
    rest = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
    for i in rest[:amount - sum(shares)]:
        shares[i] += 1
    return shares


def _half_up(numerator: int, denominator: int) -> int:
    q, r = divmod(numerator, denominator)
    return q + (1 if 2 * r >= denominator else 0)


def worth(parts: Iterable[Part], *, captured: int, net: int) -> int:
    """The commission on ``net`` of ``captured`` paid: the net is spread over the lines by
    their weights, each line's rate applies to its share, and no line earns more than its
    share (a fixed amount never exceeds what was paid)."""
    items = list(parts)
    if captured <= 0 or net <= 0 or not items:
        return 0
    net = min(net, captured)
    total = 0
    for part, share in zip(items, allocate(net, [p.weight for p in items]), strict=True):
        if part.rate.kind is RateKind.PERCENT:
            earned = _half_up(share * part.rate.bps, MAX_BPS)
        else:
            earned = _half_up(part.rate.fixed_minor * part.quantity * net, captured)
        total += min(earned, share)
    return total


def newer(seen: tuple[int, int], captured: int, refunded: int) -> bool:
    return captured >= seen[0] and refunded >= seen[1] and (captured, refunded) != seen


@dataclass
class Commission:
    parts: tuple[Part, ...]
    state: State = State.PENDING
    entries: list[int] = field(default_factory=list)
    seen: tuple[int, int] = (0, 0)

    @property
    def total(self) -> int:
        return sum(self.entries)

    def observe(self, *, captured: int, refunded: int) -> int:
        """Bring the commission to the order's money; the entry appended (0: none)."""
        if not newer(self.seen, captured, refunded):
            return 0
        self.seen = (captured, refunded)
        if self.state in (State.VOIDED,):
            return 0
        delta = worth(self.parts, captured=captured, net=captured - refunded) - self.total
        if delta:
            self.entries.append(delta)
        return delta

    def move(self, target: State) -> None:
        if target not in TRANSITIONS[self.state]:
            raise Conflict(f"a {self.state.value} commission cannot become {target.value}",
                           code="commission_state_conflict", state=self.state.value)
        self.state = target

    def void(self) -> int:
        """Final: the commission is brought to zero by one entry (0: none needed)."""
        self.move(State.VOIDED)
        delta = -self.total
        if delta:
            self.entries.append(delta)
        return delta


def check_payout(amount: int, balance: int) -> None:
    """A payout is positive and never more than the payable balance."""
    if amount <= 0:
        raise ValidationFailed("a payout is a positive amount", code="bad_amount")
    if amount > balance:
        raise Conflict(f"only {max(balance, 0)} is payable", code="payout_exceeds_balance",
                       payable_minor=max(balance, 0))


def payable_balance(commissions: Iterable[Commission], paid_out: int) -> int:
    """What a creator may be paid now: earned commissions minus what was paid out. A
    reversal after payout makes it negative, to be recovered from the next statement."""
    return sum(c.total for c in commissions if c.state in EARNED) - paid_out


def statement_amount(included: Iterable[int], carry: int, *, minimum: int, balance: int) -> int:
    """What a statement pays: the payable commissions it includes plus the carry (what paid
    commissions still owe after earlier payouts: negative after a clawback). Nothing when
    under the minimum payout; never more than the payable balance."""
    amount = sum(included) + carry
    if amount < max(minimum, 1):
        return 0
    check_payout(amount, balance)
    return amount
