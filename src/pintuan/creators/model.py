"""Creators, their tiers and handles, programs and their rules: pure, no I/O."""

from __future__ import annotations

import enum
import re
from urllib.parse import urlsplit

from pintuan.core.errors import ValidationFailed

KOC_MAX_FOLLOWERS = 50_000
DAY_SECONDS = 24 * 3600
CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,31}$")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class Platform(enum.StrEnum):
    DOUYIN = "douyin"
    RED = "red"
    WECHAT = "wechat"
    WEIBO = "weibo"
    KUAISHOU = "kuaishou"
    BILIBILI = "bilibili"
    INSTAGRAM = "instagram"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    OTHER = "other"


class Tier(enum.StrEnum):
    """Influencer-tool follower tiers: nano under 5K, micro 5K-20K, mid 20K-100K,
    macro 100K-1M, mega over 1M."""

    NANO = "nano"
    MICRO = "micro"
    MID = "mid"
    MACRO = "macro"
    MEGA = "mega"


TIER_FLOORS: tuple[tuple[int, Tier], ...] = (
    (1_000_001, Tier.MEGA), (100_000, Tier.MACRO), (20_000, Tier.MID), (5_000, Tier.MICRO),
    (0, Tier.NANO),
)


class CreatorStatus(enum.StrEnum):
    ACTIVE = "active"
    BANNED = "banned"


class Enrolment(enum.StrEnum):
    """Invited creators were targeted by the merchant; open ones joined by themselves."""

    INVITED = "invited"
    OPEN = "open"


class MembershipStatus(enum.StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"


class AttributionModel(enum.StrEnum):
    LAST_CLICK = "last_click"
    FIRST_CLICK = "first_click"


class Precedence(enum.StrEnum):
    """Which wins when an order carries a creator's code and another creator's click."""

    CODE_BEATS_LINK = "code_beats_link"
    LINK_BEATS_CODE = "link_beats_code"


def tier_for(followers: int) -> Tier:
    if followers < 0:
        raise ValidationFailed("followers cannot be negative", code="bad_followers")
    return next(tier for floor, tier in TIER_FLOORS if followers >= floor)


def reach(handle_followers: list[int]) -> int:
    """A creator's tier follows their largest audience on one platform, as tiers are
    quoted per platform; audiences on several platforms overlap and are not summed."""
    return max(handle_followers, default=0)


def is_koc(followers: int, koc_max: int = KOC_MAX_FOLLOWERS) -> bool:
    return followers <= koc_max


def normal_code(code: str) -> str:
    """Codes are case-insensitive: stored and matched upper-case."""
    value = code.strip().upper()
    if not CODE.match(value):
        raise ValidationFailed("a code is 3-32 letters, digits, '-' or '_'", code="bad_code")
    return value


def check_destination(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        raise ValidationFailed("destination must be an http(s) URL of at most 500 characters",
                               code="bad_destination")
    return url


def normal_email(email: str | None) -> str | None:
    return email.strip().lower() if email else None


def device_class(user_agent: str) -> str:
    ua = user_agent.lower()
    if not ua:
        return "unknown"
    if any(w in ua for w in ("bot", "spider", "crawler", "curl", "wget", "python-")):
        return "bot"
    if "ipad" in ua or "tablet" in ua:
        return "tablet"
    if any(w in ua for w in ("mobile", "iphone", "android", "micromessenger")):
        return "mobile"
    return "desktop"
