"""Deal use cases: publish, read, pause and resume a group-buy deal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pintuan.catalog import service as catalog
from pintuan.core import outbox
from pintuan.core.errors import Conflict, NotFound
from pintuan.core.ids import new_id
from pintuan.core.tx import Tx
from pintuan.groupbuy import store
from pintuan.groupbuy.model import DealTerms, Overflow
from pintuan.groupbuy.store import DealRow


@dataclass(frozen=True)
class DealSpec:
    sku_id: str
    title: str
    group_price_minor: int
    leader_price_minor: int | None
    team_size: int
    join_window_seconds: int
    starts_at: datetime
    ends_at: datetime
    per_order_limit: int
    per_shopper_limit: int
    quota: int
    virtual_fill_min_paid: int | None
    overflow: Overflow
    location_id: str | None


def deal_data(d: DealRow) -> dict[str, object]:
    return {"id": d.id, "sku_id": d.sku_id, "title": d.title, "team_size": d.team_size,
            "group_price_minor": d.group_price_minor, "currency": d.currency,
            "quota": d.quota, "quota_used": d.quota_used, "paused": d.paused}


def create(tx: Tx, *, merchant_id: str, spec: DealSpec) -> DealRow:
    sku = catalog.get_sku(tx, merchant_id=merchant_id, sku_id=spec.sku_id)
    terms = DealTerms(
        team_size=spec.team_size, list_price_minor=sku.list_price_minor,
        group_price_minor=spec.group_price_minor, leader_price_minor=spec.leader_price_minor,
        join_window=timedelta(seconds=spec.join_window_seconds), starts_at=spec.starts_at,
        ends_at=spec.ends_at, per_order_limit=spec.per_order_limit,
        per_shopper_limit=spec.per_shopper_limit, quota=spec.quota,
        virtual_fill_min_paid=spec.virtual_fill_min_paid, overflow=spec.overflow)
    terms.validate()
    level = catalog.level_for(tx, merchant_id=merchant_id, sku_id=sku.id,
                              location_id=spec.location_id)
    deal = DealRow(
        id=new_id("deal"), merchant_id=merchant_id, sku_id=sku.id, stock_level_id=level.id,
        title=spec.title, currency=sku.currency, list_price_minor=sku.list_price_minor,
        group_price_minor=spec.group_price_minor, leader_price_minor=spec.leader_price_minor,
        team_size=spec.team_size, join_window_seconds=spec.join_window_seconds,
        starts_at=spec.starts_at, ends_at=spec.ends_at, per_order_limit=spec.per_order_limit,
        per_shopper_limit=spec.per_shopper_limit, quota=spec.quota,
        virtual_fill_min_paid=spec.virtual_fill_min_paid, overflow=spec.overflow.value,
        created_at=tx.now())
    store.add(tx, deal)
    tx.session.flush()
    outbox.emit(tx, merchant_id=merchant_id, type="deal.created", data={"deal": deal_data(deal)})
    return deal


def get(tx: Tx, *, merchant_id: str, deal_id: str) -> DealRow:
    deal = store.get_deal(tx, deal_id, merchant_id=merchant_id)
    if deal is None:
        raise NotFound(f"no deal {deal_id}", code="deal_not_found")
    return deal


def set_paused(tx: Tx, *, merchant_id: str, deal_id: str, paused: bool) -> DealRow:
    """A paused deal takes no new groups or joins; groups already open run to their end."""
    deal = get(tx, merchant_id=merchant_id, deal_id=deal_id)
    if deal.paused != paused:
        deal.paused = paused
        outbox.emit(tx, merchant_id=merchant_id,
                    type="deal.paused" if paused else "deal.resumed",
                    data={"deal": deal_data(deal)})
    return deal


def check_live(deal: DealRow, now: datetime) -> None:
    if deal.paused:
        raise Conflict("this deal is paused", code="deal_paused")
    if now < deal.starts_at:
        raise Conflict("this deal has not started", code="deal_not_started")
    if now >= deal.ends_at:
        raise Conflict("this deal has ended", code="deal_ended")
