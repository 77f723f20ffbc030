"""Audience samples as merchants upload them, CSV or JSON, validated strictly: one clear
error listing the bad rows, or a sample; never a partial import."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import orjson

from pintuan.core.errors import DomainError, ValidationFailed
from pintuan.creators.audience import Follower

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COUNT = 10**10
MAX_ERRORS = 20
REQUIRED = ("followers", "following", "posts", "account_age_days", "default_avatar")
OPTIONAL = ("has_bio", "bio", "handle")
TRUE, FALSE = {"true", "1", "yes", "y", "t"}, {"false", "0", "no", "n", "f", ""}


@dataclass
class Sample:
    followers: list[Follower]
    daily_followers: list[int] = field(default_factory=list)
    avg_likes: int | None = None
    avg_comments: int | None = None


class FileTooLarge(DomainError):
    status = 413
    default_code = "audience_file_too_large"
    title = "Payload too large"


class UnsupportedType(DomainError):
    status = 415
    default_code = "unsupported_media_type"
    title = "Unsupported media type"


def parse(body: bytes, content_type: str) -> Sample:
    """A sample from a CSV (``text/csv``) or JSON (``application/json``) upload."""
    if len(body) > MAX_BYTES:
        raise FileTooLarge(f"an audience file is at most {MAX_BYTES} bytes")
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "text/csv":
        return parse_csv(body)
    if kind == "application/json":
        return parse_json(body)
    raise UnsupportedType("send text/csv or application/json")


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, object]] = []

    def add(self, row: int, name: str, msg: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append({"row": row, "field": name, "msg": msg})

    def check(self) -> None:
        if self.items:
            raise ValidationFailed("the audience file has invalid rows",
                                   code="bad_audience_file", errors=self.items)


def _bad(detail: str) -> ValidationFailed:
    return ValidationFailed(detail, code="bad_audience_file", errors=[])


def _count(value: Any, row: int, name: str, errors: _Errors) -> int:
    if isinstance(value, bool):
        errors.add(row, name, "must be a whole number")
        return 0
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        errors.add(row, name, "must be a whole number")
        return 0
    if not 0 <= number <= MAX_COUNT:
        errors.add(row, name, f"must be 0-{MAX_COUNT}")
    return number


def _flag(value: Any, row: int, name: str, errors: _Errors) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in TRUE | FALSE:
        errors.add(row, name, "must be true or false")
    return text in TRUE


def _follower(record: dict[str, Any], row: int, errors: _Errors) -> Follower:
    unknown = set(record) - set(REQUIRED) - set(OPTIONAL)
    for name in sorted(unknown):
        errors.add(row, name, "unknown field")
    for name in REQUIRED:
        if name not in record or record[name] is None:
            errors.add(row, name, "is required")
    if "has_bio" not in record and "bio" not in record:
        errors.add(row, "has_bio", "give has_bio or bio")
    has_bio = (_flag(record["has_bio"], row, "has_bio", errors) if "has_bio" in record
               else bool(str(record.get("bio") or "").strip()))
    return Follower(
        followers=_count(record.get("followers", 0), row, "followers", errors),
        following=_count(record.get("following", 0), row, "following", errors),
        posts=_count(record.get("posts", 0), row, "posts", errors),
        account_age_days=_count(record.get("account_age_days", 0), row, "account_age_days",
                                errors),
        default_avatar=_flag(record.get("default_avatar", False), row, "default_avatar",
                             errors),
        has_bio=has_bio)


def _followers(records: list[Any]) -> list[Follower]:
    if not records:
        raise _bad("the sample has no followers")
    if len(records) > MAX_ROWS:
        raise _bad(f"at most {MAX_ROWS} followers per sample")
    errors = _Errors()
    rows = []
    for n, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            errors.add(n, "", "must be an object")
            continue
        rows.append(_follower(record, n, errors))
    errors.check()
    return rows


def parse_csv(body: bytes) -> Sample:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad("the CSV file is not UTF-8") from None
    reader = csv.DictReader(io.StringIO(text))
    try:
        records = list(reader)
    except csv.Error as exc:
        raise _bad(f"the CSV file is malformed: {exc}") from None
    if reader.fieldnames is None:
        raise _bad("the CSV file has no header row")
    if any(None in r for r in records):
        raise _bad("a CSV row has more cells than the header")
    return Sample(followers=_followers(records))


def _optional_count(data: dict[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise _bad(f"{name} must be a whole number 0-{MAX_COUNT}")
    return value


def parse_json(body: bytes) -> Sample:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise _bad("the JSON file is malformed") from None
    if not isinstance(data, dict) or not isinstance(data.get("followers"), list):
        raise _bad("the JSON file must be an object with a 'followers' list")
    unknown = set(data) - {"followers", "daily_followers", "avg_likes", "avg_comments"}
    if unknown:
        raise _bad(f"unknown fields: {', '.join(sorted(unknown))}")
    daily = data.get("daily_followers") or []
    if not isinstance(daily, list) or len(daily) > 3660 or any(
            isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= MAX_COUNT
            for d in daily):
        raise _bad("daily_followers must list at most 3660 whole numbers")
    return Sample(followers=_followers(data["followers"]), daily_followers=daily,
                  avg_likes=_optional_count(data, "avg_likes"),
                  avg_comments=_optional_count(data, "avg_comments"))
