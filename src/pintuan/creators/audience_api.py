"""Audience-quality endpoints: import a follower sample, read the reports."""

from __future__ import annotations

from fastapi import APIRouter, Request

from pintuan.creators import audience_service, audience_store, service
from pintuan.creators.audience_file import parse
from pintuan.creators.schemas import AudienceReportOut
from pintuan.http import ContainerDep, Merchant, RawBody, read, write

router = APIRouter(prefix="/v1", tags=["creators"])


@router.post("/creators/{creator_id}/audience", status_code=201,
             response_model=AudienceReportOut, openapi_extra={"requestBody": {"content": {
                 "text/csv": {"schema": {"type": "string"}},
                 "application/json": {"schema": {"type": "object"}}}}})
def import_audience(creator_id: str, request: Request, raw: RawBody, m: Merchant,
                    c: ContainerDep) -> AudienceReportOut:
    """Score a sample of the creator's followers (CSV with columns followers, following,
    posts, account_age_days, default_avatar, has_bio or bio; or JSON ``{"followers": [...],
    "daily_followers": [...], "avg_likes": n, "avg_comments": n}``). It estimates the share
    of bought followers; it does not detect bots in general."""
    sample = parse(raw, request.headers.get("content-type", ""))
    return write(c, lambda tx: AudienceReportOut.model_validate(audience_service.assess(
        tx, merchant_id=m.merchant_id, creator_id=creator_id, sample=sample)))


@router.get("/creators/{creator_id}/audience", response_model=list[AudienceReportOut])
def audience_reports(creator_id: str, m: Merchant, c: ContainerDep) -> list[AudienceReportOut]:
    return read(c, lambda tx: [AudienceReportOut.model_validate(r) for r in
                               audience_store.reports_of(tx, service.get_creator(
                                   tx, merchant_id=m.merchant_id, creator_id=creator_id).id)])
