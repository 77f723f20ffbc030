"""Shapes shared by every capability's schemas."""

from __future__ import annotations

from datetime import UTC, datetime
from types import UnionType
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    ValidationInfo,
    field_validator,
    model_validator,
)

T = TypeVar("T")


def has_nul(value: Any) -> bool:
    """True when a string anywhere in a decoded JSON value holds a NUL (PostgreSQL refuses it)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


def _utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time is out of range once converted to UTC") from None


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_utc)]
SCALARS = (bool, int, float)


def json_scalar(annotation: Any) -> type | None:
    """The JSON scalar a field takes (``bool``, ``int`` or ``float``, optional or not)."""
    union = get_origin(annotation) in (Union, UnionType)
    kinds = {a for a in (get_args(annotation) if union else (annotation,)) if a is not type(None)}
    found = kinds.pop() if len(kinds) == 1 else None
    return found if found in SCALARS else None


def wrong_json_type(kind: type, value: Any) -> str | None:
    """Why ``value`` is not a JSON value of ``kind``; None when it is (or is null)."""
    if value is None or type(value) is kind or (kind is float and type(value) is int):
        return None
    names = {bool: "true or false", int: "a JSON integer", float: "a JSON number"}
    return f"must be {names[kind]}, not {type(value).__name__} {value!r:.40}"


class Request(BaseModel):
    """A request body: unknown fields are an error, not silently dropped, nor is a NUL; numbers
    and booleans must arrive as JSON numbers and booleans (no "5" for 5, no 1 for true)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if has_nul(data):
            raise ValueError("text may not contain NUL characters")
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _json_types(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name is None:
            return value
        kind = json_scalar(cls.model_fields[info.field_name].annotation)
        if kind is not None and (why := wrong_json_type(kind, value)) is not None:
            raise ValueError(why)
        return value


class Resource(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    data: list[T]
    has_more: bool
