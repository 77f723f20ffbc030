"""The merchant console: staff sign-in, the signed-in desk every console page works from,
and the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from pintuan.core.errors import DomainError, Unauthorized
from pintuan.core.tx import Tx
from pintuan.groupbuy import store as gb_store
from pintuan.http import read, write
from pintuan.merchants import service as merchants
from pintuan.merchants.store import MerchantRow
from pintuan.web import charts, metrics, staff
from pintuan.web.forms import Fields
from pintuan.web.pages import (
    STAFF_COOKIE,
    Page,
    PageDep,
    SignInRequired,
    form,
    money,
    redirect,
    render,
    safe_next,
)
from pintuan.web.staff import Action
from pintuan.web.store import StaffRow

router = APIRouter(include_in_schema=False)
DAYS = 30
Translate = Callable[..., str]


@dataclass(frozen=True)
class Desk:
    """A signed-in staff member at their merchant's console."""

    p: Page
    staff: StaffRow
    merchant: MerchantRow

    def can(self, action: str) -> bool:
        return Action(action) in staff.ALLOWED[staff.Role(self.staff.role)]

    def require(self, action: Action) -> None:
        staff.check(self.staff.role, action)

    def render(self, template: str, status: int = 200, **values: Any) -> Response:
        """A console page; forms on it start empty unless values and errors are given."""
        values = {"values": {}, "errors": {}} | values
        return render(self.p, f"console/{template}", status=status, d=self, **values)


def desk(p: PageDep) -> Desk:
    token = p.request.cookies.get(STAFF_COOKIE, "")

    def load(tx: Tx) -> Desk:
        row = staff.authenticate(tx, token=token)
        return Desk(p=p, staff=row, merchant=merchants.merchant(tx, row.merchant_id))
    try:
        return read(p.c, load)
    except Unauthorized:
        raise SignInRequired(f"/console/signin?next={quote(p.path, safe='')}") from None


DeskDep = Annotated[Desk, Depends(desk)]


@router.get("/console/signin")
def signin_page(p: PageDep, next: str | None = None) -> Response:
    return render(p, "console/signin.html", values={}, errors={},
                  next=safe_next(next, "/console"))


@router.post("/console/signin")
async def signin(p: PageDep) -> Response:
    data = await form(p)
    f = Fields(p, data)
    email = f.text("email", p.t("auth.email"), max_len=254)
    password = f.text("password", p.t("auth.password"), max_len=200)
    target = safe_next(data.get("next"), "/console")
    if f.ok:
        try:
            signed = write(p.c, lambda tx: staff.sign_in(tx, email=email, password=password))
            p.set_cookie(STAFF_COOKIE, signed.token, max_age=p.c.settings.session_days * 86400)
            return redirect(p, target)
        except DomainError as exc:
            f.errors["form"] = exc.detail
    return render(p, "console/signin.html", status=422, values=data, errors=f.errors,
                  next=target)


@router.post("/console/signout")
async def signout(p: PageDep) -> Response:
    await form(p)
    token = p.request.cookies.get(STAFF_COOKIE, "")
    if token:
        write(p.c, lambda tx: staff.sign_out(tx, token=token))
    p.set_cookie(STAFF_COOKIE, "", max_age=0)
    return redirect(p, "/console/signin")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes = int(seconds // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def _dashboard(tx: Tx, merchant: MerchantRow, t: Translate) -> dict[str, Any]:
    now = tx.now()
    since = datetime(now.year, now.month, now.day, tzinfo=now.tzinfo) - timedelta(days=DAYS - 1)
    sales = metrics.daily_sales(tx, merchant.id, since)
    groups = metrics.group_stats(tx, merchant.id, since)
    funnel = metrics.funnel(tx, merchant.id, since)
    top = metrics.top_products(tx, merchant.id, since)
    cur = merchant.currency

    def fmt_money(v: int) -> str:
        return money(v, cur)

    rate = groups.success_rate
    return {
        "gmv": fmt_money(sum(d.gmv_minor for d in sales)),
        "orders": sum(d.orders for d in sales), "groups": groups,
        "success": "-" if rate is None else f"{rate:.0%}",
        "fill": _duration(groups.avg_fill_seconds),
        "live_deals": len(gb_store.live_deals(tx, merchant.id, now)),
        "gmv_chart": charts.line_chart([(d.day, d.gmv_minor) for d in sales],
                                       title=t("c.dash.gmv_chart", n=DAYS), fmt=fmt_money,
                                       floor=100),
        "orders_chart": charts.line_chart([(d.day, d.orders) for d in sales],
                                          title=t("c.dash.orders_chart", n=DAYS), fmt=str),
        "funnel_chart": charts.bar_chart(
            [(t("c.dash.views"), funnel.views), (t("c.dash.opened"), funnel.groups_opened),
             (t("c.dash.seats"), funnel.seats), (t("c.dash.paid"), funnel.paid)],
            title=t("c.dash.funnel_chart", n=DAYS), fmt=str),
        "top_chart": charts.bar_chart([(x.title, x.revenue_minor) for x in top],
                                      title=t("c.dash.top_chart"), fmt=fmt_money),
        "top": top, "funnel": funnel, "now": now,
        "deals": gb_store.deals(tx, merchant.id, after=None, limit=10),
    }


@router.get("/console")
def dashboard(d: DeskDep) -> Response:
    return d.render("dashboard.html", **read(d.p.c, lambda tx: _dashboard(tx, d.merchant, d.p.t)))
