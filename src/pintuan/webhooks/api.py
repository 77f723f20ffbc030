"""Webhook endpoints, their delivery log, and the event list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import Field

from pintuan.core import delivery, outbox
from pintuan.core.errors import NotFound
from pintuan.core.tx import Tx
from pintuan.http import ContainerDep, Merchant, read, write
from pintuan.schemas import Page, Request, Resource
from pintuan.webhooks import service, store

router = APIRouter(prefix="/v1", tags=["webhooks"])


class EndpointIn(Request):
    url: str = Field(min_length=8, max_length=500)
    events: list[str] = Field(default_factory=lambda: ["*"], min_length=1, max_length=100)


class EndpointOut(Resource):
    id: str
    url: str
    events: list[str]
    enabled: bool
    created_at: datetime


class CreatedEndpointOut(EndpointOut):
    secret: str = Field(description="Signs deliveries (Pintuan-Signature); shown once.")


class AttemptOut(Resource):
    at: datetime
    status_code: int | None
    duration_ms: int
    error: str | None


class DeliveryOut(Resource):
    id: str
    event_id: str
    event_type: str
    url: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    created_at: datetime
    log: list[AttemptOut] = []


class EventOut(Resource):
    id: str
    type: str
    data: dict[str, Any]
    created_at: datetime


@router.post("/webhook-endpoints", status_code=201, response_model=CreatedEndpointOut)
def create_endpoint(body: EndpointIn, m: Merchant, c: ContainerDep) -> CreatedEndpointOut:
    def action(tx: Tx) -> CreatedEndpointOut:
        made = service.create(tx, merchant_id=m.merchant_id, url=body.url, events=body.events)
        tx.session.flush()
        return CreatedEndpointOut(**EndpointOut.model_validate(made.row).model_dump(),
                                  secret=made.secret)
    return write(c, action)


@router.get("/webhook-endpoints", response_model=list[EndpointOut])
def list_endpoints(m: Merchant, c: ContainerDep) -> list[EndpointOut]:
    return read(c, lambda tx: [EndpointOut.model_validate(e)
                               for e in store.of_merchant(tx, m.merchant_id)])


@router.post("/webhook-endpoints/{endpoint_id}/disable", response_model=EndpointOut)
def disable_endpoint(endpoint_id: str, m: Merchant, c: ContainerDep) -> EndpointOut:
    return write(c, lambda tx: EndpointOut.model_validate(
        service.disable(tx, merchant_id=m.merchant_id, endpoint_id=endpoint_id)))


@router.get("/webhook-deliveries", response_model=Page[DeliveryOut])
def list_deliveries(m: Merchant, c: ContainerDep, after: str | None = Query(None, max_length=40),
                    limit: int = Query(50, ge=1, le=200)) -> Page[DeliveryOut]:
    def action(tx: Tx) -> Page[DeliveryOut]:
        rows = delivery.page(tx, merchant_id=m.merchant_id, target_prefix=service.TARGET,
                             after=after, limit=limit + 1)
        return Page(data=[DeliveryOut.model_validate(d) for d in rows[:limit]],
                    has_more=len(rows) > limit)
    return read(c, action)


def _own_delivery(tx: Tx, merchant_id: str, delivery_id: str) -> delivery.DeliveryRow:
    row = delivery.get(tx, merchant_id=merchant_id, delivery_id=delivery_id)
    if row is None or not row.target.startswith(service.TARGET):
        raise NotFound(f"no delivery {delivery_id}", code="delivery_not_found")
    return row


@router.get("/webhook-deliveries/{delivery_id}", response_model=DeliveryOut)
def get_delivery(delivery_id: str, m: Merchant, c: ContainerDep) -> DeliveryOut:
    def action(tx: Tx) -> DeliveryOut:
        out = DeliveryOut.model_validate(_own_delivery(tx, m.merchant_id, delivery_id))
        out.log = [AttemptOut.model_validate(a) for a in delivery.attempts_of(tx, delivery_id)]
        return out
    return read(c, action)


@router.post("/webhook-deliveries/{delivery_id}/retry", response_model=DeliveryOut)
def retry_delivery(delivery_id: str, m: Merchant, c: ContainerDep) -> DeliveryOut:
    def action(tx: Tx) -> DeliveryOut:
        row = _own_delivery(tx, m.merchant_id, delivery_id)
        delivery.retry_now(tx, row)
        return DeliveryOut.model_validate(row)
    return write(c, action)


@router.get("/events", response_model=list[EventOut])
def list_events(m: Merchant, c: ContainerDep,
                type: str | None = Query(None, max_length=60),
                after: str | None = Query(None, max_length=40),
                limit: int = Query(100, ge=1, le=500)) -> list[EventOut]:
    return read(c, lambda tx: [EventOut.model_validate(e) for e in outbox.list_events(
        tx, merchant_id=m.merchant_id, type=type, after=after, limit=limit)])
