"""Who gets the credit for an order: pure rules, no I/O.

Per program: last click (default) or first click within a window (default 30 days, both
edges inclusive); an optional bind-once rule (a customer stays with the creator who first
brought them); and an explicit precedence between a creator's code used at checkout and
another creator's link click (by default the code wins: the shopper typed it on purpose).

Order of rules inside one program: a bind-once binding beats everything; then, with
``code_beats_link``, a code beats clicks; then clicks in the window; then, with
``link_beats_code``, a code when no click qualifies. Across programs the strongest source
wins (binding, code, click), then the most recent touch.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pintuan.creators.model import AttributionModel, Precedence


class Source(enum.StrEnum):
    BINDING = "binding"
    CODE = "code"
    CLICK = "click"


RANK = {Source.BINDING: 3, Source.CODE: 2, Source.CLICK: 1}


@dataclass(frozen=True)
class Rules:
    model: AttributionModel = AttributionModel.LAST_CLICK
    window: timedelta = timedelta(days=30)
    bind_once: bool = False
    precedence: Precedence = Precedence.CODE_BEATS_LINK


@dataclass(frozen=True)
class Click:
    click_id: str
    creator_id: str
    at: datetime


@dataclass(frozen=True)
class CodeUse:
    code: str
    creator_id: str


@dataclass(frozen=True)
class Decision:
    creator_id: str
    source: Source
    at: datetime
    click_id: str | None = None
    code: str | None = None


def in_window(rules: Rules, at: datetime, now: datetime) -> bool:
    return now - rules.window <= at <= now


def by_click(rules: Rules, clicks: Iterable[Click], now: datetime) -> Decision | None:
    eligible = sorted((c for c in clicks if in_window(rules, c.at, now)),
                      key=lambda c: (c.at, c.click_id))
    if not eligible:
        return None
    pick = eligible[-1] if rules.model is AttributionModel.LAST_CLICK else eligible[0]
    return Decision(creator_id=pick.creator_id, source=Source.CLICK, at=pick.at,
                    click_id=pick.click_id)


def decide(rules: Rules, *, now: datetime, clicks: Iterable[Click], code: CodeUse | None,
           bound_to: str | None) -> Decision | None:
    """The credit inside one program, or None when nothing qualifies."""
    if rules.bind_once and bound_to is not None:
        return Decision(creator_id=bound_to, source=Source.BINDING, at=now)
    by_code = (Decision(creator_id=code.creator_id, source=Source.CODE, at=now, code=code.code)
               if code is not None else None)
    if by_code is not None and rules.precedence is Precedence.CODE_BEATS_LINK:
        return by_code
    return by_click(rules, clicks, now) or by_code


def strongest(decisions: Iterable[tuple[str, Decision]]) -> tuple[str, Decision] | None:
    """Across programs (program id, decision): the strongest source, then the latest touch,
    then the lowest program id so the choice never depends on input order."""
    ranked = sorted(decisions, key=lambda pd: (-RANK[pd[1].source], -pd[1].at.timestamp(),
                                               pd[0]))
    return ranked[0] if ranked else None


@dataclass(frozen=True)
class Party:
    """What identifies a person for self-referral: account, email, phone (E.164)."""

    shopper_id: str | None
    email: str | None
    phone: str | None


def self_referral(creator: Party, buyer: Party) -> list[str]:
    """The ways the buyer is the creator; empty when none."""
    found = []
    for name in ("shopper_id", "email", "phone"):
        mine, theirs = getattr(creator, name), getattr(buyer, name)
        if mine is not None and mine == theirs:
            found.append(f"self_referral_{name.removeprefix('shopper_')}")
    return found
