"""Merchants and their API keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from pintuan.core.db import Base
from pintuan.core.tx import Tx


class MerchantRow(Base):
    __tablename__ = "merchants"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    currency: Mapped[str] = mapped_column(String(3))
    phone_region: Mapped[str | None] = mapped_column(String(2), default=None)
    created_at: Mapped[datetime]


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    label: Mapped[str] = mapped_column(String(100))
    hint: Mapped[str] = mapped_column(String(12))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


def add_merchant(tx: Tx, row: MerchantRow) -> None:
    tx.session.add(row)
    tx.session.flush()


def merchant_by_slug(tx: Tx, slug: str) -> MerchantRow | None:
    return tx.session.scalar(select(MerchantRow).where(MerchantRow.slug == slug))


def get_merchant(tx: Tx, merchant_id: str) -> MerchantRow | None:
    return tx.session.get(MerchantRow, merchant_id)


def add_key(tx: Tx, row: ApiKeyRow) -> None:
    tx.session.add(row)


def key_by_hash(tx: Tx, key_hash: str) -> ApiKeyRow | None:
    return tx.session.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash))


def list_keys(tx: Tx, merchant_id: str) -> list[ApiKeyRow]:
    stmt = select(ApiKeyRow).where(ApiKeyRow.merchant_id == merchant_id).order_by(ApiKeyRow.id)
    return list(tx.session.scalars(stmt))


def get_key(tx: Tx, merchant_id: str, key_id: str) -> ApiKeyRow | None:
    return tx.session.scalar(
        select(ApiKeyRow).where(ApiKeyRow.merchant_id == merchant_id, ApiKeyRow.id == key_id)
    )
