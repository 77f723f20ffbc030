"""Merchant and API key shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from pintuan.schemas import Request, Resource


class MerchantOut(Resource):
    id: str
    name: str
    slug: str
    currency: str
    phone_region: str | None = Field(description="Region phone numbers without a country "
                                     "code are read in (ISO 3166 alpha-2).")
    created_at: datetime


class KeyIn(Request):
    label: str = Field(min_length=1, max_length=100)


class KeyOut(Resource):
    id: str
    label: str
    hint: str
    created_at: datetime
    revoked_at: datetime | None


class IssuedKeyOut(KeyOut):
    secret: str = Field(description="Shown once; pintuan stores only its hash.")
