"""Shopper sign-up, sign-in and sign-out; display preferences (language, senior mode)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from pintuan.core.errors import DomainError
from pintuan.http import read, write
from pintuan.merchants import service as merchants
from pintuan.shoppers import service as shoppers
from pintuan.web import i18n
from pintuan.web.forms import Fields
from pintuan.web.pages import (
    LANG_COOKIE,
    SENIOR_COOKIE,
    SHOPPER_COOKIE,
    Page,
    PageDep,
    form,
    redirect,
    render,
    safe_next,
)

router = APIRouter(include_in_schema=False)


def _store(p: Page, slug: str, next_url: str | None) -> dict[str, Any]:
    merchant = read(p.c, lambda tx: merchants.merchant_by_slug(tx, slug))
    return {"merchant": merchant, "me": None,
            "next": safe_next(next_url, f"/s/{slug}")}


@router.get("/s/{slug}/signin")
def signin_page(slug: str, p: PageDep, next: str | None = None) -> Response:
    return render(p, "signin.html", values={}, errors={}, **_store(p, slug, next))


@router.get("/s/{slug}/signup")
def signup_page(slug: str, p: PageDep, next: str | None = None) -> Response:
    return render(p, "signup.html", values={}, errors={}, **_store(p, slug, next))


def _session_cookie(p: Page, token: str) -> None:
    p.set_cookie(SHOPPER_COOKIE, token, max_age=p.c.settings.session_days * 24 * 3600)


@router.post("/s/{slug}/signup")
async def signup(slug: str, p: PageDep) -> Response:
    data = await form(p)
    ctx = _store(p, slug, data.get("next"))
    f = Fields(p, data)
    email = f.text("email", p.t("auth.email"), max_len=254, min_len=3)
    name = f.text("name", p.t("auth.name"), max_len=100)
    phone = f.text("phone", p.t("auth.phone"), max_len=32, required=False)
    password = f.text("password", p.t("auth.password"), max_len=200, min_len=8)
    if f.ok:
        try:
            signed = write(p.c, lambda tx: shoppers.sign_up(
                tx, merchant_id=ctx["merchant"].id, email=email, name=name, password=password,
                phone=phone))
            _session_cookie(p, signed.token)
            return redirect(p, ctx["next"])
        except DomainError as exc:
            field = next((n for n in ("email", "phone") if n in exc.code), "form")
            f.errors[field] = exc.detail
    return render(p, "signup.html", status=422, values=data, errors=f.errors, **ctx)


@router.post("/s/{slug}/signin")
async def signin(slug: str, p: PageDep) -> Response:
    data = await form(p)
    ctx = _store(p, slug, data.get("next"))
    f = Fields(p, data)
    email = f.text("email", p.t("auth.email"), max_len=254)
    password = f.text("password", p.t("auth.password"), max_len=200)
    if f.ok:
        try:
            signed = write(p.c, lambda tx: shoppers.sign_in(
                tx, merchant_id=ctx["merchant"].id, email=email, password=password))
            _session_cookie(p, signed.token)
            return redirect(p, ctx["next"])
        except DomainError as exc:
            f.errors["form"] = exc.detail
    return render(p, "signin.html", status=422, values=data, errors=f.errors, **ctx)


@router.post("/s/{slug}/signout")
async def signout(slug: str, p: PageDep) -> Response:
    await form(p)
    p.set_cookie(SHOPPER_COOKIE, "", max_age=0)
    return redirect(p, f"/s/{slug}")


@router.post("/prefs")
async def prefs(p: PageDep) -> Response:
    """Language and senior mode, remembered for a year; back to the page it was set on."""
    data = await form(p)
    if data.get("lang") in i18n.LANGS:
        p.set_cookie(LANG_COOKIE, data["lang"])
    if data.get("senior") in ("0", "1"):
        p.set_cookie(SENIOR_COOKIE, data["senior"])
    return redirect(p, safe_next(data.get("next"), "/"))


