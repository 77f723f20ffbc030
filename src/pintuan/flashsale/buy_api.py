"""``POST /v1/me/flash-orders``: the hot path, a plain Starlette endpoint.

No Pydantic and no dependency injection per request: the body is two fields parsed with
orjson, and the request joins its item's batch, which also resolves the shopper's session
token (one lookup for the whole batch). 201 is sent only after the batch that holds the
order has committed. Body: ``{"item_id": "fsi_…", "quantity": 1}``; ``Idempotency-Key`` is
honoured like on every creating POST. The referral visitor (cookie ``pt_ref``, or
``"ref"`` in the body for clients without cookies) travels with the buy into its batch, where
the order's creator attribution is snapshotted like any other order's. (A creator code typed
at checkout is not taken here: an unknown code would have to refuse one buy inside a batch
shared with others.)

Before anything else, per-IP and per-shopper token buckets answer 429 to a client that
sends too fast (``PINTUAN_FLASH_IP_RATE``, ``PINTUAN_FLASH_SHOPPER_RATE``; shared by all
processes through Redis when ``PINTUAN_REDIS_URL`` is set, see ``limits``). Then the buy passes the
item's waiting room (``waiting_room``): it joins a batch at once while those ahead cannot
take every unit left, else it waits in arrival order and may be answered 429 ``queued`` with
a ticket (sent back in the ``Flash-Ticket`` header to keep the place). While an item is
known to be sold out, the answer comes from memory before the token is looked up: "sold
out" is public (the storefront shows it), and a flood of losers should not cost a database
read each.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from pintuan.core import idempotency
from pintuan.core.errors import DomainError, TooLarge, Unauthorized, ValidationFailed
from pintuan.core.signing import digest
from pintuan.flashsale.batcher import Batcher
from pintuan.flashsale.engine import BuyRequest
from pintuan.flashsale.limits import RateLimits
from pintuan.flashsale.waiting_room import WaitingRoom
from pintuan.http import container, order_context
from pintuan.shoppers.service import TOKEN_PREFIX

PATH = "/v1/me/flash-orders"
MAX_BODY = 4096  # an item id, a quantity and a referral token take a few hundred bytes


def room_of(request: Request) -> WaitingRoom:
    """The app's one waiting room and batcher (made on first use), shared with the pages."""
    state = request.app.state
    if getattr(state, "flash_room", None) is None:
        state.flash_batcher = Batcher(container(request))
        state.flash_room = WaitingRoom(state.flash_batcher)
    found: WaitingRoom = state.flash_room
    return found


def _token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("send 'Authorization: Bearer <token>'", code="missing_credentials")
    if not token.startswith(TOKEN_PREFIX):
        raise Unauthorized("invalid or expired shopper token", code="invalid_shopper_token")
    return token


def limits_of(request: Request) -> RateLimits:
    """The app's per-IP and per-shopper rate limits, shared with the pages."""
    state = request.app.state
    if getattr(state, "flash_limits", None) is None:
        state.flash_limits = RateLimits(container(request).settings)
    found: RateLimits = state.flash_limits
    return found


async def _body(request: Request) -> bytes:
    """The body, refused (413) beyond ``MAX_BODY`` bytes before more of it is read: a crowd
    endpoint must not buffer whatever a client chooses to send."""
    declared = request.headers.get("content-length", "")
    too_large = TooLarge(f"a buy's body is at most {MAX_BODY} bytes")
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _parse(raw: bytes) -> tuple[str, int, str | None]:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ValidationFailed("the body is not valid JSON", code="malformed_json") from None
    if not isinstance(body, dict) or set(body) - {"item_id", "quantity", "ref"}:
        raise ValidationFailed("send {\"item_id\": ..., \"quantity\": n}", code="invalid_request")
    item_id, quantity, ref = body.get("item_id"), body.get("quantity", 1), body.get("ref")
    if not isinstance(item_id, str) or not 1 <= len(item_id) <= 40 or "\x00" in item_id:
        raise ValidationFailed("item_id must be a flash-sale item id", code="invalid_request")
    if type(quantity) is not int:
        raise ValidationFailed("quantity must be an integer", code="invalid_request")
    if ref is not None and (not isinstance(ref, str) or not 1 <= len(ref) <= 64
                            or "\x00" in ref):
        raise ValidationFailed("ref must be a referral visitor token", code="invalid_request")
    return item_id, quantity, ref


def _answer(status: int, body: dict[str, Any]) -> Response:
    headers = {"Idempotent-Replayed": "true"} if body.pop("replayed", False) else {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if status == 429:
        headers["Retry-After"] = str(body.get("retry_after", 1))
    media = "application/problem+json" if status >= 400 else "application/json"
    return Response(orjson.dumps(body), status_code=status, media_type=media, headers=headers)


async def buy(request: Request) -> Response:
    room = room_of(request)
    try:
        token_hash = digest(_token(request))
        await limits_of(request).check(
            request.client.host if request.client is not None else "?", token_hash)
        raw = await _body(request)
        item_id, quantity, ref = _parse(raw)
        key = request.headers.get("idempotency-key")
        if key is not None and not 1 <= len(key) <= 255:
            raise ValidationFailed("Idempotency-Key must be 1-255 characters",
                                   code="bad_idempotency_key")
        facts = await room.batcher.item(item_id)
    except DomainError as exc:
        return _answer(exc.status, exc.problem())
    fp = "" if key is None else idempotency.fingerprint("POST", PATH, raw)
    context = order_context(request, ref=ref)
    status, body = await room.buy(facts, BuyRequest(token_hash, quantity, key, fp,
                                                    context or None),
                                  request.headers.get("flash-ticket"))
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
