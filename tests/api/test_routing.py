"""``RouteIndex`` picks the route the router's walk over every route would have picked."""

from __future__ import annotations

import asyncio
import re

import pytest
from fastapi.routing import APIRoute
from fastapi.telemetry._api import _RequestTelemetry
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.routing import BaseRoute, Match, NoMatchFound

from pintuan import container as containers
from pintuan.api import App, create_app
from pintuan.core.settings import Settings
from pintuan.flashsale.buy_api import PATH, is_buy
from pintuan.routing import RouteIndex

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(scope="module")
def app() -> App:
    c = containers.build(Settings(database_url="sqlite://", secret_key="s", run_worker=False))
    made = create_app(c, run_worker=False)
    assert isinstance(made, App)
    return made


def _walk(routes: list[BaseRoute], scope: dict[str, object]) -> tuple[Match, BaseRoute | None]:
    """What Starlette's router does: the first full match, else the first partial one."""
    partial = None
    for route in routes:
        match, _ = route.matches(dict(scope))
        if match == Match.FULL:
            return match, route
        if match == Match.PARTIAL and partial is None:
            partial = route
    return (Match.NONE, None) if partial is None else (Match.PARTIAL, partial)


def _indexed(index: RouteIndex, scope: dict[str, object]) -> tuple[Match, BaseRoute | None]:
    match, child = index.matches(dict(scope))
    return match, child.get("pintuan.route")


def _same(app: App, path: str, root_path: str = "") -> None:
    assert app.index is not None
    for method in METHODS:
        scope = {"type": "http", "method": method, "path": root_path + path,
                 "root_path": root_path, "query_string": b"", "headers": []}
        assert _indexed(app.index, scope) == _walk(app.routes, scope), (method, path)


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}:]+:path\}", "a/b", re.sub(r"\{[^}:]+\}", "x1", path))


def test_every_route_is_found_where_the_walk_finds_it(app: App) -> None:
    assert app.index is not None
    assert app.router.routes == [app.index]
    paths = {_concrete(r.path) for r in app.routes if hasattr(r, "path")}
    assert len(paths) > 100
    for path in sorted(paths):
        for variant in (path, path + "/", path.rsplit("/", 1)[0] or "/", path + "/extra"):
            _same(app, variant)
            _same(app, variant, root_path="/behind-proxy")


def test_the_schema_lists_every_route(app: App) -> None:
    assert app.index is not None
    assert app.routes == app.index.routes
    listed = {(path, method) for path, ops in app.openapi()["paths"].items() for method in ops}
    documented = {(r.path, m.lower()) for r in app.routes
                  if isinstance(r, APIRoute) and r.include_in_schema for m in r.methods}
    assert len(documented) > 80
    assert documented <= listed


def test_the_buy_is_recognised_behind_a_root_path() -> None:
    assert is_buy({"type": "http", "path": PATH, "root_path": ""})
    assert is_buy({"type": "http", "path": "/shop" + PATH, "root_path": "/shop"})
    assert not is_buy({"type": "http", "path": "/shop" + PATH, "root_path": ""})
    assert not is_buy({"type": "http", "path": PATH + "/x", "root_path": ""})
    assert not is_buy({"type": "lifespan"})


def _segments(app: App) -> list[str]:
    found = {s for r in app.routes for s in getattr(r, "path", "").split("/")}
    return [*sorted(s for s in found if "{" not in s), "x1", "", "%00", "V1"]


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_any_path_picks_the_route_the_walk_picks(app: App, data: st.DataObject) -> None:
    parts = data.draw(st.lists(st.sampled_from(_segments(app)), min_size=1, max_size=5))
    _same(app, "/" + "/".join(parts))


def test_telemetry_names_the_route_the_index_picked(app: App) -> None:
    """With FastAPI's OpenTelemetry on, a request's span is named by its route."""
    seen = _RequestTelemetry(span=None, span_method="GET")
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/v1/deals/deal_x", "root_path": "",
             "query_string": b"", "headers": [], "app": app, "fastapi.telemetry": seen}
    asyncio.run(app(scope, receive, send))
    assert seen.route == "/v1/deals/{deal_id}"
    assert sent[0]["status"] == 401  # the route ran: it wants a merchant's key


def test_urls_are_built_through_the_index(app: App) -> None:
    assert app.url_path_for("healthz") == "/healthz"
    assert app.url_path_for("static", path="app.css") == "/static/app.css"
    with pytest.raises(NoMatchFound):
        app.url_path_for("no_such_route")
