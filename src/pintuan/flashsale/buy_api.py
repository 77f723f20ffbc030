"""``POST /v1/me/flash-orders``: the hot path, a plain Starlette endpoint.

No Pydantic and no dependency injection per request: the body is two fields parsed with
orjson, and the request joins its item's batch, which also resolves the shopper's session
token (one lookup for the whole batch). 201 is sent only after the batch that holds the
order has committed. Body: ``{"item_id": "fsi_…", "quantity": 1}``; ``Idempotency-Key`` is
honoured like on every creating POST.

Before anything else, per-IP and per-shopper token buckets answer 429 to a client that
sends too fast (``PINTUAN_FLASH_IP_RATE``, ``PINTUAN_FLASH_SHOPPER_RATE``). While an item is
known to be sold out, the answer comes from memory before the token is
looked up: "sold out" is public (the storefront shows it), and a flood of losers should not
cost a database read each.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from pintuan.core import idempotency
from pintuan.core.errors import DomainError, TooManyRequests, Unauthorized, ValidationFailed
from pintuan.core.signing import digest
from pintuan.flashsale.batcher import Batcher
from pintuan.flashsale.engine import BuyRequest
from pintuan.http import container
from pintuan.shoppers.service import TOKEN_PREFIX

PATH = "/v1/me/flash-orders"


def _batcher(request: Request) -> Batcher:
    state = request.app.state
    if getattr(state, "flash_batcher", None) is None:
        state.flash_batcher = Batcher(container(request))
    found: Batcher = state.flash_batcher
    return found


def _token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("send 'Authorization: Bearer <token>'", code="missing_credentials")
    if not token.startswith(TOKEN_PREFIX):
        raise Unauthorized("invalid or expired shopper token", code="invalid_shopper_token")
    return token


def _rate_limit(batcher: Batcher, request: Request, token: str) -> None:
    ip = request.client.host if request.client is not None else "?"
    if not batcher.per_ip.allow(ip):
        raise TooManyRequests("too many buys from this address; retry in a moment",
                              code="rate_limited_ip")
    if not batcher.per_shopper.allow(token):
        raise TooManyRequests("too many buys from this shopper; retry in a moment",
                              code="rate_limited_shopper")


def _parse(raw: bytes) -> tuple[str, int]:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ValidationFailed("the body is not valid JSON", code="malformed_json") from None
    if not isinstance(body, dict) or set(body) - {"item_id", "quantity"}:
        raise ValidationFailed("send {\"item_id\": ..., \"quantity\": n}", code="invalid_request")
    item_id, quantity = body.get("item_id"), body.get("quantity", 1)
    if not isinstance(item_id, str) or not 1 <= len(item_id) <= 40:
        raise ValidationFailed("item_id must be a flash-sale item id", code="invalid_request")
    if type(quantity) is not int:
        raise ValidationFailed("quantity must be an integer", code="invalid_request")
    return item_id, quantity


def _answer(status: int, body: dict[str, Any]) -> Response:
    headers = {"Idempotent-Replayed": "true"} if body.pop("replayed", False) else {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if status == 429:
        headers["Retry-After"] = "1"
    media = "application/problem+json" if status >= 400 else "application/json"
    return Response(orjson.dumps(body), status_code=status, media_type=media, headers=headers)


async def buy(request: Request) -> Response:
    batcher = _batcher(request)
    try:
        token = _token(request)
        _rate_limit(batcher, request, token)
        raw = await request.body()
        item_id, quantity = _parse(raw)
        key = request.headers.get("idempotency-key")
        if key is not None and not 1 <= len(key) <= 255:
            raise ValidationFailed("Idempotency-Key must be 1-255 characters",
                                   code="bad_idempotency_key")
        facts = await batcher.item(item_id)
    except DomainError as exc:
        return _answer(exc.status, exc.problem())
    fp = "" if key is None else idempotency.fingerprint("POST", PATH, raw)
    status, body = await batcher.buy(facts, BuyRequest(digest(token), quantity, key, fp))
    return _answer(status, dict(body))


class FrontDoor:
    """ASGI middleware: ``POST /v1/me/flash-orders`` goes straight to ``buy``, past the
    router's walk over every route and the per-request middleware behind it (about 90 us of
    CPU a request, ten times what ``buy`` itself spends before its batch). Everything else,
    this path's other methods included, goes on to the app, whose route documents it. An
    unexpected error still reaches the app's outer error middleware (a 500 problem)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == PATH and scope["method"] == "POST":
            response = await buy(Request(scope, receive, send))
            await response(scope, receive, send)
        else:
            await self.app(scope, receive, send)
