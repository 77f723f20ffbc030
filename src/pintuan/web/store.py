"""Tables of the web layer: staff accounts and sessions, deal page views, pay-for-me links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from pintuan.core.db import Base, BigInt, insert_ignore, table
from pintuan.core.tx import Tx


class StaffRow(Base):
    """A merchant's staff member who signs in to the console."""

    __tablename__ = "staff_accounts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(12))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class StaffSessionRow(Base):
    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class DealViewRow(Base):
    """Deal page views per deal and UTC day: one counter row, bumped per view."""

    __tablename__ = "deal_views"

    deal_id: Mapped[str] = mapped_column(ForeignKey("deals.id"), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40), index=True)
    views: Mapped[BigInt] = mapped_column(default=0)


class PayLinkRow(Base):
    """A "pay for me" link: whoever holds it may pay one pending order."""

    __tablename__ = "pay_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_sealed: Mapped[str] = mapped_column(String(500))
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), unique=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    shopper_id: Mapped[str] = mapped_column(ForeignKey("shoppers.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


def add(tx: Tx, row: Base) -> None:
    tx.session.add(row)


def staff_by_email(tx: Tx, email: str) -> StaffRow | None:
    return tx.session.scalar(select(StaffRow).where(StaffRow.email == email))


def staff_of(tx: Tx, merchant_id: str) -> list[StaffRow]:
    stmt = select(StaffRow).where(StaffRow.merchant_id == merchant_id).order_by(StaffRow.id)
    return list(tx.session.scalars(stmt))


def get_staff(tx: Tx, staff_id: str) -> StaffRow | None:
    return tx.session.get(StaffRow, staff_id)


def staff_session(tx: Tx, token_hash: str) -> StaffSessionRow | None:
    return tx.session.get(StaffSessionRow, token_hash)


def delete_staff_session(tx: Tx, token_hash: str) -> None:
    row = tx.session.get(StaffSessionRow, token_hash)
    if row is not None:
        tx.session.delete(row)


def count_view(tx: Tx, *, merchant_id: str, deal_id: str, day: str) -> None:
    """Add one view: create the day's counter if missing, then bump it in place."""
    insert_ignore(tx.session, DealViewRow.__table__,
                  {"deal_id": deal_id, "day": day, "merchant_id": merchant_id, "views": 0})
    cols = table(DealViewRow).c
    tx.session.execute(update(table(DealViewRow))
                       .where(cols.deal_id == deal_id, cols.day == day)
                       .values(views=cols.views + 1))


def pay_link_by_hash(tx: Tx, token_hash: str) -> PayLinkRow | None:
    return tx.session.get(PayLinkRow, token_hash)


def pay_link_of_order(tx: Tx, order_id: str) -> PayLinkRow | None:
    return tx.session.scalar(select(PayLinkRow).where(PayLinkRow.order_id == order_id))
