"""Audience reports: the scores of each imported sample (never the sample itself)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from pintuan.core.db import Base, BigInt
from pintuan.core.tx import Tx


class AudienceReportRow(Base):
    __tablename__ = "audience_reports"
    __table_args__ = (
        Index("ix_audience_reports_creator", "creator_id", "id"),
        Index("ix_audience_reports_tier", "merchant_id", "tier", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    creator_id: Mapped[str] = mapped_column(ForeignKey("creators.id"))
    sample_size: Mapped[int]
    bought_share_bps: Mapped[int]
    mass_follower_share_bps: Mapped[int]
    followers: Mapped[int]
    tier: Mapped[str] = mapped_column(String(8))
    engagement_bps: Mapped[BigInt | None] = mapped_column(default=None)
    tier_median_engagement_bps: Mapped[BigInt | None] = mapped_column(default=None)
    growth_spike_days: Mapped[list[int]] = mapped_column(JSON)
    model_version: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]


def add(tx: Tx, row: AudienceReportRow) -> None:
    tx.session.add(row)


def reports_of(tx: Tx, creator_id: str, limit: int = 20) -> list[AudienceReportRow]:
    stmt = select(AudienceReportRow).where(AudienceReportRow.creator_id == creator_id)
    return list(tx.session.scalars(stmt.order_by(AudienceReportRow.id.desc()).limit(limit)))


def latest_of(tx: Tx, creator_ids: set[str]) -> dict[str, AudienceReportRow]:
    """The latest report of each of these creators that has one, in one statement."""
    if not creator_ids:
        return {}
    newest = (select(AudienceReportRow.creator_id,
                     func.max(AudienceReportRow.id).label("id"))
              .where(AudienceReportRow.creator_id.in_(creator_ids))
              .group_by(AudienceReportRow.creator_id).subquery())
    stmt = select(AudienceReportRow).join(newest, AudienceReportRow.id == newest.c.id)
    return {r.creator_id: r for r in tx.session.scalars(stmt)}


def peer_engagement(tx: Tx, merchant_id: str, tier: str, *, exclude: str) -> list[int]:
    """The latest measured engagement of each other creator of this tier."""
    stmt = (select(AudienceReportRow.creator_id, AudienceReportRow.engagement_bps)
            .where(AudienceReportRow.merchant_id == merchant_id, AudienceReportRow.tier == tier,
                   AudienceReportRow.creator_id != exclude,
                   AudienceReportRow.engagement_bps.is_not(None))
            .order_by(AudienceReportRow.id.desc()))
    latest: dict[str, int] = {}
    for creator_id, bps in tx.session.execute(stmt):
        if bps is not None:
            latest.setdefault(creator_id, int(bps))
    return list(latest.values())
