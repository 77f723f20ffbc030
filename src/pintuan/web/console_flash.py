"""Console: flash sales. List events, schedule one (a slot and an item), follow an event's
live counters, and read its report with charts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from pintuan.core.errors import DomainError
from pintuan.core.tx import Tx
from pintuan.flashsale import service as flash
from pintuan.flashsale import store as flash_store
from pintuan.flashsale.model import MAX_PRICE_RULE_DAYS, Limits, Slot, countdown, state
from pintuan.flashsale.service import EventSpec, ItemSpec
from pintuan.http import read, write
from pintuan.web import charts, flash_report
from pintuan.web.console import Desk, DeskDep
from pintuan.web.console_sales import sku_choices
from pintuan.web.forms import Fields
from pintuan.web.pages import form, redirect
from pintuan.web.staff import Action

router = APIRouter(include_in_schema=False)
LIMIT = 10_000
# Which field a refusal of the flash-sale service belongs to.
ERROR_FIELDS = {"sku_not_found": "sku_id", "price_not_below_prior_lowest": "sale_price",
                "bad_price": "sale_price", "insufficient_stock": "quota",
                "bad_limits": "per_order_limit", "bad_slots": "ends_at",
                "slots_in_past": "ends_at", "overlapping_slots": "ends_at"}


def _list(d: Desk, status: int = 200, **values: Any) -> Response:
    def load(tx: Tx) -> dict[str, Any]:
        rows = flash_store.events(tx, d.merchant.id, after=None, limit=100)
        return {"events": [flash.view(tx, e) for e in rows], "now": tx.now(),
                "skus": sku_choices(tx, d.merchant.id)}
    data = read(d.p.c, load)
    now = data["now"]
    defaults = {"starts_at": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                "ends_at": (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                "quota": "100", "per_order_limit": "1", "per_slot_limit": "1",
                "per_event_limit": "1", "price_rule_days": "30"}
    values["values"] = defaults | values.get("values", {})
    return d.render("flash_sales.html", status=status, **data, **values)


@router.get("/console/flash-sales")
def event_list(d: DeskDep) -> Response:
    return _list(d)


def _spec(d: Desk, f: Fields) -> EventSpec:
    t = d.p.t
    sale = f.money("sale_price", t("c.flash.sale_price"))
    limits = Limits(f.integer("per_order_limit", t("c.flash.per_order"), lo=1, hi=LIMIT),
                    f.integer("per_slot_limit", t("c.flash.per_slot"), lo=1, hi=LIMIT),
                    f.integer("per_event_limit", t("c.flash.per_event"), lo=1, hi=LIMIT))
    slot = Slot(f.when("starts_at", t("c.flash.starts")), f.when("ends_at", t("c.flash.ends")))
    item = ItemSpec(f.text("sku_id", t("c.sku"), max_len=40), sale or 0,
                    f.integer("quota", t("c.flash.quota"), lo=1, hi=10_000_000))
    return EventSpec(title=f.text("title", t("c.title"), max_len=200),
                     price_rule_days=f.integer("price_rule_days", t("c.flash.price_rule_days"),
                                               lo=1, hi=MAX_PRICE_RULE_DAYS),
                     limits=limits, slots=[slot], items=[item])


@router.post("/console/flash-sales")
async def create_event(d: DeskDep) -> Response:
    data = await form(d.p)
    d.require(Action.OPERATE)
    f = Fields(d.p, data)
    spec = _spec(d, f)
    if f.ok:
        try:
            made = write(d.p.c, lambda tx: flash.create_event(tx, merchant_id=d.merchant.id,
                                                              spec=spec))
            return redirect(d.p, f"/console/flash-sales/{made.event.id}")
        except DomainError as exc:
            f.errors[ERROR_FIELDS.get(exc.code, "form")] = exc.detail
    return _list(d, status=422, values=data, errors=f.errors)


def _event(tx: Tx, d: Desk, event_id: str) -> dict[str, Any]:
    view, reports = flash.report(tx, merchant_id=d.merchant.id, event_id=event_id)
    now = tx.now()
    slots = [(s, state(Slot(s.starts_at, s.ends_at), now).value,
              countdown(Slot(s.starts_at, s.ends_at), now)) for s in view.slots]
    return {"view": view, "slots": slots, "now": now,
            "reports": [flash_report.item_figures(r) for r in reports],
            "charts": [(r.item.title, _charts(d, r)) for r in reports]}


def _charts(d: Desk, r: flash.ItemReport) -> tuple[Any, Any]:
    t = d.p.t
    span, points = flash_report.sales_series(r.per_second)
    per = t("c.flash.per_second") if span == 1 else t("c.flash.per_seconds", n=span)
    sales = charts.line_chart(points, title=t("c.flash.sales_chart", per=per), fmt=str,
                              tick=str)
    outcomes = flash_report.outcomes(r)
    reasons = charts.bar_chart([(t(f"c.flash.reason.{k}") if k in flash_report.KNOWN else k, v)
                                for k, v in outcomes],
                               title=t("c.flash.outcomes_chart"), fmt=str)
    return sales, reasons


@router.get("/console/flash-sales/{event_id}")
def event_page(event_id: str, d: DeskDep) -> Response:
    values = read(d.p.c, lambda tx: _event(tx, d, event_id))
    return d.render("flash_sale.html", **values)
