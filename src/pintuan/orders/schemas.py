"""Order, payment and refund shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from pintuan.schemas import Request, Resource


class LineOut(Resource):
    id: str
    sku_id: str
    quantity: int
    list_price_minor: int
    unit_price_minor: int
    total_minor: int


class PaymentOut(Resource):
    id: str
    order_id: str
    provider: str
    status: str
    amount_minor: int
    refunded_minor: int
    currency: str
    checkout_url: str | None
    created_at: datetime


class RefundOut(Resource):
    id: str
    order_id: str
    payment_id: str
    amount_minor: int
    currency: str
    reason: str
    status: str
    created_at: datetime


class OrderOut(Resource):
    id: str
    kind: str
    ref: str | None = Field(description="What the order is for, e.g. its group's id.")
    status: str
    shopper_id: str
    currency: str
    total_minor: int
    captured_minor: int
    refunded_minor: int
    hold_expires_at: datetime | None
    cancel_reason: str | None
    created_at: datetime
    paid_at: datetime | None
    confirmed_at: datetime | None
    lines: list[LineOut] = []
    payments: list[PaymentOut] = []
    refunds: list[RefundOut] = []


class PayIn(Request):
    provider: str = Field(default="sandbox", min_length=1, max_length=30)
    return_url: str | None = Field(default=None, max_length=500)


class RefundIn(Request):
    amount_minor: int | None = Field(default=None, ge=1, le=10**12,
                                     description="Everything still refundable when omitted.")
    reason: str = Field(default="requested_by_merchant", min_length=1, max_length=40)
