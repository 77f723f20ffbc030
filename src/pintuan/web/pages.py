"""What every page shares: the request's language, senior mode and CSRF token; rendering;
form reading with CSRF checks; cookies; and HTML answers for errors on page routes."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from pintuan.container import Container
from pintuan.core.errors import DomainError, Forbidden
from pintuan.core.ids import new_token
from pintuan.core.money import Money
from pintuan.web import i18n

LANG_COOKIE, SENIOR_COOKIE, CSRF_COOKIE = "pt_lang", "pt_senior", "pt_csrf"
SHOPPER_COOKIE, STAFF_COOKIE = "pt_session", "pt_staff"
YEAR = 365 * 24 * 3600

env = Environment(loader=PackageLoader("pintuan.web", "templates"),
                  autoescape=select_autoescape(["html", "svg"]), trim_blocks=True,
                  lstrip_blocks=True)


def money(minor: int, currency: str) -> str:
    return Money(minor, currency).format()


def when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


env.filters["when"] = when
env.globals["money"] = money


class CsrfFailed(Forbidden):
    default_code = "csrf_failed"


class SignInRequired(Exception):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


@dataclass
class Page:
    """One request as the page layer sees it."""

    request: Request
    c: Container
    lang: str
    senior: bool
    csrf: str
    new_csrf: bool
    cookies: dict[str, tuple[str, int]] = field(default_factory=dict)

    def t(self, key: str, **values: object) -> str:
        return i18n.translate(self.lang, key, **values)

    @property
    def path(self) -> str:
        query = self.request.url.query
        return self.request.url.path + (f"?{query}" if query else "")

    def set_cookie(self, name: str, value: str, max_age: int = YEAR) -> None:
        self.cookies[name] = (value, max_age)

    def finish(self, response: Response) -> Response:
        secure = self.c.settings.public_url.startswith("https")
        if self.new_csrf:
            response.set_cookie(CSRF_COOKIE, self.csrf, max_age=YEAR, httponly=True,
                                samesite="lax", secure=secure)
        for name, (value, max_age) in self.cookies.items():
            if max_age <= 0:
                response.delete_cookie(name, httponly=True, samesite="lax", secure=secure)
            else:
                response.set_cookie(name, value, max_age=max_age, httponly=True,
                                    samesite="lax", secure=secure)
        return response


def page(request: Request) -> Page:
    c: Container = request.app.state.container
    token = request.cookies.get(CSRF_COOKIE, "")
    fresh = not (20 <= len(token) <= 64)
    return Page(request=request, c=c,
                lang=i18n.pick(request.cookies.get(LANG_COOKIE),
                               request.headers.get("accept-language")),
                senior=request.cookies.get(SENIOR_COOKIE) == "1",
                csrf=new_token(24) if fresh else token, new_csrf=fresh)


PageDep = Annotated[Page, Depends(page)]


def render(p: Page, template: str, status: int = 200, **values: Any) -> Response:
    body = env.get_template(template).render(p=p, t=p.t, **values)
    return p.finish(HTMLResponse(body, status_code=status))


def redirect(p: Page, url: str) -> Response:
    return p.finish(RedirectResponse(url, status_code=303))


def safe_next(url: str | None, default: str) -> str:
    """Only a local path may be a redirect target."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return default
    return url


async def form(p: Page) -> dict[str, str]:
    """The posted form's fields, after the double-submit CSRF check."""
    data = await p.request.form()
    fields = {k: v for k, v in data.items() if isinstance(v, str)}
    sent = fields.pop("csrf", "")
    cookie = p.request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()):
        raise CsrfFailed(p.t("error.csrf"))
    return fields


def error_message(p: Page, exc: DomainError) -> str:
    return p.t("error.csrf") if exc.code == "csrf_failed" else exc.detail


def error_page(request: Request, status: int, message: str) -> Response:
    p = page(request)
    return render(p, "error.html", status=status, message=message)
