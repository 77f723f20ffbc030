"""Scoring an imported audience sample for a creator."""

from __future__ import annotations

import statistics

from pintuan.core import outbox
from pintuan.core.ids import new_id
from pintuan.core.tx import Tx
from pintuan.creators import audience_store, service, store
from pintuan.creators.audience import (
    MASS_FOLLOWING,
    MODEL_VERSION,
    default_model,
    growth_spikes,
    matrix,
)
from pintuan.creators.audience_file import Sample
from pintuan.creators.audience_store import AudienceReportRow
from pintuan.creators.model import reach, tier_for


def _engagement(sample: Sample, followers: int) -> int | None:
    """(Average likes + comments per post) / followers, in basis points."""
    if (sample.avg_likes is None and sample.avg_comments is None) or followers <= 0:
        return None
    return ((sample.avg_likes or 0) + (sample.avg_comments or 0)) * 10_000 // followers


def assess(tx: Tx, *, merchant_id: str, creator_id: str, sample: Sample) -> AudienceReportRow:
    """Share of likely bought followers and of mass followers in the sample, engagement
    against the median of the merchant's other creators of the same tier, growth spikes."""
    creator = service.get_creator(tx, merchant_id=merchant_id, creator_id=creator_id)
    n = len(sample.followers)
    bought = int(default_model().predict(matrix(sample.followers)).sum())
    mass = sum(1 for f in sample.followers if f.following > MASS_FOLLOWING)
    followers = reach([h.followers for h in store.handles(tx, creator.id)])
    tier = tier_for(followers).value
    peers = audience_store.peer_engagement(tx, merchant_id, tier, exclude=creator.id)
    row = AudienceReportRow(
        id=new_id("aud"), merchant_id=merchant_id, creator_id=creator.id, sample_size=n,
        bought_share_bps=bought * 10_000 // n, mass_follower_share_bps=mass * 10_000 // n,
        followers=followers, tier=tier, engagement_bps=_engagement(sample, followers),
        tier_median_engagement_bps=int(statistics.median(peers)) if peers else None,
        growth_spike_days=growth_spikes(sample.daily_followers), model_version=MODEL_VERSION,
        created_at=tx.now())
    audience_store.add(tx, row)
    outbox.emit(tx, merchant_id=merchant_id, type="creator.audience_assessed",
                data={"creator_id": creator.id, "report_id": row.id,
                      "bought_share_bps": row.bought_share_bps})
    return row
