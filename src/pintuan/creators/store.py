"""Programs, creators, handles, memberships, referral links and codes, clicks, bindings and
the attribution snapshot of each order: tables and every SQL statement over them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from pintuan.core.db import Base, driver_rows, insert_ignore, table, text_array
from pintuan.core.tx import Tx
from pintuan.orders.store import OrderRow
from pintuan.payments.store import PaymentRow


class ProgramRow(Base):
    __tablename__ = "creator_programs"
    __table_args__ = (Index("ix_creator_programs_merchant", "merchant_id", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    name: Mapped[str] = mapped_column(String(120))
    open_enrolment: Mapped[bool]
    attribution_model: Mapped[str] = mapped_column(String(16))
    window_days: Mapped[int]
    bind_once: Mapped[bool]
    precedence: Mapped[str] = mapped_column(String(20))
    koc_max_followers: Mapped[int]
    holding_days: Mapped[int]
    flood_clicks_per_hour: Mapped[int]
    return_rate_cap_bps: Mapped[int]
    override_bps: Mapped[list[int]] = mapped_column(JSON)
    currency: Mapped[str] = mapped_column(String(3))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class CreatorRow(Base):
    __tablename__ = "creators"
    __table_args__ = (
        Index("ix_creators_merchant", "merchant_id", "id"),
        UniqueConstraint("merchant_id", "shopper_id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    phone: Mapped[str | None] = mapped_column(String(32), default=None)
    shopper_id: Mapped[str | None] = mapped_column(ForeignKey("shoppers.id"), default=None)
    recruited_by: Mapped[str | None] = mapped_column(ForeignKey("creators.id"), default=None)
    segments: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime]


class HandleRow(Base):
    __tablename__ = "creator_handles"
    __table_args__ = (UniqueConstraint("creator_id", "platform"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    creator_id: Mapped[str] = mapped_column(ForeignKey("creators.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    handle: Mapped[str] = mapped_column(String(100))
    followers: Mapped[int]


class MemberRow(Base):
    __tablename__ = "program_members"
    __table_args__ = (UniqueConstraint("program_id", "creator_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    program_id: Mapped[str] = mapped_column(ForeignKey("creator_programs.id"))
    creator_id: Mapped[str] = mapped_column(ForeignKey("creators.id"), index=True)
    enrolment: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime]
    joined_at: Mapped[datetime | None] = mapped_column(default=None)


class LinkRow(Base):
    __tablename__ = "referral_links"
    __table_args__ = (Index("ix_referral_links_creator", "creator_id", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    program_id: Mapped[str] = mapped_column(ForeignKey("creator_programs.id"))
    creator_id: Mapped[str] = mapped_column(ForeignKey("creators.id"))
    token: Mapped[str] = mapped_column(String(32), unique=True)
    destination: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime]


class CodeRow(Base):
    __tablename__ = "referral_codes"
    __table_args__ = (UniqueConstraint("merchant_id", "code"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    program_id: Mapped[str] = mapped_column(ForeignKey("creator_programs.id"))
    creator_id: Mapped[str] = mapped_column(ForeignKey("creators.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]


class ClickRow(Base):
    __tablename__ = "referral_clicks"
    __table_args__ = (
        Index("ix_referral_clicks_visitor", "merchant_id", "visitor"),
        Index("ix_referral_clicks_shopper", "merchant_id", "shopper_id"),
        Index("ix_referral_clicks_link", "link_id", "at"),
        Index("ix_referral_clicks_creator", "creator_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    link_id: Mapped[str] = mapped_column(ForeignKey("referral_links.id"))
    program_id: Mapped[str] = mapped_column(String(40))
    creator_id: Mapped[str] = mapped_column(String(40))
    visitor: Mapped[str] = mapped_column(String(64))
    shopper_id: Mapped[str | None] = mapped_column(String(40), default=None)
    at: Mapped[datetime]
    referrer: Mapped[str | None] = mapped_column(String(500), default=None)
    device_class: Mapped[str] = mapped_column(String(12))
    ip_hash: Mapped[str] = mapped_column(String(64))


class BindingRow(Base):
    """Bind-once: the creator a customer stays with in a program."""

    __tablename__ = "referral_bindings"
    __table_args__ = (Index("ix_referral_bindings_shopper", "merchant_id", "shopper_id"),)

    program_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    shopper_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    creator_id: Mapped[str] = mapped_column(String(40))
    order_id: Mapped[str] = mapped_column(String(40))
    bound_at: Mapped[datetime]


class AttributionRow(Base):
    """The credit for an order, decided once when the order was created."""

    __tablename__ = "order_attributions"
    __table_args__ = (Index("ix_order_attributions_creator", "creator_id", "order_id"),)

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    program_id: Mapped[str] = mapped_column(ForeignKey("creator_programs.id"))
    creator_id: Mapped[str] = mapped_column(ForeignKey("creators.id"))
    source: Mapped[str] = mapped_column(String(10))
    click_id: Mapped[str | None] = mapped_column(String(40), default=None)
    code: Mapped[str | None] = mapped_column(String(32), default=None)
    flags: Mapped[list[str]] = mapped_column(JSON)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


def add(tx: Tx, row: Base) -> None:
    tx.session.add(row)


def _one(tx: Tx, model: type[Any], merchant_id: str, row_id: str) -> Any:
    return tx.session.scalar(select(model).where(model.merchant_id == merchant_id,
                                                 model.id == row_id))


def program(tx: Tx, merchant_id: str, program_id: str) -> ProgramRow | None:
    found: ProgramRow | None = _one(tx, ProgramRow, merchant_id, program_id)
    return found


def programs(tx: Tx, merchant_id: str, *, after: str | None, limit: int) -> list[ProgramRow]:
    stmt = select(ProgramRow).where(ProgramRow.merchant_id == merchant_id)
    if after:
        stmt = stmt.where(ProgramRow.id > after)
    return list(tx.session.scalars(stmt.order_by(ProgramRow.id).limit(limit)))


def programs_by_id(tx: Tx, program_ids: set[str]) -> dict[str, ProgramRow]:
    if not program_ids:
        return {}
    rows = tx.session.scalars(select(ProgramRow).where(ProgramRow.id.in_(program_ids)))
    return {r.id: r for r in rows}


def creator(tx: Tx, merchant_id: str, creator_id: str) -> CreatorRow | None:
    found: CreatorRow | None = _one(tx, CreatorRow, merchant_id, creator_id)
    return found


def creator_of_shopper(tx: Tx, merchant_id: str, shopper_id: str) -> CreatorRow | None:
    return tx.session.scalar(select(CreatorRow).where(CreatorRow.merchant_id == merchant_id,
                                                      CreatorRow.shopper_id == shopper_id))


def creators(tx: Tx, merchant_id: str, *, after: str | None, limit: int) -> list[CreatorRow]:
    stmt = select(CreatorRow).where(CreatorRow.merchant_id == merchant_id)
    if after:
        stmt = stmt.where(CreatorRow.id > after)
    return list(tx.session.scalars(stmt.order_by(CreatorRow.id).limit(limit)))


def creators_by_id(tx: Tx, creator_ids: set[str]) -> dict[str, CreatorRow]:
    if not creator_ids:
        return {}
    rows = tx.session.scalars(select(CreatorRow).where(CreatorRow.id.in_(creator_ids)))
    return {r.id: r for r in rows}


def handles(tx: Tx, creator_id: str) -> list[HandleRow]:
    stmt = select(HandleRow).where(HandleRow.creator_id == creator_id)
    return list(tx.session.scalars(stmt.order_by(HandleRow.platform)))


def handles_of(tx: Tx, creator_ids: set[str]) -> dict[str, list[HandleRow]]:
    """The handles of many creators in one statement."""
    out: dict[str, list[HandleRow]] = {c: [] for c in creator_ids}
    if creator_ids:
        stmt = select(HandleRow).where(HandleRow.creator_id.in_(creator_ids))
        for row in tx.session.scalars(stmt.order_by(HandleRow.platform)):
            out[row.creator_id].append(row)
    return out


def member(tx: Tx, program_id: str, creator_id: str) -> MemberRow | None:
    return tx.session.scalar(select(MemberRow).where(MemberRow.program_id == program_id,
                                                     MemberRow.creator_id == creator_id))


def members(tx: Tx, program_id: str) -> list[MemberRow]:
    stmt = select(MemberRow).where(MemberRow.program_id == program_id)
    return list(tx.session.scalars(stmt.order_by(MemberRow.id)))


def active_pairs(tx: Tx, program_ids: set[str]) -> set[tuple[str, str]]:
    """(program, creator) of every active membership in these programs."""
    if not program_ids:
        return set()
    rows = tx.session.execute(select(MemberRow.program_id, MemberRow.creator_id).where(
        MemberRow.program_id.in_(program_ids), MemberRow.status == "active"))
    return {(p, c) for p, c in rows}


def link(tx: Tx, merchant_id: str, link_id: str) -> LinkRow | None:
    found: LinkRow | None = _one(tx, LinkRow, merchant_id, link_id)
    return found


def link_by_token(tx: Tx, token: str) -> LinkRow | None:
    return tx.session.scalar(select(LinkRow).where(LinkRow.token == token))


def links_of(tx: Tx, creator_id: str) -> list[LinkRow]:
    stmt = select(LinkRow).where(LinkRow.creator_id == creator_id)
    return list(tx.session.scalars(stmt.order_by(LinkRow.id)))


def links_of_program(tx: Tx, program_id: str, *, limit: int = 200) -> list[LinkRow]:
    stmt = select(LinkRow).where(LinkRow.program_id == program_id)
    return list(tx.session.scalars(stmt.order_by(LinkRow.id.desc()).limit(limit)))


def codes_of(tx: Tx, creator_id: str) -> list[CodeRow]:
    stmt = select(CodeRow).where(CodeRow.creator_id == creator_id)
    return list(tx.session.scalars(stmt.order_by(CodeRow.id)))


def code(tx: Tx, merchant_id: str, value: str) -> CodeRow | None:
    return tx.session.scalar(select(CodeRow).where(CodeRow.merchant_id == merchant_id,
                                                   CodeRow.code == value))


def add_code(tx: Tx, row: CodeRow) -> bool:
    """False when the merchant already has this code."""
    values = {c.name: getattr(row, c.name) for c in table(CodeRow).columns}
    return insert_ignore(tx.session, table(CodeRow), values)


def click_counts(tx: Tx, link_ids: list[str]) -> dict[str, int]:
    if not link_ids:
        return {}
    rows = tx.session.execute(select(ClickRow.link_id, func.count()).where(
        ClickRow.link_id.in_(link_ids)).group_by(ClickRow.link_id))
    return {link_id: int(n) for link_id, n in rows}


def clicks_of_creator(tx: Tx, creator_id: str, *, after: str | None,
                      limit: int) -> list[ClickRow]:
    stmt = select(ClickRow).where(ClickRow.creator_id == creator_id)
    if after:
        stmt = stmt.where(ClickRow.id < after)
    return list(tx.session.scalars(stmt.order_by(ClickRow.id.desc()).limit(limit)))


def touches(tx: Tx, merchant_id: str, *, shopper_id: str, visitor: str | None,
            since: datetime) -> list[ClickRow]:
    """Clicks this shopper made signed in or from this browser since a time."""
    who = ClickRow.shopper_id == shopper_id
    if visitor:
        who = or_(who, ClickRow.visitor == visitor)
    stmt = select(ClickRow).where(ClickRow.merchant_id == merchant_id, who, ClickRow.at >= since)
    return list(tx.session.scalars(stmt.order_by(ClickRow.at, ClickRow.id)))


_TOUCHED_PG = """
SELECT shopper_id FROM referral_clicks
WHERE merchant_id = %(m)s AND shopper_id = ANY(%(ids)s::text[]) AND at >= %(since)s
UNION SELECT shopper_id FROM referral_bindings
WHERE merchant_id = %(m)s AND shopper_id = ANY(%(ids)s::text[])"""


def touched(tx: Tx, merchant_id: str, shopper_ids: Collection[str], *,
            since: datetime) -> set[str]:
    """Which of these shoppers clicked a referral link signed in since a time, or are bound
    to a creator: the only ones an order without referral context can be credited for.
    Asked once per flash-sale batch: on PostgreSQL one prepared statement whatever the
    number of shoppers."""
    if tx.dialect == "postgresql":
        rows = driver_rows(tx.session, _TOUCHED_PG,
                           {"m": merchant_id, "ids": text_array(shopper_ids), "since": since})
        return {str(r[0]) for r in rows}
    clicked = select(ClickRow.shopper_id).where(
        ClickRow.merchant_id == merchant_id, ClickRow.shopper_id.in_(shopper_ids),
        ClickRow.at >= since)
    bound = select(BindingRow.shopper_id).where(BindingRow.merchant_id == merchant_id,
                                                BindingRow.shopper_id.in_(shopper_ids))
    return {str(s) for s in tx.session.scalars(clicked.union(bound))}


def clicks_per_creator(tx: Tx, program_id: str, *, since: datetime,
                       until: datetime) -> dict[str, int]:
    rows = tx.session.execute(select(ClickRow.creator_id, func.count()).where(
        ClickRow.program_id == program_id, ClickRow.at >= since, ClickRow.at < until)
        .group_by(ClickRow.creator_id))
    return {creator_id: int(n) for creator_id, n in rows}


def clicks_from(tx: Tx, creator_id: str, ip_hash: str, *, since: datetime,
                until: datetime) -> int:
    """How many clicks on this creator's links came from one source in a period."""
    n = tx.session.scalar(select(func.count()).where(
        ClickRow.creator_id == creator_id, ClickRow.ip_hash == ip_hash, ClickRow.at >= since,
        ClickRow.at <= until))
    return int(n or 0)


def click(tx: Tx, click_id: str) -> ClickRow | None:
    return tx.session.get(ClickRow, click_id)


def recent_twins(tx: Tx, order: OrderRow, creator_id: str, *, since: datetime) -> int:
    """Other live orders credited to the same creator, by the same shopper, for the same
    amount, since a time: the shape of a duplicated order."""
    n = tx.session.scalar(select(func.count()).select_from(AttributionRow).join(
        OrderRow, OrderRow.id == AttributionRow.order_id).where(
        AttributionRow.creator_id == creator_id, OrderRow.shopper_id == order.shopper_id,
        OrderRow.total_minor == order.total_minor, OrderRow.id != order.id,
        OrderRow.created_at >= since, OrderRow.status != "cancelled"))
    return int(n or 0)


def claim_visitor(tx: Tx, merchant_id: str, *, visitor: str, shopper_id: str) -> None:
    """A browser's anonymous clicks belong to the shopper who ordered from it."""
    cols = table(ClickRow).c
    tx.session.execute(update(table(ClickRow)).where(
        cols.merchant_id == merchant_id, cols.visitor == visitor,
        cols.shopper_id.is_(None)).values(shopper_id=shopper_id))


def bindings(tx: Tx, merchant_id: str, shopper_id: str) -> dict[str, str]:
    rows = tx.session.scalars(select(BindingRow).where(BindingRow.merchant_id == merchant_id,
                                                       BindingRow.shopper_id == shopper_id))
    return {r.program_id: r.creator_id for r in rows}


def bind(tx: Tx, row: BindingRow) -> None:
    """The first binding stays; a concurrent second one does nothing."""
    values = {c.name: getattr(row, c.name) for c in table(BindingRow).columns}
    insert_ignore(tx.session, table(BindingRow), values)


def attribution(tx: Tx, order_id: str) -> AttributionRow | None:
    return tx.session.get(AttributionRow, order_id)


def lock_attribution(tx: Tx, order_id: str) -> AttributionRow | None:
    """The order's attribution, locked and re-read: its flags are current and only this
    transaction changes them until it ends."""
    stmt = (select(AttributionRow).where(AttributionRow.order_id == order_id)
            .with_for_update().execution_options(populate_existing=True))
    return tx.session.scalar(stmt)


def attributions_of_creator(tx: Tx, creator_id: str, *, after: str | None,
                            limit: int) -> list[AttributionRow]:
    stmt = select(AttributionRow).where(AttributionRow.creator_id == creator_id)
    if after:
        stmt = stmt.where(AttributionRow.order_id < after)
    return list(tx.session.scalars(stmt.order_by(AttributionRow.order_id.desc()).limit(limit)))


def credited_orders_paid_with(tx: Tx, creator: CreatorRow, fingerprints: set[str], *,
                              except_order: str) -> list[AttributionRow]:
    """The attributions of orders credited to this creator that a succeeded payment with one
    of these instruments paid."""
    if not fingerprints:
        return []
    paid = select(PaymentRow.order_id).where(
        PaymentRow.merchant_id == creator.merchant_id,
        PaymentRow.payer_fingerprint.in_(fingerprints), PaymentRow.status == "succeeded")
    stmt = select(AttributionRow).where(
        AttributionRow.creator_id == creator.id, AttributionRow.order_id != except_order,
        AttributionRow.order_id.in_(paid)).order_by(AttributionRow.order_id)
    return list(tx.session.scalars(stmt))
