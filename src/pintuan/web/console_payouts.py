"""Console: creator commissions (those held for fraud are released or voided here) and payout
batches (run, mark paid, export as CSV)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from pintuan.core.errors import DomainError
from pintuan.core.ids import new_token
from pintuan.core.tx import Tx
from pintuan.creators import commissions, ledger_store, payout_store, payouts, store
from pintuan.creators.ledger import State
from pintuan.http import read, write
from pintuan.web import shopper
from pintuan.web.console import Desk, DeskDep
from pintuan.web.forms import Fields
from pintuan.web.pages import form, redirect
from pintuan.web.staff import Action

router = APIRouter(include_in_schema=False)
STATES = tuple(s.value for s in State)


def _commissions(d: Desk, state: str, status: int = 200, **values: Any) -> Response:
    def load(tx: Tx) -> dict[str, Any]:
        rows = ledger_store.commissions(tx, d.merchant.id, creator_id=None, state=state,
                                        after=None, limit=200)
        names = store.creators_by_id(tx, {r.creator_id for r in rows})
        programs = store.programs_by_id(tx, {r.program_id for r in rows})
        return {"rows": rows, "names": {k: v.name for k, v in names.items()},
                "programs": {k: v.name for k, v in programs.items()}}
    return d.render("commissions.html", status=status, chosen=state, states=STATES,
                    **read(d.p.c, load), **values)


@router.get("/console/commissions")
def commission_list(d: DeskDep, state: str = Query("held", max_length=12)) -> Response:
    return _commissions(d, state if state in STATES else "held")


async def _decide(d: Desk, commission_id: str, release: bool) -> Response:
    await form(d.p)
    d.require(Action.OPERATE)
    read(d.p.c, lambda tx: commissions.get(tx, merchant_id=d.merchant.id,
                                           commission_id=commission_id))
    act = commissions.release if release else commissions.void
    try:
        write(d.p.c, lambda tx: act(tx, merchant_id=d.merchant.id, commission_id=commission_id))
    except DomainError as exc:
        return _commissions(d, "held", status=exc.status, error=exc.detail)
    return redirect(d.p, "/console/commissions")


@router.post("/console/commissions/{commission_id}/release")
async def release(commission_id: str, d: DeskDep) -> Response:
    return await _decide(d, commission_id, True)


@router.post("/console/commissions/{commission_id}/void")
async def void(commission_id: str, d: DeskDep) -> Response:
    return await _decide(d, commission_id, False)


def _payouts(d: Desk, status: int = 200, **values: Any) -> Response:
    def load(tx: Tx) -> dict[str, Any]:
        batches = payout_store.batches(tx, d.merchant.id, after=None, limit=50)
        rows = [(b, payout_store.payouts_of(tx, b.id)) for b in batches]
        names = store.creators_by_id(tx, {p.creator_id for _, ps in rows for p in ps})
        return {"batches": rows, "names": {k: v.name for k, v in names.items()}}
    values["values"] = {"minimum": "0"} | values.get("values", {})
    return d.render("payouts.html", status=status, nonce=new_token(12), **read(d.p.c, load),
                    **values)


@router.get("/console/payouts")
def payout_list(d: DeskDep) -> Response:
    return _payouts(d)


@router.post("/console/payouts")
async def create_batch(d: DeskDep) -> Response:
    """Run every creator's statement now, once per form (a double submit replays)."""
    data = await form(d.p)
    d.require(Action.OPERATE)
    f = Fields(d.p, data)
    minimum = f.money("minimum", d.p.t("c.payouts.minimum"), required=False) or 0
    if f.ok:
        def action(tx: Tx) -> dict[str, Any]:
            return {"batch": payouts.create_batch(
                tx, merchant_id=d.merchant.id, currency=d.merchant.currency,
                actor=f"staff:{d.staff.id}", cutoff=None, minimum_minor=minimum).id}
        try:
            shopper.run_once(d.p, scope=f"{d.merchant.id}:web-payout",
                             nonce=data.get("nonce", ""), what=str(minimum), action=action)
            return redirect(d.p, "/console/payouts")
        except DomainError as exc:
            f.errors["form"] = exc.detail
    return _payouts(d, status=422, values=data, errors=f.errors)


@router.post("/console/payouts/{batch_id}/paid")
async def mark_paid(batch_id: str, d: DeskDep) -> Response:
    await form(d.p)
    d.require(Action.OPERATE)
    read(d.p.c, lambda tx: payouts.get_batch(tx, merchant_id=d.merchant.id, batch_id=batch_id))
    try:
        write(d.p.c, lambda tx: payouts.mark_paid(tx, merchant_id=d.merchant.id,
                                                  batch_id=batch_id,
                                                  actor=f"staff:{d.staff.id}"))
    except DomainError as exc:
        return _payouts(d, status=exc.status, error=exc.detail)
    return redirect(d.p, "/console/payouts")


@router.get("/console/payouts/{batch_id}/export.csv")
def export(batch_id: str, d: DeskDep) -> Response:
    body = read(d.p.c, lambda tx: payouts.export_csv(tx, payouts.get_batch(
        tx, merchant_id=d.merchant.id, batch_id=batch_id)))
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="payouts-{batch_id}.csv"'})
