"""Bonus contracts: table and SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from pintuan.core.db import Base, BigInt
from pintuan.core.tx import Tx
from pintuan.creators.ledger_store import CommissionRow


class ContractRow(Base):
    __tablename__ = "bonus_contracts"
    __table_args__ = (Index("ix_bonus_contracts_program", "program_id", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    program_id: Mapped[str] = mapped_column(ForeignKey("creator_programs.id"))
    creator_id: Mapped[str] = mapped_column(ForeignKey("creators.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    settles_at: Mapped[datetime]
    tiers: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10))
    gmv_minor: Mapped[BigInt | None] = mapped_column(default=None)
    bonus_minor: Mapped[BigInt | None] = mapped_column(default=None)
    created_at: Mapped[datetime]
    settled_at: Mapped[datetime | None] = mapped_column(default=None)


def add(tx: Tx, row: ContractRow) -> None:
    tx.session.add(row)


def lock(tx: Tx, contract_id: str) -> ContractRow | None:
    stmt = (select(ContractRow).where(ContractRow.id == contract_id).with_for_update()
            .execution_options(populate_existing=True))
    return tx.session.scalar(stmt)


def get(tx: Tx, merchant_id: str, contract_id: str) -> ContractRow | None:
    return tx.session.scalar(select(ContractRow).where(ContractRow.merchant_id == merchant_id,
                                                       ContractRow.id == contract_id))


def of_program(tx: Tx, program_id: str) -> list[ContractRow]:
    stmt = select(ContractRow).where(ContractRow.program_id == program_id)
    return list(tx.session.scalars(stmt.order_by(ContractRow.id)))


def gmv(tx: Tx, *, program_id: str, creator_id: str, since: datetime, until: datetime) -> int:
    """What shoppers kept of the creator's sales opened in the period (voided ones, such as
    confirmed fraud, do not count)."""
    c = CommissionRow
    total = tx.session.scalar(
        select(func.coalesce(func.sum(c.seen_captured - c.seen_refunded), 0)).where(
            c.program_id == program_id, c.creator_id == creator_id, c.order_id.is_not(None),
            c.depth == 1,
            c.state != "voided", c.created_at >= since, c.created_at < until))
    return int(total or 0)
