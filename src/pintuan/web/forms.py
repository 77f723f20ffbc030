"""Reading form fields with clear, per-field messages. Nothing is written until every field
of a form is valid; a form with errors is shown again with its values and the messages."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pintuan.web.pages import Page

MONEY = re.compile(r"^\d{1,10}(\.\d{1,2})?$")


class Fields:
    def __init__(self, p: Page, data: dict[str, str]) -> None:
        self.p, self.data = p, data
        self.errors: dict[str, str] = {}

    @property
    def ok(self) -> bool:
        return not self.errors

    def _raw(self, name: str) -> str:
        return self.data.get(name, "").strip()

    def text(self, name: str, label: str, *, max_len: int, min_len: int = 1,
             required: bool = True) -> str:
        value = self._raw(name)
        if not value and required:
            self.errors[name] = self.p.t("field.required", field=label)
        elif len(value) > max_len:
            self.errors[name] = self.p.t("field.too_long", field=label, n=max_len)
        elif value and len(value) < min_len:
            self.errors[name] = self.p.t("field.too_short", field=label, n=min_len)
        return value

    def integer(self, name: str, label: str, *, lo: int, hi: int,
                default: int | None = None) -> int:
        raw = self._raw(name)
        if not raw and default is not None:
            return default
        if not raw:
            self.errors[name] = self.p.t("field.required", field=label)
            return lo
        if not re.fullmatch(r"-?\d{1,12}", raw):
            self.errors[name] = self.p.t("field.integer", field=label)
            return lo
        value = int(raw)
        if not lo <= value <= hi:
            self.errors[name] = self.p.t("field.range", field=label, lo=lo, hi=hi)
        return value

    def money(self, name: str, label: str, *, required: bool = True) -> int | None:
        """An amount in major units with up to two decimals ("88", "88.5", "88.00")."""
        raw = self._raw(name)
        if not raw:
            if required:
                self.errors[name] = self.p.t("field.required", field=label)
            return None
        if not MONEY.match(raw):
            self.errors[name] = self.p.t("field.money", field=label)
            return None
        whole, _, frac = raw.partition(".")
        return int(whole) * 100 + int((frac + "00")[:2])

    def when(self, name: str, label: str) -> datetime:
        """A datetime-local value, read as UTC."""
        raw = self._raw(name)
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            self.errors[name] = self.p.t("field.required" if not raw else "field.datetime",
                                         field=label)
            return datetime(2000, 1, 1, tzinfo=UTC)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def choice(self, name: str, label: str, options: tuple[str, ...]) -> str:
        value = self._raw(name)
        if value not in options:
            self.errors[name] = self.p.t("field.choice", field=label)
            return options[0]
        return value
