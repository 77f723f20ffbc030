"""The naive flash-sale buy, for comparison only: per request, one transaction that looks the
shopper's session up, runs one guarded UPDATE of the hot row and one INSERT of the order,
and commits; then 201.

It is served by the same app, server and JSON handling as the real buy path, so the
benchmark compares the storage designs, not the HTTP stacks:
``uvicorn bench.flash_naive:app`` (run from the repository root).
"""

from __future__ import annotations

import orjson
from sqlalchemy import insert, update
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from pintuan import container as containers
from pintuan.api import create_app
from pintuan.core.db import table, updated_one
from pintuan.core.ids import new_id
from pintuan.core.settings import Settings
from pintuan.flashsale.store import FlashItemRow
from pintuan.orders.store import OrderRow
from pintuan.shoppers import service as shoppers

c = containers.build(Settings())
app = create_app(c)


def _buy(token: str, item_id: str) -> str | None:
    with c.db.write() as session:
        shopper = shoppers.authenticate(c.tx(session), token=token)
        t = table(FlashItemRow).c
        if not updated_one(session, update(table(FlashItemRow))
                           .where(t.id == item_id, t.taken < t.quota)
                           .values(taken=t.taken + 1)):
            return None
        order_id = new_id("ord")
        session.execute(insert(table(OrderRow)).values(
            id=order_id, merchant_id=shopper.merchant_id, shopper_id=shopper.id,
            kind="flashsale", ref=item_id, status="pending_payment", currency="CNY",
            total_minor=990, hold_expires_at=c.clock.now(), created_at=c.clock.now()))
        return order_id


async def naive_buy(request: Request) -> Response:
    token = request.headers["authorization"].partition(" ")[2]
    item_id = orjson.loads(await request.body())["item_id"]
    order_id = await run_in_threadpool(_buy, token, item_id)
    if order_id is None:
        return Response(b'{"code":"sold_out"}', status_code=409)
    return Response(orjson.dumps({"id": order_id}), status_code=201,
                    media_type="application/json")


app.add_route("/bench/naive-buy", naive_buy, methods=["POST"])
