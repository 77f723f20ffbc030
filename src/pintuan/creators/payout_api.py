"""Merchant endpoints for payout batches, payouts, their audit trail and export; the
creator's own payouts."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from pintuan.core.tx import Tx
from pintuan.creators import payout_store, payouts, service
from pintuan.creators.payout_store import BatchRow
from pintuan.creators.schemas import AuditOut, BatchIn, BatchOut, FailIn, PayNowIn, PayoutOut
from pintuan.http import ContainerDep, Merchant, RawBody, Shopper, read, write, write_idempotent
from pintuan.schemas import Page

router = APIRouter(prefix="/v1", tags=["payouts"])


def _actor(m: Merchant) -> str:
    return f"api_key:{m.key_id}"


def batch_out(tx: Tx, row: BatchRow) -> BatchOut:
    out = BatchOut.model_validate(row)
    out.payouts = [PayoutOut.model_validate(p) for p in payout_store.payouts_of(tx, row.id)]
    return out


@router.post("/payout-batches", status_code=201, response_model=BatchOut)
def create_batch(body: BatchIn, request: Request, raw: RawBody, m: Merchant,
                 c: ContainerDep) -> JSONResponse:
    """Run every creator's statement; honours ``Idempotency-Key``."""
    return write_idempotent(c, request, raw, scope=f"{m.merchant_id}:payout", action=lambda tx:
                            batch_out(tx, payouts.create_batch(
                                tx, merchant_id=m.merchant_id, currency=m.currency,
                                actor=_actor(m), cutoff=body.cutoff,
                                minimum_minor=body.minimum_minor)))


@router.post("/creators/{creator_id}/payouts", status_code=201, response_model=BatchOut)
def pay_now(creator_id: str, body: PayNowIn, request: Request, raw: RawBody, m: Merchant,
            c: ContainerDep) -> JSONResponse:
    """Pay a creator a chosen amount now, up to their payable balance."""
    return write_idempotent(c, request, raw, scope=f"{m.merchant_id}:payout", action=lambda tx:
                            batch_out(tx, payouts.pay_now(
                                tx, merchant_id=m.merchant_id, currency=m.currency,
                                actor=_actor(m), creator_id=creator_id,
                                amount_minor=body.amount_minor)))


@router.get("/payout-batches", response_model=Page[BatchOut])
def list_batches(m: Merchant, c: ContainerDep, after: str | None = Query(None, max_length=40),
                 limit: int = Query(20, ge=1, le=100)) -> Page[BatchOut]:
    def action(tx: Tx) -> Page[BatchOut]:
        rows = payout_store.batches(tx, m.merchant_id, after=after, limit=limit + 1)
        return Page(data=[batch_out(tx, r) for r in rows[:limit]], has_more=len(rows) > limit)
    return read(c, action)


@router.get("/payout-batches/{batch_id}", response_model=BatchOut)
def get_batch(batch_id: str, m: Merchant, c: ContainerDep) -> BatchOut:
    return read(c, lambda tx: batch_out(tx, payouts.get_batch(
        tx, merchant_id=m.merchant_id, batch_id=batch_id)))


@router.post("/payout-batches/{batch_id}/paid", response_model=BatchOut)
def batch_paid(batch_id: str, m: Merchant, c: ContainerDep) -> BatchOut:
    return write(c, lambda tx: batch_out(tx, payouts.mark_paid(
        tx, merchant_id=m.merchant_id, batch_id=batch_id, actor=_actor(m))))


@router.post("/payouts/{payout_id}/fail", response_model=PayoutOut)
def payout_failed(payout_id: str, body: FailIn, m: Merchant, c: ContainerDep) -> PayoutOut:
    return write(c, lambda tx: PayoutOut.model_validate(payouts.fail_payout(
        tx, merchant_id=m.merchant_id, payout_id=payout_id, reason=body.reason,
        actor=_actor(m))))


@router.get("/payout-batches/{batch_id}/audit", response_model=list[AuditOut])
def batch_audit(batch_id: str, m: Merchant, c: ContainerDep) -> list[AuditOut]:
    def action(tx: Tx) -> list[AuditOut]:
        batch = payouts.get_batch(tx, merchant_id=m.merchant_id, batch_id=batch_id)
        return [AuditOut.model_validate(a) for a in payout_store.audit(tx, batch.id)]
    return read(c, action)


@router.get("/payout-batches/{batch_id}/export.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def batch_export(batch_id: str, m: Merchant, c: ContainerDep) -> Response:
    body = read(c, lambda tx: payouts.export_csv(tx, payouts.get_batch(
        tx, merchant_id=m.merchant_id, batch_id=batch_id)))
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="payouts-{batch_id}.csv"'})


@router.get("/me/creator/payouts", response_model=list[PayoutOut], tags=["creator"])
def my_payouts(s: Shopper, c: ContainerDep) -> list[PayoutOut]:
    return read(c, lambda tx: [PayoutOut.model_validate(p) for p in payout_store.
                               payouts_of_creator(tx, service.creator_of_shopper(
                                   tx, merchant_id=s.merchant_id, shopper_id=s.shopper_id).id)])
