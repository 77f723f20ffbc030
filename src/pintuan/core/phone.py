"""Phone numbers, stored in E.164 (``+8613800000000``) so two spellings of one number match.

Parsing and validity come from ``phonenumbers`` (Google's libphonenumber metadata): a number
must be a valid number of its country, not just a run of digits. A number written without a
country code is read in the merchant's region (``CN`` by default): ``138 0000 0000``,
``138-0000-0000``, ``86 138 0000 0000``, ``+86 138 0000 0000`` and ``0086 138 0000 0000`` are
all ``+8613800000000`` there. Without a region a number must start with ``+`` (or ``00``).
Extensions are refused: E.164 has none, and dropping one would merge distinct lines.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from pintuan.core.errors import ValidationFailed

DEFAULT_REGION = "CN"
MAX_LENGTH = 32
REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS)


def check_region(region: str | None) -> str | None:
    """A region code phone numbers can be read in (ISO 3166 alpha-2, upper-case), or None."""
    if region is None:
        return None
    value = region.strip().upper()
    if value not in REGIONS:
        raise ValidationFailed(f"no phone numbering plan for region {region!r}",
                               code="bad_phone_region")
    return value


def _bad(detail: str) -> ValidationFailed:
    return ValidationFailed(detail, code="bad_phone")


def normalise(raw: str, *, region: str | None = DEFAULT_REGION) -> str:
    """The E.164 form of a phone number, or ``ValidationFailed`` with code ``bad_phone``."""
    text = raw.strip()
    if not text or len(text) > MAX_LENGTH or not text.isprintable():
        raise _bad(f"a phone number is 1-{MAX_LENGTH} printable characters")
    if text.startswith("00") and region is None:
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, check_region(region))
    except NumberParseException:
        raise _bad("this is not a phone number") from None
    if number.extension:
        raise _bad("a phone number with an extension cannot be stored in E.164")
    if not phonenumbers.is_valid_number(number):
        raise _bad("this is not a valid phone number"
                   + ("" if region else "; give the country code with '+'"))
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def optional(raw: str | None, *, region: str | None = DEFAULT_REGION) -> str | None:
    """``normalise`` for an optional field: None or blank means no phone."""
    if raw is None or not raw.strip():
        return None
    return normalise(raw, region=region)
