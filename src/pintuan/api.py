"""The app factory: mounts every capability's router on one FastAPI app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send

from pintuan import __version__
from pintuan.catalog import api as catalog
from pintuan.container import Container
from pintuan.creators import api as creators
from pintuan.creators import audience_api as creator_audience
from pintuan.creators import bonus_api as creator_bonuses
from pintuan.creators import me_api as creators_me
from pintuan.creators import payout_api as creator_payouts
from pintuan.flashsale import api as flashsale
from pintuan.flashsale import buy_api as flashsale_buy
from pintuan.flashsale import buy_docs
from pintuan.groupbuy import api as groupbuy
from pintuan.http import RejectNul, add_routes, install_error_handlers
from pintuan.merchants import api as merchants
from pintuan.orders import api as orders
from pintuan.payments import api as payments
from pintuan.routing import RouteIndex
from pintuan.shoppers import api as shoppers
from pintuan.web import app as web
from pintuan.webhooks import api as webhooks


class App(FastAPI):
    """The flash buy (``POST /v1/me/flash-orders``, the crowd's request) is answered before
    the middleware stack and the router, by ``buy_api.front_door``. Every other request is
    routed through ``RouteIndex`` once ``index_routes`` has run."""

    index: RouteIndex | None = None

    def index_routes(self) -> None:
        """From now on the router tries only the routes a request's path could match."""
        self.index = RouteIndex(list(self.router.routes))
        self.router.routes[:] = [self.index]

    @property
    def routes(self) -> list[BaseRoute]:
        """Every route (for the OpenAPI schema), the indexed ones as they were listed."""
        if self.index is None:
            return self.router.routes
        return [*self.index.routes, *(r for r in self.router.routes if r is not self.index)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if flashsale_buy.is_buy(scope):
            scope["app"] = self
            await flashsale_buy.front_door(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def create_app(container: Container, *, run_worker: bool | None = None) -> FastAPI:
    start_worker = container.settings.run_worker if run_worker is None else run_worker

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if start_worker:
            container.worker.start()
        yield
        if start_worker:
            container.worker.stop()

    app = App(title="pintuan", version=__version__, lifespan=lifespan,
                  description="Self-hosted social commerce: group buying, flash sales, "
                  "creator programs. Money is in integer minor units.")
    app.state.container = container
    install_error_handlers(app)
    app.add_middleware(RejectNul)
    for module in (merchants, catalog, groupbuy, orders, payments, shoppers, webhooks, flashsale,
                   creators, creators_me, creator_payouts, creator_audience, creator_bonuses):
        add_routes(app, module.router)
    web.install(app)
    buy_docs.install(app)

    @app.get("/healthz", tags=["ops"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    app.index_routes()
    return app
