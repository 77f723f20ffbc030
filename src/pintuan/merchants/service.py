"""Merchants and API keys: keys are shown once, stored hashed, and revocable."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pintuan.core import phone
from pintuan.core.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from pintuan.core.ids import new_id, new_token
from pintuan.core.money import check_currency
from pintuan.core.signing import digest
from pintuan.core.tx import Tx
from pintuan.merchants import store
from pintuan.merchants.store import ApiKeyRow, MerchantRow

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$")
KEY_PREFIX = "pt_key_"


@dataclass(frozen=True)
class IssuedKey:
    row: ApiKeyRow
    secret: str


def create_merchant(tx: Tx, *, name: str, slug: str, currency: str = "CNY",
                    phone_region: str | None = phone.DEFAULT_REGION) -> MerchantRow:
    """``phone_region`` reads shoppers' and creators' phone numbers written without a country
    code; None makes every number carry its ``+`` country code."""
    if not SLUG.match(slug):
        raise ValidationFailed("slug must be 3-60 lowercase letters, digits or '-'",
                               code="bad_slug")
    check_currency(currency)
    phone_region = phone.check_region(phone_region)
    if store.merchant_by_slug(tx, slug) is not None:
        raise Conflict(f"a merchant with slug {slug!r} exists", code="slug_taken")
    row = MerchantRow(id=new_id("mer"), name=name, slug=slug, currency=currency,
                      phone_region=phone_region, created_at=tx.now())
    store.add_merchant(tx, row)
    return row


def issue_key(tx: Tx, *, merchant_id: str, label: str) -> IssuedKey:
    secret = KEY_PREFIX + new_token(30)
    row = ApiKeyRow(
        id=new_id("key"), merchant_id=merchant_id, label=label, hint=secret[-4:],
        key_hash=digest(secret), created_at=tx.now(),
    )
    store.add_key(tx, row)
    return IssuedKey(row=row, secret=secret)


def revoke_key(tx: Tx, *, merchant_id: str, key_id: str) -> ApiKeyRow:
    row = store.get_key(tx, merchant_id, key_id)
    if row is None:
        raise NotFound(f"no API key {key_id}", code="api_key_not_found")
    if row.revoked_at is None:
        row.revoked_at = tx.now()
    return row


def authenticate(tx: Tx, *, secret: str) -> ApiKeyRow:
    row = store.key_by_hash(tx, digest(secret)) if secret.startswith(KEY_PREFIX) else None
    if row is None or row.revoked_at is not None:
        raise Unauthorized("invalid or revoked API key", code="invalid_api_key")
    return row


def merchant(tx: Tx, merchant_id: str) -> MerchantRow:
    row = store.get_merchant(tx, merchant_id)
    if row is None:
        raise NotFound("no such merchant", code="merchant_not_found")
    return row


def phone_number(tx: Tx, merchant_id: str, raw: str | None) -> str | None:
    """A phone number given to this merchant, in E.164; None when blank or absent."""
    return phone.optional(raw, region=merchant(tx, merchant_id).phone_region)


def merchant_by_slug(tx: Tx, slug: str) -> MerchantRow:
    row = store.merchant_by_slug(tx, slug)
    if row is None:
        raise NotFound(f"no store {slug!r}", code="store_not_found")
    return row
