"""Console: creator programs (list, create, a program's members, invitations and links),
creators (list, create, tier, audience quality) and the leaderboard of a program."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from pintuan.core.errors import DomainError
from pintuan.core.tx import Tx
from pintuan.creators import audience_store, service, store, views
from pintuan.creators.audience_store import AudienceReportRow
from pintuan.creators.model import AttributionModel, Platform, is_koc, reach, tier_for
from pintuan.creators.service import CreatorSpec, HandleSpec, ProgramSpec
from pintuan.creators.standings import SortBy
from pintuan.creators.store import CreatorRow, HandleRow
from pintuan.http import read, write
from pintuan.web import charts
from pintuan.web.console import Desk, DeskDep
from pintuan.web.forms import Fields
from pintuan.web.pages import form, money, redirect
from pintuan.web.staff import Action

router = APIRouter(include_in_schema=False)
PERIODS = (7, 30, 90)
PLATFORMS = tuple(p.value for p in Platform)
MODELS = tuple(m.value for m in AttributionModel)
PICKER_LIMIT = 500  # creators offered for invitation on a program's page


def _programs(d: Desk, status: int = 200, **values: Any) -> Response:
    rows = read(d.p.c, lambda tx: store.programs(tx, d.merchant.id, after=None, limit=200))
    values["values"] = {"window_days": "30", "holding_days": "7",
                        "attribution_model": "last_click"} | values.get("values", {})
    return d.render("programs.html", status=status, programs=rows, models=MODELS, **values)


@router.get("/console/programs")
def program_list(d: DeskDep) -> Response:
    return _programs(d)


@router.post("/console/programs")
async def create_program(d: DeskDep) -> Response:
    data = await form(d.p)
    d.require(Action.OPERATE)
    f, t = Fields(d.p, data), d.p.t
    spec = ProgramSpec(
        name=f.text("name", t("c.creators.program_name"), max_len=120),
        open_enrolment=data.get("open_enrolment") == "1",
        attribution_model=AttributionModel(f.choice("attribution_model",
                                                    t("c.creators.attribution"), MODELS)),
        window_days=f.integer("window_days", t("c.creators.window_days"), lo=1, hi=365),
        holding_days=f.integer("holding_days", t("c.creators.holding_days"), lo=0, hi=365))
    if f.ok:
        made = write(d.p.c, lambda tx: service.create_program(
            tx, merchant_id=d.merchant.id, currency=d.merchant.currency, spec=spec))
        return redirect(d.p, f"/console/programs/{made.id}")
    return _programs(d, status=422, values=data, errors=f.errors)


@dataclass(frozen=True)
class CreatorLine:
    """A creator as the console lists them: handles, reach, tier, latest audience report."""

    creator: CreatorRow
    handles: list[HandleRow]
    tier: str
    followers: int
    report: AudienceReportRow | None


def creator_lines(tx: Tx, rows: list[CreatorRow]) -> list[CreatorLine]:
    """Two statements for the whole list, whatever its length."""
    ids = {r.id for r in rows}
    handles, reports = store.handles_of(tx, ids), audience_store.latest_of(tx, ids)
    out = []
    for r in rows:
        followers = reach([h.followers for h in handles[r.id]])
        out.append(CreatorLine(r, handles[r.id], tier_for(followers).value, followers,
                               reports.get(r.id)))
    return out


def _program(d: Desk, program_id: str, status: int = 200, **values: Any) -> Response:
    def load(tx: Tx) -> dict[str, Any]:
        prog = service.get_program(tx, merchant_id=d.merchant.id, program_id=program_id)
        members = store.members(tx, prog.id)
        theirs = store.creators_by_id(tx, {m.creator_id for m in members})
        picker = store.creators(tx, d.merchant.id, after=None, limit=PICKER_LIMIT)
        everyone = {c.id: c for c in picker}
        everyone.update(theirs)
        lines = {x.creator.id: x for x in creator_lines(tx, [theirs[m.creator_id]
                                                             for m in members])}
        koc = prog.koc_max_followers
        return {"program": prog, "members": [(m, lines[m.creator_id],
                                              is_koc(lines[m.creator_id].followers, koc))
                                             for m in members],
                "links": views.links_out(tx, store.links_of_program(tx, prog.id)),
                "names": {c.id: c.name for c in everyone.values()},
                "outsiders": [c for c in everyone.values() if c.id not in lines]}
    return d.render("program.html", status=status, **read(d.p.c, load), **values)


@router.get("/console/programs/{program_id}")
def program_page(program_id: str, d: DeskDep) -> Response:
    return _program(d, program_id)


async def _program_action(d: Desk, program_id: str, fields: tuple[str, ...],
                          run: Callable[..., object]) -> Response:
    """A form on a program's page: the program must be the merchant's (else 404); a refusal
    is shown on the form and changes nothing."""
    data = await form(d.p)
    d.require(Action.OPERATE)
    read(d.p.c, lambda tx: service.get_program(tx, merchant_id=d.merchant.id,
                                               program_id=program_id))
    f = Fields(d.p, data)
    got = [f.text(name, d.p.t(f"c.creators.{name}"), max_len=500, required=name == "creator_id")
           for name in fields]
    if f.ok:
        try:
            write(d.p.c, lambda tx: run(tx, *got))
            return redirect(d.p, f"/console/programs/{program_id}")
        except DomainError as exc:
            f.errors["form"] = exc.detail
    return _program(d, program_id, status=422, values=data, errors=f.errors,
                    failed=data.get("form_name", ""))


@router.post("/console/programs/{program_id}/invitations")
async def invite(program_id: str, d: DeskDep) -> Response:
    return await _program_action(d, program_id, ("creator_id",), lambda tx, creator_id:
                                 service.invite(tx, merchant_id=d.merchant.id,
                                                program_id=program_id, creator_id=creator_id))


@router.post("/console/programs/{program_id}/links")
async def create_link(program_id: str, d: DeskDep) -> Response:
    """A link to the given page, or to the store's home page when none is given."""
    home = f"{d.p.c.settings.public_url.rstrip('/')}/s/{d.merchant.slug}"
    return await _program_action(
        d, program_id, ("creator_id", "destination"), lambda tx, creator_id, destination:
        service.create_link(tx, merchant_id=d.merchant.id, program_id=program_id,
                            creator_id=creator_id, destination=destination or home))


def _creators(d: Desk, status: int = 200, **values: Any) -> Response:
    def load(tx: Tx) -> list[CreatorLine]:
        return creator_lines(tx, store.creators(tx, d.merchant.id, after=None, limit=200))
    values["values"] = {"platform": "red", "followers": "0"} | values.get("values", {})
    return d.render("creators.html", status=status, creators=read(d.p.c, load),
                    platforms=PLATFORMS, **values)


@router.get("/console/creators")
def creator_list(d: DeskDep) -> Response:
    return _creators(d)


def _creator_spec(d: Desk, f: Fields) -> CreatorSpec:
    t = d.p.t
    name = f.text("name", t("c.creators.name"), max_len=100)
    email = f.text("email", t("c.creators.email"), max_len=254, required=False)
    if email and "@" not in email:
        f.errors["email"] = t("c.creators.bad_email")
    platform = f.choice("platform", t("c.creators.platform"), PLATFORMS)
    handle = f.text("handle", t("c.creators.handle"), max_len=100, required=False)
    followers = f.integer("followers", t("c.creators.followers"), lo=0, hi=2 * 10**9, default=0)
    handles = [HandleSpec(Platform(platform), handle, followers)] if handle else []
    return CreatorSpec(name=name, email=email or None, handles=handles)


@router.post("/console/creators")
async def create_creator(d: DeskDep) -> Response:
    data = await form(d.p)
    d.require(Action.OPERATE)
    f = Fields(d.p, data)
    spec = _creator_spec(d, f)
    if f.ok:
        try:
            write(d.p.c, lambda tx: service.create_creator(tx, merchant_id=d.merchant.id,
                                                           spec=spec))
            return redirect(d.p, "/console/creators")
        except DomainError as exc:
            f.errors["form"] = exc.detail
    return _creators(d, status=422, values=data, errors=f.errors)


def _leaderboard(tx: Tx, d: Desk, program_id: str, days: int, sort: SortBy) -> dict[str, Any]:
    until = tx.now() + timedelta(microseconds=1)  # the period ends before until: now counts
    prog, rows = service.leaderboard(tx, merchant_id=d.merchant.id, program_id=program_id,
                                     since=until - timedelta(days=days), until=until, sort=sort)
    names = {c.id: c.name for c in store.creators_by_id(tx, {r.creator_id for r in rows})
             .values()}
    cur = prog.currency
    chart = charts.bar_chart([(names[r.creator_id], r.gmv_minor) for r in rows[:10]],
                             title=d.p.t("c.creators.gmv_chart", n=days),
                             fmt=lambda v: money(v, cur))
    return {"program": prog, "rows": rows, "names": names, "chart": chart, "until": until}


@router.get("/console/programs/{program_id}/leaderboard")
def leaderboard(program_id: str, d: DeskDep, days: int = Query(30),
                sort: str = Query("gmv", max_length=20)) -> Response:
    chosen_days = days if days in PERIODS else 30
    chosen = SortBy(sort) if sort in tuple(s.value for s in SortBy) else SortBy.GMV
    values = read(d.p.c, lambda tx: _leaderboard(tx, d, program_id, chosen_days, chosen))
    return d.render("leaderboard.html", days=chosen_days, sort=chosen.value, periods=PERIODS,
                    sorts=[s.value for s in SortBy], **values)
