"""HTTP glue shared by every router: errors as problem+json, auth, units of work."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from pintuan.container import Container
from pintuan.core import idempotency
from pintuan.core.errors import DomainError, Unauthorized
from pintuan.core.tx import Tx
from pintuan.merchants import service as merchants
from pintuan.shoppers import service as shoppers

log = logging.getLogger("pintuan.http")
PROBLEM = "application/problem+json"
REF_COOKIE = "pt_ref"
T = TypeVar("T")


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": f"https://pintuan.dev/problems/{code}", "title": title, "status": status,
            "detail": detail, "code": code, **extra}
    return JSONResponse(jsonable_encoder(body), status_code=status, media_type=PROBLEM)


def add_routes(app: FastAPI, router: APIRouter) -> None:
    """The router's routes, added to the app's own list. FastAPI 0.165's ``include_router``
    keeps a router as one route that, for every request reaching it, walks all of its routes
    with per-candidate bookkeeping, once to match and again to handle: behind 25 included
    routers, a request to ``/healthz`` spent ~700 us of CPU in routing. A route made by an
    ``APIRouter`` already carries the router's prefix, tags and schema flag. What
    ``include_router`` would add, this app does not use, and a router that needs it is
    refused here: router-wide dependencies, responses or callbacks, startup and shutdown
    handlers. (FastAPI's ``app.dependency_overrides`` do not reach these routes: pintuan's
    dependencies come from its ``Container``, which tests build as they need.)"""
    if router.dependencies or router.responses or router.callbacks or router.on_startup \
            or router.on_shutdown:
        raise ValueError("add_routes takes routers without router-wide settings")
    app.router.routes.extend(router.routes)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(jsonable_encoder(exc.problem()), status_code=exc.status,
                            media_type=PROBLEM, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""),
                   "type": e.get("type", "")} for e in exc.errors()]
        malformed = any(e["type"] == "json_invalid" for e in errors)
        return problem(422, "malformed_json" if malformed else "invalid_request",
                       "Invalid request", "the request body or parameters are not valid",
                       errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return problem(exc.status_code, code, str(exc.detail), str(exc.detail))

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem(500, "internal_error", "Internal error", "something went wrong")


class RejectNul:
    """ASGI middleware: a path or query string holding a NUL is refused before any route runs
    (PostgreSQL cannot compare or store text with NUL; request bodies are checked by
    ``schemas.Request``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and ("\x00" in scope["path"]
                                        or b"%00" in scope["query_string"]):
            reply = problem(422, "invalid_request", "Invalid request",
                            "the path or query string holds a NUL character")
            await reply(scope, receive, send)
            return
        await self.app(scope, receive, send)


def container(request: Request) -> Container:
    found: Container = request.app.state.container
    return found


ContainerDep = Annotated[Container, Depends(container)]


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("send 'Authorization: Bearer <token>'", code="missing_credentials")
    return token.strip()


@dataclass(frozen=True)
class MerchantPrincipal:
    merchant_id: str
    currency: str
    key_id: str


@dataclass(frozen=True)
class ShopperPrincipal:
    shopper_id: str
    merchant_id: str
    name: str


def merchant_principal(request: Request, c: ContainerDep) -> MerchantPrincipal:
    secret = _bearer(request)
    with c.db.read() as session:
        tx = c.tx(session)
        key = merchants.authenticate(tx, secret=secret)
        merchant = merchants.merchant(tx, key.merchant_id)
        return MerchantPrincipal(merchant_id=merchant.id, currency=merchant.currency,
                                 key_id=key.id)


def shopper_principal(request: Request, c: ContainerDep) -> ShopperPrincipal:
    token = _bearer(request)
    with c.db.read() as session:
        shopper = shoppers.authenticate(c.tx(session), token=token)
        return ShopperPrincipal(shopper_id=shopper.id, merchant_id=shopper.merchant_id,
                                name=shopper.name)


Merchant = Annotated[MerchantPrincipal, Depends(merchant_principal)]
Shopper = Annotated[ShopperPrincipal, Depends(shopper_principal)]


async def raw_body(request: Request) -> bytes:
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]


def read(c: Container, action: Callable[[Tx], T]) -> T:
    with c.db.read() as session:
        return action(c.tx(session))


def write(c: Container, action: Callable[[Tx], T]) -> T:
    with c.db.write() as session:
        return action(c.tx(session))


def write_idempotent(c: Container, request: Request, body: bytes, *, scope: str,
                     action: Callable[[Tx], Any], status: int = 201) -> JSONResponse:
    """Run a creating POST once per Idempotency-Key; replays carry ``Idempotent-Replayed``."""
    key = request.headers.get("idempotency-key")
    ran: list[bool] = []

    def run(tx: Tx) -> idempotency.Outcome:
        ran.append(True)
        return status, jsonable_encoder(action(tx))

    fp = idempotency.fingerprint(request.method, request.url.path, body)
    code, payload = idempotency.run(c.db, c.tx, scope=scope, key=key, request_fingerprint=fp,
                                    action=run)
    headers = {"Idempotent-Replayed": "true"} if key is not None and not ran else {}
    media = PROBLEM if code >= 400 else "application/json"
    return JSONResponse(payload, status_code=code, media_type=media, headers=headers)


def order_context(request: Request, *, ref: str | None = None,
                  code: str | None = None) -> dict[str, str]:
    """What an order-creating request hands to order listeners: the referral visitor (the
    ``pt_ref`` cookie a referral link set, or ``ref`` from clients without cookies) and a
    creator code typed at checkout."""
    context: dict[str, str] = {}
    visitor = ref or request.cookies.get(REF_COOKIE)
    if visitor:
        context["visitor"] = visitor
    if code:
        context["code"] = code
    return context
