"""Deals, groups, members and per-shopper usage; rows to and from the model."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    func,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from pintuan.core.db import Base, BigInt, add_within_limit, table, updated_one
from pintuan.core.tx import Tx
from pintuan.groupbuy.model import DealTerms, Group, GroupStatus, Member, MemberStatus, Overflow


class DealRow(Base):
    __tablename__ = "deals"
    __table_args__ = (
        Index("ix_deals_merchant", "merchant_id", "id"),
        CheckConstraint("quota_used >= 0 AND quota_used <= quota", name="quota"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    sku_id: Mapped[str] = mapped_column(ForeignKey("skus.id"))
    stock_level_id: Mapped[str] = mapped_column(ForeignKey("stock_levels.id"))
    title: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    list_price_minor: Mapped[BigInt]
    group_price_minor: Mapped[BigInt]
    leader_price_minor: Mapped[BigInt | None]
    team_size: Mapped[int]
    join_window_seconds: Mapped[int]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    per_order_limit: Mapped[int]
    per_shopper_limit: Mapped[int]
    quota: Mapped[int]
    quota_used: Mapped[int] = mapped_column(default=0)
    virtual_fill_min_paid: Mapped[int | None]
    overflow: Mapped[str] = mapped_column(String(20))
    paused: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]


class GroupRow(Base):
    __tablename__ = "groups"
    __table_args__ = (
        Index("ix_groups_deal_status", "deal_id", "status"),
        Index("ix_groups_merchant", "merchant_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    deal_id: Mapped[str] = mapped_column(ForeignKey("deals.id"))
    share_token: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(12))
    size: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0)
    paid_count: Mapped[int] = mapped_column(default=0)
    virtual_fill_min_paid: Mapped[int | None]
    opened_at: Mapped[datetime]
    deadline_at: Mapped[datetime]
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(default=0)


class MemberRow(Base):
    __tablename__ = "group_members"
    __table_args__ = (
        Index("ix_group_members_group", "group_id", "joined_at"),
        Index("uq_group_members_seat", "group_id", "shopper_id", unique=True,
              sqlite_where=text("status IN ('held', 'paid')"),
              postgresql_where=text("status IN ('held', 'paid')")),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id"))
    shopper_id: Mapped[str | None] = mapped_column(ForeignKey("shoppers.id"))
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"), unique=True)
    status: Mapped[str] = mapped_column(String(12))
    is_leader: Mapped[bool]
    quantity: Mapped[int]
    joined_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]


class UsageRow(Base):
    """Units a shopper holds in a deal (unpaid, paid or bought); guards the per-shopper limit."""

    __tablename__ = "deal_usage"

    deal_id: Mapped[str] = mapped_column(ForeignKey("deals.id"), primary_key=True)
    shopper_id: Mapped[str] = mapped_column(ForeignKey("shoppers.id"), primary_key=True)
    units: Mapped[int] = mapped_column(default=0)


def add(tx: Tx, row: Base) -> None:
    tx.session.add(row)


def terms(deal: DealRow) -> DealTerms:
    return DealTerms(
        team_size=deal.team_size, list_price_minor=deal.list_price_minor,
        group_price_minor=deal.group_price_minor, leader_price_minor=deal.leader_price_minor,
        join_window=timedelta(seconds=deal.join_window_seconds), starts_at=deal.starts_at,
        ends_at=deal.ends_at, per_order_limit=deal.per_order_limit,
        per_shopper_limit=deal.per_shopper_limit, quota=deal.quota,
        virtual_fill_min_paid=deal.virtual_fill_min_paid, overflow=Overflow(deal.overflow),
    )


def get_deal(tx: Tx, deal_id: str, *, merchant_id: str | None = None) -> DealRow | None:
    stmt = select(DealRow).where(DealRow.id == deal_id)
    if merchant_id is not None:
        stmt = stmt.where(DealRow.merchant_id == merchant_id)
    return tx.session.scalar(stmt.execution_options(populate_existing=True))


def deals(tx: Tx, merchant_id: str, *, after: str | None, limit: int) -> list[DealRow]:
    stmt = select(DealRow).where(DealRow.merchant_id == merchant_id)
    if after:
        stmt = stmt.where(DealRow.id < after)
    return list(tx.session.scalars(stmt.order_by(DealRow.id.desc()).limit(limit)))


def live_deals(tx: Tx, merchant_id: str, now: datetime) -> list[DealRow]:
    stmt = select(DealRow).where(DealRow.merchant_id == merchant_id, DealRow.paused.is_(False),
                                 DealRow.starts_at <= now, DealRow.ends_at > now)
    return list(tx.session.scalars(stmt.order_by(DealRow.ends_at)))


def take_quota(tx: Tx, deal_id: str, units: int) -> bool:
    cols = table(DealRow).c
    stmt = (update(table(DealRow))
            .where(cols.id == deal_id, cols.quota_used + units <= cols.quota)
            .values(quota_used=cols.quota_used + units))
    return updated_one(tx.session, stmt)


def return_quota(tx: Tx, deal_id: str, units: int) -> None:
    cols = table(DealRow).c
    tx.session.execute(update(table(DealRow)).where(cols.id == deal_id)
                       .values(quota_used=cols.quota_used - units))


def take_usage(tx: Tx, deal_id: str, shopper_id: str, units: int, limit: int) -> bool:
    return add_within_limit(tx.session, table(UsageRow),
                            key={"deal_id": deal_id, "shopper_id": shopper_id}, column="units",
                            amount=units, limit=limit)


def return_usage(tx: Tx, deal_id: str, shopper_id: str, units: int) -> None:
    cols = table(UsageRow).c
    tx.session.execute(update(table(UsageRow))
                       .where(cols.deal_id == deal_id, cols.shopper_id == shopper_id)
                       .values(units=cols.units - units))


def get_group(tx: Tx, group_id: str, *, merchant_id: str | None = None,
              lock: bool = False) -> GroupRow | None:
    stmt = select(GroupRow).where(GroupRow.id == group_id)
    if merchant_id is not None:
        stmt = stmt.where(GroupRow.merchant_id == merchant_id)
    if lock:
        stmt = stmt.with_for_update()
    return tx.session.scalar(stmt.execution_options(populate_existing=True))


def group_by_token(tx: Tx, token: str, *, lock: bool = False) -> GroupRow | None:
    stmt = select(GroupRow).where(GroupRow.share_token == token)
    if lock:
        stmt = stmt.with_for_update()
    return tx.session.scalar(stmt.execution_options(populate_existing=True))


def group_of_order(tx: Tx, order_id: str) -> str | None:
    return tx.session.scalar(select(MemberRow.group_id).where(MemberRow.order_id == order_id))


def groups(tx: Tx, merchant_id: str, *, deal_id: str | None, status: str | None,
           after: str | None, limit: int) -> list[GroupRow]:
    stmt = select(GroupRow).where(GroupRow.merchant_id == merchant_id)
    if deal_id is not None:
        stmt = stmt.where(GroupRow.deal_id == deal_id)
    if status is not None:
        stmt = stmt.where(GroupRow.status == status)
    if after:
        stmt = stmt.where(GroupRow.id < after)
    return list(tx.session.scalars(stmt.order_by(GroupRow.id.desc()).limit(limit)))


def joinable_groups(tx: Tx, deal_id: str, now: datetime, *, exclude: str,
                    limit: int) -> list[GroupRow]:
    """Open groups with a free seat, fullest first, skipping any another request has locked."""
    stmt = (select(GroupRow)
            .where(GroupRow.deal_id == deal_id, GroupRow.status == GroupStatus.OPEN.value,
                   GroupRow.id != exclude, GroupRow.deadline_at > now,
                   GroupRow.seats_taken < GroupRow.size)
            .order_by(GroupRow.seats_taken.desc(), GroupRow.deadline_at)
            .limit(limit)
            .with_for_update(skip_locked=True))
    return list(tx.session.scalars(stmt.execution_options(populate_existing=True)))


def members(tx: Tx, group_id: str) -> list[MemberRow]:
    stmt = select(MemberRow).where(MemberRow.group_id == group_id)
    stmt = stmt.order_by(MemberRow.joined_at, MemberRow.id)
    return list(tx.session.scalars(stmt.execution_options(populate_existing=True)))


def members_of(tx: Tx, group_ids: list[str]) -> dict[str, list[MemberRow]]:
    """Members of several groups in one query, each group's in join order."""
    out: dict[str, list[MemberRow]] = {g: [] for g in group_ids}
    if not group_ids:
        return out
    stmt = (select(MemberRow).where(MemberRow.group_id.in_(group_ids))
            .order_by(MemberRow.joined_at, MemberRow.id))
    for m in tx.session.scalars(stmt):
        out[m.group_id].append(m)
    return out


def to_model(row: GroupRow, member_rows: list[MemberRow]) -> Group:
    return Group(
        id=row.id, size=row.size, status=GroupStatus(row.status), opened_at=row.opened_at,
        deadline_at=row.deadline_at, virtual_fill_min_paid=row.virtual_fill_min_paid,
        closed_at=row.closed_at,
        members=[Member(id=m.id, shopper_id=m.shopper_id, order_id=m.order_id,
                        status=MemberStatus(m.status), is_leader=m.is_leader,
                        quantity=m.quantity, joined_at=m.joined_at, paid_at=m.paid_at)
                 for m in member_rows],
    )


def save(tx: Tx, row: GroupRow, member_rows: list[MemberRow], group: Group) -> None:
    """Write the aggregate back: changed members, new members (appended to member_rows),
    the group's counters."""
    by_id = {m.id: m for m in member_rows}
    for m in group.members:
        existing = by_id.get(m.id)
        if existing is None:
            added = MemberRow(
                id=m.id, merchant_id=row.merchant_id, group_id=row.id, shopper_id=m.shopper_id,
                order_id=m.order_id, status=m.status.value, is_leader=m.is_leader,
                quantity=m.quantity, joined_at=m.joined_at, paid_at=m.paid_at)
            tx.session.add(added)
            member_rows.append(added)
            continue
        existing.status, existing.is_leader = m.status.value, m.is_leader
        existing.paid_at, existing.order_id = m.paid_at, m.order_id
    row.status = group.status.value
    row.seats_taken = group.seats_taken
    row.paid_count = group.paid_count
    row.closed_at = group.closed_at
    row.version += 1
    tx.session.flush()


def open_groups_of_deal(tx: Tx, deal_id: str) -> list[GroupRow]:
    stmt = select(GroupRow).where(GroupRow.deal_id == deal_id,
                                  GroupRow.status == GroupStatus.OPEN.value)
    return list(tx.session.scalars(stmt.order_by(GroupRow.deadline_at)))


def open_groups_of_deals(tx: Tx, deal_ids: list[str], *, per_deal: int) -> list[GroupRow]:
    """The open groups of several deals, at most per_deal each, soonest deadline first."""
    if not deal_ids:
        return []
    rank = func.row_number().over(partition_by=GroupRow.deal_id,
                                  order_by=(GroupRow.deadline_at, GroupRow.id)).label("rank")
    ranked = (select(GroupRow.id, rank)
              .where(GroupRow.deal_id.in_(deal_ids), GroupRow.status == GroupStatus.OPEN.value)
              .subquery())
    stmt = (select(GroupRow).join(ranked, ranked.c.id == GroupRow.id)
            .where(ranked.c.rank <= per_deal).order_by(GroupRow.deadline_at, GroupRow.id))
    return list(tx.session.scalars(stmt))


def version(tx: Tx, group_id: str) -> int | None:
    return tx.session.scalar(select(GroupRow.version).where(GroupRow.id == group_id))


def groups_of_shopper(tx: Tx, shopper_id: str, *, limit: int) -> list[GroupRow]:
    ids = select(MemberRow.group_id).where(MemberRow.shopper_id == shopper_id)
    stmt = select(GroupRow).where(GroupRow.id.in_(ids)).order_by(GroupRow.id.desc()).limit(limit)
    return list(tx.session.scalars(stmt))
