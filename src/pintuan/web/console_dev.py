"""Console for owners: API keys, webhook endpoints with their recent deliveries, and the staff
team. A new key's or endpoint's secret is shown once, on the page that answers its creation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from pintuan.core import delivery
from pintuan.core.errors import DomainError
from pintuan.core.tx import Tx
from pintuan.http import read, write
from pintuan.merchants import service as merchants
from pintuan.merchants import store as merchant_store
from pintuan.web import staff, store
from pintuan.web.console import Desk, DeskDep
from pintuan.web.forms import Fields
from pintuan.web.pages import form, redirect
from pintuan.web.staff import Action
from pintuan.webhooks import service as webhooks
from pintuan.webhooks import store as webhook_store

router = APIRouter(include_in_schema=False)


def _keys(d: Desk, status: int = 200, **values: Any) -> Response:
    d.require(Action.DEVELOP)
    keys = read(d.p.c, lambda tx: merchant_store.list_keys(tx, d.merchant.id))
    return d.render("keys.html", status=status, keys=keys, **values)


@router.get("/console/keys")
def keys(d: DeskDep) -> Response:
    return _keys(d)


@router.post("/console/keys")
async def issue_key(d: DeskDep) -> Response:
    data = await form(d.p)
    d.require(Action.DEVELOP)
    f = Fields(d.p, data)
    label = f.text("label", d.p.t("c.f.label"), max_len=100)
    if not f.ok:
        return _keys(d, status=422, values=data, errors=f.errors)
    issued = write(d.p.c, lambda tx: merchants.issue_key(tx, merchant_id=d.merchant.id,
                                                         label=label))
    return _keys(d, status=201, secret=issued.secret)


@router.post("/console/keys/{key_id}/revoke")
async def revoke_key(key_id: str, d: DeskDep) -> Response:
    await form(d.p)
    d.require(Action.DEVELOP)
    write(d.p.c, lambda tx: merchants.revoke_key(tx, merchant_id=d.merchant.id, key_id=key_id))
    return redirect(d.p, "/console/keys")


def _hooks(d: Desk, status: int = 200, **values: Any) -> Response:
    d.require(Action.DEVELOP)

    def load(tx: Tx) -> dict[str, Any]:
        return {"endpoints": webhook_store.of_merchant(tx, d.merchant.id),
                "deliveries": delivery.page(tx, merchant_id=d.merchant.id,
                                            target_prefix=webhooks.TARGET, after=None, limit=20)}
    return d.render("webhooks.html", status=status, **read(d.p.c, load), **values)


@router.get("/console/webhooks")
def hooks(d: DeskDep) -> Response:
    return _hooks(d)


@router.post("/console/webhooks")
async def create_hook(d: DeskDep) -> Response:
    data = await form(d.p)
    d.require(Action.DEVELOP)
    f = Fields(d.p, data)
    url = f.text("url", d.p.t("c.f.url"), max_len=500, min_len=8)
    raw = f.text("events", d.p.t("c.f.events"), max_len=2000, required=False) or "*"
    events = sorted({e.strip() for e in raw.split(",") if e.strip()})
    if f.ok:
        try:
            made = write(d.p.c, lambda tx: webhooks.create(tx, merchant_id=d.merchant.id,
                                                           url=url, events=events))
            return _hooks(d, status=201, secret=made.secret)
        except DomainError as exc:
            f.errors["url" if exc.code == "bad_webhook_url" else "form"] = exc.detail
    return _hooks(d, status=422, values=data, errors=f.errors)


@router.post("/console/webhooks/{endpoint_id}/disable")
async def disable_hook(endpoint_id: str, d: DeskDep) -> Response:
    await form(d.p)
    d.require(Action.DEVELOP)
    write(d.p.c, lambda tx: webhooks.disable(tx, merchant_id=d.merchant.id,
                                             endpoint_id=endpoint_id))
    return redirect(d.p, "/console/webhooks")


def _team(d: Desk, status: int = 200, **values: Any) -> Response:
    d.require(Action.DEVELOP)
    members = read(d.p.c, lambda tx: store.staff_of(tx, d.merchant.id))
    return d.render("team.html", status=status, members=members,
                    roles=[r.value for r in staff.Role], **values)


@router.get("/console/team")
def team(d: DeskDep) -> Response:
    return _team(d)


@router.post("/console/team")
async def add_member(d: DeskDep) -> Response:
    """The owner adds a staff member with a role and a first password to hand over."""
    data = await form(d.p)
    d.require(Action.DEVELOP)
    f = Fields(d.p, data)
    email = f.text("email", d.p.t("auth.email"), max_len=254, min_len=3)
    name = f.text("name", d.p.t("c.f.name"), max_len=100)
    role = f.choice("role", d.p.t("c.f.role"), tuple(r.value for r in staff.Role))
    password = f.text("password", d.p.t("c.f.first_password"), max_len=200, min_len=8)
    if f.ok:
        try:
            write(d.p.c, lambda tx: staff.create(tx, merchant_id=d.merchant.id, email=email,
                                                 name=name, password=password,
                                                 role=staff.Role(role)))
            return redirect(d.p, "/console/team")
        except DomainError as exc:
            f.errors["email"] = exc.detail
    return _team(d, status=422, values=data, errors=f.errors)
