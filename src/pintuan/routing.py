"""The app's routes indexed by the literal segments their paths start with.

Starlette (and FastAPI 0.165 on top of it) routes a request by trying every route in order
until one matches: with this app's ~170 routes, ~1-2 us each, a request for a route listed
late paid a few hundred microseconds of CPU before its handler started. ``RouteIndex`` is the
one route the app's router sees: it looks up the request path's first segments in a tree
built from the route paths, and tries in their order only the routes that could match.

A level of the tree is split by a path segment only when every route there has that
segment as plain text (no ``{param}``, not a mount, whose paths go deeper than its own), so
two routes in different branches can never match the same path and first-match order is
kept within each branch. ``App.routes`` still lists every route (the OpenAPI schema, tests).
"""

from __future__ import annotations

from typing import Any

from fastapi.telemetry._api import _route_selected
from starlette._utils import get_route_path
from starlette.datastructures import URLPath
from starlette.routing import BaseRoute, Match, Mount, NoMatchFound, Route
from starlette.types import Receive, Scope, Send

Tree = dict[str, "Tree"] | list[BaseRoute]
_CHOSEN = "pintuan.route"
SMALL = 4  # a branch this small is tried in order, not split further


def _segment(parts: list[str], depth: int) -> str:
    return parts[depth] if len(parts) > depth else ""


def _key(route: BaseRoute, depth: int) -> str | None:
    """The route's path segment at ``depth`` ("" past the end of a route's path), or None
    when paths that segment cannot tell apart may match it (a parameter, or past the end of
    a mount's path: the mount matches anything below it)."""
    if isinstance(route, Mount):
        parts = route.path.split("/")
        segment = parts[depth] if depth < len(parts) else None
    elif isinstance(route, Route):
        segment = _segment(route.path.split("/"), depth)
    else:
        return None
    return None if segment is None or "{" in segment else segment


def _tree(routes: list[BaseRoute], depth: int) -> Tree:
    keys = [_key(r, depth) for r in routes]
    if len(routes) <= SMALL or any(k is None for k in keys):
        return routes
    branches: dict[str, list[BaseRoute]] = {}
    for route, key in zip(routes, keys, strict=True):
        assert key is not None
        branches.setdefault(key, []).append(route)
    return {key: _tree(branch, depth + 1) for key, branch in branches.items()}


class RouteIndex(BaseRoute):
    def __init__(self, routes: list[BaseRoute]) -> None:
        self.routes = routes
        self.tree = _tree(routes, 1)

    def candidates(self, path: str) -> list[BaseRoute]:
        """The routes that could match ``path``, in their order."""
        node, parts, depth = self.tree, path.split("/"), 1
        while isinstance(node, dict):
            found = node.get(_segment(parts, depth))
            if found is None:
                return []
            node, depth = found, depth + 1
        return node

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        partial: Scope | None = None
        for route in self.candidates(get_route_path(scope)):
            match, child = route.matches(scope)
            if match == Match.FULL:
                return match, {**child, _CHOSEN: route}
            if match == Match.PARTIAL and partial is None:
                partial = {**child, _CHOSEN: route}
        return (Match.NONE, {}) if partial is None else (Match.PARTIAL, partial)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        route: BaseRoute = scope.pop(_CHOSEN)
        # FastAPI's native telemetry names a request's span by the route the router picked,
        # which is this index: name it by the route the index picked (FastAPI is pinned)
        _route_selected(scope=scope, path=getattr(route, "path_format", None),
                        mount=isinstance(route, Mount))
        await route.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                continue
        raise NoMatchFound(name, path_params)
