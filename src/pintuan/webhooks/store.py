"""Merchants' webhook endpoints."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from pintuan.core.db import Base, driver_rows
from pintuan.core.tx import Tx


class EndpointRow(Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[list[str]] = mapped_column(JSON)
    secret_sealed: Mapped[str] = mapped_column(String(500))
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


def add(tx: Tx, row: EndpointRow) -> None:
    tx.session.add(row)


def get(tx: Tx, merchant_id: str, endpoint_id: str) -> EndpointRow | None:
    return tx.session.scalar(select(EndpointRow).where(
        EndpointRow.merchant_id == merchant_id, EndpointRow.id == endpoint_id))


def of_merchant(tx: Tx, merchant_id: str) -> list[EndpointRow]:
    stmt = select(EndpointRow).where(EndpointRow.merchant_id == merchant_id)
    return list(tx.session.scalars(stmt.order_by(EndpointRow.id)))


def enabled_for(tx: Tx, merchant_ids: set[str]) -> list[EndpointRow]:
    stmt = select(EndpointRow).where(EndpointRow.merchant_id.in_(merchant_ids),
                                     EndpointRow.enabled.is_(True))
    return list(tx.session.scalars(stmt))


_SUBSCRIBED_PG = "SELECT events FROM webhook_endpoints WHERE merchant_id = %(m)s AND enabled"


def subscribed(tx: Tx, merchant_id: str) -> set[str]:
    """The event types the merchant's enabled endpoints subscribe to ("*": all). Asked by a
    flash-sale batch: on PostgreSQL a prepared statement."""
    if tx.dialect == "postgresql":
        lists = [r[0] for r in driver_rows(tx.session, _SUBSCRIBED_PG, {"m": merchant_id})]
    else:
        lists = list(tx.session.scalars(select(EndpointRow.events).where(
            EndpointRow.merchant_id == merchant_id, EndpointRow.enabled.is_(True))))
    return {t for types in lists for t in types}
