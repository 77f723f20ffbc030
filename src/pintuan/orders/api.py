"""Order endpoints for merchants (read, refund) and shoppers (read, pay, cancel)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from pintuan.core.errors import NotFound
from pintuan.core.tx import Tx
from pintuan.http import ContainerDep, Merchant, RawBody, Shopper, read, write, write_idempotent
from pintuan.orders import service, store
from pintuan.orders.model import OrderStatus
from pintuan.orders.schemas import OrderOut, PayIn, PaymentOut, RefundIn, RefundOut
from pintuan.orders.store import OrderRow
from pintuan.orders.views import order_out
from pintuan.payments import service as payments
from pintuan.schemas import Page

router = APIRouter(prefix="/v1", tags=["orders"])
StatusQuery = Query(None, pattern="^(" + "|".join(s.value for s in OrderStatus) + ")$")


@router.get("/orders", response_model=Page[OrderOut])
def list_orders(m: Merchant, c: ContainerDep, status: str | None = StatusQuery,
                after: str | None = Query(None, max_length=40),
                limit: int = Query(50, ge=1, le=200)) -> Page[OrderOut]:
    def action(tx: Tx) -> Page[OrderOut]:
        rows = store.page(tx, merchant_id=m.merchant_id, shopper_id=None, status=status,
                          after=after, limit=limit + 1)
        return Page(data=[order_out(tx, o, detail=False) for o in rows[:limit]],
                    has_more=len(rows) > limit)
    return read(c, action)


@router.get("/orders/{order_id}", response_model=OrderOut)
def get_order(order_id: str, m: Merchant, c: ContainerDep) -> OrderOut:
    return read(c, lambda tx: order_out(
        tx, service.get(tx, merchant_id=m.merchant_id, order_id=order_id)))


@router.post("/orders/{order_id}/refunds", status_code=201, response_model=list[RefundOut])
def refund_order(order_id: str, body: RefundIn, request: Request, raw: RawBody, m: Merchant,
                 c: ContainerDep) -> JSONResponse:
    def action(tx: Tx) -> list[RefundOut]:
        service.get(tx, merchant_id=m.merchant_id, order_id=order_id)
        order = service.lock(tx, order_id)
        made = payments.refund(tx, order=order, amount_minor=body.amount_minor,
                               reason=body.reason)
        return [RefundOut.model_validate(r) for r in made]
    return write_idempotent(c, request, raw, scope=f"{m.merchant_id}:refund", action=action)


def _own_order(tx: Tx, s: Shopper, order_id: str) -> OrderRow:
    order = service.get(tx, merchant_id=s.merchant_id, order_id=order_id)
    if order.shopper_id != s.shopper_id:
        raise NotFound(f"no order {order_id}", code="order_not_found")
    return order


@router.get("/me/orders", response_model=Page[OrderOut], tags=["shopper"])
def my_orders(s: Shopper, c: ContainerDep, after: str | None = Query(None, max_length=40),
              limit: int = Query(20, ge=1, le=100)) -> Page[OrderOut]:
    def action(tx: Tx) -> Page[OrderOut]:
        rows = store.page(tx, merchant_id=s.merchant_id, shopper_id=s.shopper_id, status=None,
                          after=after, limit=limit + 1)
        return Page(data=[order_out(tx, o) for o in rows[:limit]], has_more=len(rows) > limit)
    return read(c, action)


@router.get("/me/orders/{order_id}", response_model=OrderOut, tags=["shopper"])
def my_order(order_id: str, s: Shopper, c: ContainerDep) -> OrderOut:
    return read(c, lambda tx: order_out(tx, _own_order(tx, s, order_id)))


@router.post("/me/orders/{order_id}/payments", status_code=201, response_model=PaymentOut,
             tags=["shopper"])
def pay_order(order_id: str, body: PayIn, request: Request, raw: RawBody, s: Shopper,
              c: ContainerDep) -> JSONResponse:
    def action(tx: Tx) -> PaymentOut:
        _own_order(tx, s, order_id)
        order = service.lock(tx, order_id)
        return_url = body.return_url or f"{tx.settings.public_url}/v1/me/orders/{order_id}"
        payment = payments.start_payment(tx, order=order, provider=body.provider,
                                         return_url=return_url)
        return PaymentOut.model_validate(payment)
    return write_idempotent(c, request, raw, scope=f"{s.shopper_id}:pay", action=action)


@router.post("/me/orders/{order_id}/cancel", response_model=OrderOut, tags=["shopper"])
def cancel_order(order_id: str, s: Shopper, c: ContainerDep) -> OrderOut:
    def action(tx: Tx) -> OrderOut:
        _own_order(tx, s, order_id)
        order = service.lock(tx, order_id)
        service.cancel(tx, order, reason="cancelled_by_shopper")
        return order_out(tx, order)
    return write(c, action)
