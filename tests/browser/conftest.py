"""Browser tests: real headless Chromium (Debian's) driven by Playwright against a real
pintuan server process on a fresh SQLite file seeded with the demo brand."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from pintuan import container as containers
from pintuan import demo, migrate
from pintuan.core.clock import FakeClock, SystemClock
from pintuan.core.settings import Settings
from pintuan.groupbuy import deals
from pintuan.groupbuy.deals import DealSpec
from pintuan.groupbuy.model import Overflow
from pintuan.web import sample
from tests.concurrency.conftest import Server, free_port
from tests.databases import fresh_database

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

pytestmark = pytest.mark.browser


@dataclass
class Site:
    url: str
    slug: str
    demo_deal: str
    pair_deal: str
    owner_email: str
    owner_password: str


def _seed(url: str, public_url: str, history_days: int) -> Site:
    settings = Settings(database_url=url, secret_key="browser-secret", public_url=public_url)
    clock = FakeClock(SystemClock().now())
    c = containers.build(settings, clock=clock)
    made = demo.seed(c)
    assert made.deal_id is not None
    with c.db.write() as session:
        tx = c.tx(session)
        first = deals.get(tx, merchant_id=made.merchant_id, deal_id=made.deal_id)
        now = tx.now()
        pair = deals.create(tx, merchant_id=made.merchant_id, spec=DealSpec(
            sku_id=first.sku_id, title="Longjing for two", group_price_minor=9800,
            leader_price_minor=None, team_size=2, join_window_seconds=3600, starts_at=now,
            ends_at=now + timedelta(days=3), per_order_limit=1, per_shopper_limit=2, quota=50,
            virtual_fill_min_paid=None, overflow=Overflow.REJECT, location_id=None))
    if history_days:
        sample.seed(c, clock, merchant_id=made.merchant_id, sku_id=first.sku_id,
                    days=history_days)
    c.db.dispose()
    return Site(url=public_url, slug=made.slug, demo_deal=made.deal_id, pair_deal=pair.id,
                owner_email=made.staff_email, owner_password=made.staff_password)


@contextmanager
def _database(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Iterator[str]:
    """A fresh SQLite file, or a fresh PostgreSQL database dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('browser') / 'shop.db'}"
        return
    with fresh_database("postgres", "pintuan_browser") as url:
        yield url


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory,
         request: pytest.FixtureRequest) -> Iterator[Site]:
    """A fresh shop per test module, on the module's BACKEND (SQLite unless it says
    "postgres"); a module's HISTORY_DAYS adds past sales for the charts."""
    with _database(tmp_path_factory, getattr(request.module, "BACKEND", "sqlite")) as url:
        yield from _serve(url, getattr(request.module, "HISTORY_DAYS", 0))


def _serve(url: str, history_days: int) -> Iterator[Site]:
    migrate.upgrade(url)
    public = f"http://127.0.0.1:{free_port()}"
    seeded = _seed(url, public, history_days)
    env = os.environ | {"PINTUAN_DATABASE_URL": url, "PINTUAN_SECRET_KEY": "browser-secret",
                        "PINTUAN_PUBLIC_URL": public, "PINTUAN_WORKER_INTERVAL_SECONDS": "0.1",
                        "PINTUAN_SSE_POLL_SECONDS": "0.2"}
    server = Server(url=public, database_url=url, env=env)
    server.start()
    try:
        yield seeded
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield launched
        launched.close()


class People:
    """Fresh browser contexts (own cookies), closed at the end of the test."""

    def __init__(self, browser: Browser, site: Site) -> None:
        self.browser, self.site = browser, site
        self.contexts: list[BrowserContext] = []

    def new(self, *, phone: bool = True, **kw: Any) -> Page:
        ctx = self.browser.new_context(viewport=PHONE if phone else DESKTOP,
                                       base_url=self.site.url, **kw)
        self.contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        return page

    def close(self) -> None:
        for ctx in self.contexts:
            ctx.close()


@pytest.fixture
def people(browser: Browser, site: Site) -> Iterator[People]:
    made = People(browser, site)
    yield made
    made.close()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


_n = iter(range(1, 10_000))


def sign_up(page: Page, site: Site, name: str) -> None:
    page.goto(f"/s/{site.slug}/signup")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(f"{name.lower()}{next(_n)}{os.getpid()}@example.com")
    page.get_by_label("Password").fill("correct horse")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"**/s/{site.slug}")


def pay_in_sandbox(page: Page) -> None:
    page.wait_for_url("**/sandbox/checkout/**")
    page.get_by_role("button", name="Approve payment").click()
