"""``POST /v1/me/flash-orders``: the hot path, answered before the app's router.

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

import logging
from typing import Any

import orjson
from starlette._utils import get_route_path
from starlette.requests import ClientDisconnect, Request
from starlette.types import Receive, Scope, Send

from pintuan.container import Container
from pintuan.core import idempotency
from pintuan.core.errors import (
    DomainError,
    InternalError,
    MethodNotAllowed,
    TooLarge,
    Unauthorized,
    ValidationFailed,
)
from pintuan.core.signing import digest
from pintuan.flashsale.batcher import Batcher
from pintuan.flashsale.engine import BuyRequest
from pintuan.flashsale.limits import RateLimits
from pintuan.flashsale.waiting_room import WaitingRoom
from pintuan.http import order_context
from pintuan.shoppers.service import TOKEN_PREFIX

log = logging.getLogger("pintuan.http")  # as the app's handler of unexpected errors
PATH = "/v1/me/flash-orders"
MAX_BODY = 4096  # an item id, a quantity and a referral token take a few hundred bytes


_CROWD = "pintuan_flash_crowd"


def _crowd(app: Any) -> tuple[WaitingRoom, RateLimits]:
    """The app's one waiting room (with its batcher) and rate limits, made on first use and
    kept in an attribute of the app: through ``app.state`` each cost a buy ~3 us."""
    found: tuple[WaitingRoom, RateLimits] | None = app.__dict__.get(_CROWD)
    if found is None:
        c: Container = app.state.container
        found = app.__dict__[_CROWD] = (WaitingRoom(Batcher(c)), RateLimits(c.settings))
    return found


def room_of(request: Request) -> WaitingRoom:
    """The app's one waiting room and batcher, shared with the pages."""
    return _crowd(request.app)[0]


def _token(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("send 'Authorization: Bearer <token>'", code="missing_credentials")
    if not token.startswith(TOKEN_PREFIX):
        raise Unauthorized("invalid or expired shopper token", code="invalid_shopper_token")
    return token


# the headers a buy reads, by their index in ``_headers``'s answer
_READ = {b"authorization": 0, b"content-length": 1, b"idempotency-key": 2, b"flash-ticket": 3,
         b"cookie": 4}


def _headers(scope: Scope) -> list[str | None]:
    """The values of the headers in ``_READ`` (the first of each, as Starlette's
    ``Headers.get``), in one pass over the request's headers: ``Request.headers`` builds a
    mapping and each lookup walks it again (~12 us per buy against ~1)."""
    found: list[str | None] = [None] * len(_READ)
    for name, value in scope["headers"]:
        i = _READ.get(name)
        if i is not None and found[i] is None:
            found[i] = value.decode("latin-1")
    return found


def limits_of(request: Request) -> RateLimits:
    """The app's per-IP and per-shopper rate limits, shared with the pages."""
    return _crowd(request.app)[1]


def _too_large() -> TooLarge:
    return TooLarge(f"a buy's body is at most {MAX_BODY} bytes")


async def _body(request: Request, declared: str) -> bytes:
    """The body, refused (413) beyond ``MAX_BODY`` bytes (or a ``declared`` Content-Length
    beyond it) before more of it is read: a crowd endpoint must not buffer whatever a client
    chooses to send."""
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY:
        raise _too_large()
    chunks, size, more = [], 0, True
    while more:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise _too_large()
        chunks.append(chunk)
        more = message.get("more_body", False)
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


async def _answer(send: Send, status: int, body: dict[str, Any]) -> None:
    """Two ASGI messages built here (no Response object: this path is the crowd's)."""
    replayed = body.pop("replayed", False)
    payload = orjson.dumps(body)
    media = b"application/problem+json" if status >= 400 else b"application/json"
    headers = [(b"content-type", media), (b"content-length", b"%d" % len(payload))]
    if replayed:
        headers.append((b"idempotent-replayed", b"true"))
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    if status == 429:
        headers.append((b"retry-after", str(body.get("retry_after", 1)).encode()))
    if status == 405:
        headers.append((b"allow", b"POST"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def buy(request: Request) -> tuple[int, dict[str, Any]]:
    room = room_of(request)
    authorization, length, key, ticket, cookie = _headers(request.scope)
    try:
        token_hash = digest(_token(authorization))
        client = request.scope.get("client")
        await limits_of(request).check(client[0] if client else "?", token_hash)
        raw = await _body(request, length or "")
        item_id, quantity, ref = _parse(raw)
        if key is not None and not 1 <= len(key) <= 255:
            raise ValidationFailed("Idempotency-Key must be 1-255 characters",
                                   code="bad_idempotency_key")
        facts = await room.batcher.item(item_id)
    except DomainError as exc:
        return exc.status, exc.problem()
    fp = "" if key is None else idempotency.fingerprint("POST", PATH, raw)
    context = order_context(request, ref=ref) if ref or cookie else None
    status, body = await room.buy(facts, BuyRequest(token_hash, quantity, key, fp,
                                                    context or None), ticket)
    return status, dict(body)


def is_buy(scope: Scope) -> bool:
    return scope["type"] == "http" and get_route_path(scope) == PATH


METHOD_NOT_ALLOWED = MethodNotAllowed("send the buy with POST")
INTERNAL_ERROR = InternalError("something went wrong")


async def front_door(scope: Scope, receive: Receive, send: Send) -> None:
    """``/v1/me/flash-orders``, answered before the app's middleware stack and router
    (``api.App``): the stack's layers (error and telemetry wrappers, body limit, NUL check)
    each wrap the request and its ``send``, and the router walks every route; together many
    times what ``buy`` itself spends before its batch. What they give this path is done
    here: an unexpected error is logged and answered 500 ``internal_error``, another method
    than POST 405, a client gone before its body arrived not at all; the body is capped
    (``MAX_BODY``); the path is this exact one (no NUL). Not traced by FastAPI's
    OpenTelemetry integration."""
    if scope["method"] != "POST":
        await _answer(send, METHOD_NOT_ALLOWED.status, METHOD_NOT_ALLOWED.problem())
        return
    try:
        status, body = await buy(Request(scope, receive, send))
    except ClientDisconnect:
        return  # nobody to answer; nothing was decided
    except Exception:
        log.exception("unhandled error")
        status, body = INTERNAL_ERROR.status, INTERNAL_ERROR.problem()
    await _answer(send, status, body)
