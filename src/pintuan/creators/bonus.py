"""Tiered bonus contracts: pure rules.

A contract promises a creator a bonus for the GMV they bring in a period, by tiers: reach
the first target and earn its bonus, exceed a higher one (say the target plus 30%) and earn
the larger bonus instead. Only the highest tier reached pays; tiers never add up.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from pintuan.core.errors import ValidationFailed
from pintuan.core.money import MAX_MINOR

MAX_TIERS = 10


@dataclass(frozen=True)
class Tier:
    gmv_target_minor: int
    bonus_minor: int


def check_tiers(tiers: Sequence[Tier]) -> None:
    """At least one tier; targets and bonuses positive and strictly rising."""
    if not 1 <= len(tiers) <= MAX_TIERS:
        raise ValidationFailed(f"a contract has 1-{MAX_TIERS} tiers", code="bad_tiers")
    if any(not (0 < t.bonus_minor <= MAX_MINOR and 0 < t.gmv_target_minor <= MAX_MINOR)
           for t in tiers):
        raise ValidationFailed(f"targets and bonuses must be 1-{MAX_MINOR}",
                               code="bad_tiers")
    for low, high in itertools.pairwise(tiers):
        if high.gmv_target_minor <= low.gmv_target_minor or high.bonus_minor <= low.bonus_minor:
            raise ValidationFailed("each tier needs a higher target and a higher bonus",
                                   code="bad_tiers")


def bonus_for(tiers: Sequence[Tier], gmv_minor: int) -> int:
    """The bonus of the highest tier whose target the GMV reaches (0 when none)."""
    reached = [t.bonus_minor for t in tiers if gmv_minor >= t.gmv_target_minor]
    return max(reached, default=0)
