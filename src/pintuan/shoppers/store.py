"""Shopper accounts and their session tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from pintuan.core.db import Base, driver_rows, text_array
from pintuan.core.tx import Tx


class ShopperRow(Base):
    __tablename__ = "shoppers"
    __table_args__ = (UniqueConstraint("merchant_id", "email"),
                      Index("ix_shoppers_phone", "merchant_id", "phone", unique=True))

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(16), default=None)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class ShopperSessionRow(Base):
    __tablename__ = "shopper_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    shopper_id: Mapped[str] = mapped_column(ForeignKey("shoppers.id"), index=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


def add(tx: Tx, row: ShopperRow | ShopperSessionRow) -> None:
    tx.session.add(row)


def by_email(tx: Tx, merchant_id: str, email: str) -> ShopperRow | None:
    return tx.session.scalar(
        select(ShopperRow).where(ShopperRow.merchant_id == merchant_id, ShopperRow.email == email)
    )


def by_phone(tx: Tx, merchant_id: str, phone: str) -> ShopperRow | None:
    return tx.session.scalar(
        select(ShopperRow).where(ShopperRow.merchant_id == merchant_id, ShopperRow.phone == phone)
    )


def get(tx: Tx, merchant_id: str, shopper_id: str) -> ShopperRow | None:
    return tx.session.scalar(
        select(ShopperRow).where(ShopperRow.merchant_id == merchant_id, ShopperRow.id == shopper_id)
    )


def session_by_hash(tx: Tx, token_hash: str) -> ShopperSessionRow | None:
    return tx.session.get(ShopperSessionRow, token_hash)


def names(tx: Tx, shopper_ids: list[str]) -> dict[str, str]:
    if not shopper_ids:
        return {}
    rows = tx.session.execute(
        select(ShopperRow.id, ShopperRow.name).where(ShopperRow.id.in_(shopper_ids))
    )
    return {r.id: r.name for r in rows}


def live_sessions(tx: Tx, token_hashes: list[str],
                  now: datetime) -> list[tuple[str, str, str]]:
    """(token hash, shopper id, merchant id) of the unexpired sessions among the hashes
    (a flash sale's batch: on PostgreSQL one prepared statement, the hashes as one array)."""
    if tx.dialect == "postgresql":
        rows = driver_rows(tx.session, _LIVE_PG, {"hashes": text_array(token_hashes),
                                                  "now": now})
        return [(r[0], r[1], r[2]) for r in rows]
    t = ShopperSessionRow
    stmt = select(t.token_hash, t.shopper_id, t.merchant_id).where(
        t.token_hash.in_(token_hashes), t.expires_at > now)
    return [(r[0], r[1], r[2]) for r in tx.session.execute(stmt)]


_LIVE_PG = """SELECT token_hash, shopper_id, merchant_id FROM shopper_sessions
WHERE token_hash = ANY(%(hashes)s::text[]) AND expires_at > %(now)s"""
