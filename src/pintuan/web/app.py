"""Mounts the storefront, the console and their static files on the app, and answers errors
on page routes as pages (the API keeps answering problem+json)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from pintuan.core.errors import DomainError
from pintuan.http import add_routes
from pintuan.web import (
    account,
    checkout,
    console,
    console_catalog,
    console_creators,
    console_dev,
    console_flash,
    console_payouts,
    console_sales,
    poster,
    storefront,
    storefront_flash,
)
from pintuan.web.pages import SignInRequired, error_message, error_page, page

PAGE_PREFIXES = ("/s/", "/g/", "/pay/", "/prefs", "/console")
Handler = Callable[[Request, Exception], Awaitable[Response]]


def is_page(path: str) -> bool:
    return path.startswith(PAGE_PREFIXES)


def _message(request: Request, exc: Exception) -> tuple[int, str]:
    if isinstance(exc, DomainError):
        return exc.status, error_message(page(request), exc)
    if isinstance(exc, RequestValidationError):
        return 422, "; ".join(f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg')}"
                              for e in exc.errors())
    assert isinstance(exc, StarletteHTTPException)
    return exc.status_code, str(exc.detail)


def _as_page(app: FastAPI, exc_type: type[Exception]) -> None:
    inner: Handler = app.exception_handlers[exc_type]  # type: ignore[assignment]

    async def handler(request: Request, exc: Exception) -> Response:
        if not is_page(request.url.path):
            return await inner(request, exc)
        status, message = _message(request, exc)
        return error_page(request, status, message)

    app.exception_handlers[exc_type] = handler


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(packages=[("pintuan.web", "static")]), name="static")
    for module in (storefront, storefront_flash, checkout, account, poster, console,
                   console_catalog, console_sales, console_flash, console_creators,
                   console_payouts, console_dev):
        add_routes(app, module.router)
    for exc_type in (DomainError, RequestValidationError, StarletteHTTPException):
        _as_page(app, exc_type)

    @app.exception_handler(SignInRequired)
    async def _sign_in(_: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(exc.url, status_code=303)
