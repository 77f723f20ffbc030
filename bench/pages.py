"""Server time per page on the demo data, for the storefront and the console.

Seeds the demo brand plus DAYS of sample history (groups, payments, page views), a live flash
sale and a creator program with CREATORS creators and their links into a fresh SQLite file
(and a fresh PostgreSQL database when reachable), then requests every main page
ROUNDS times in-process (no network, so the time is the server's: routing, queries,
rendering) and prints one JSON object per backend: median and p95 milliseconds per page.
Usage: ``python bench/pages.py [--rounds 30] [--days 14]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from typing import Any

import psycopg
from fastapi.testclient import TestClient

from pintuan import container as containers
from pintuan import demo, migrate
from pintuan.api import create_app
from pintuan.core.clock import FakeClock, SystemClock
from pintuan.core.settings import Settings
from pintuan.creators import service as creators
from pintuan.creators.model import Platform
from pintuan.creators.service import CreatorSpec, HandleSpec, ProgramSpec
from pintuan.flashsale import service as flash
from pintuan.flashsale.model import Limits, Slot
from pintuan.flashsale.service import EventSpec, ItemSpec
from pintuan.groupbuy import deals
from pintuan.web import sample

CREATORS = 20
PG = os.environ.get("PINTUAN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/pintuan_test")


def _client(app: Any) -> TestClient:
    client = TestClient(app, base_url="http://127.0.0.1:8000")
    client.get("/console/signin")
    return client


def _post(client: TestClient, url: str, data: dict[str, str]) -> Any:
    body = {"csrf": client.cookies["pt_csrf"]} | data
    return client.post(url, data=body, follow_redirects=False)


def _flash_and_creators(c: Any, made: demo.Demo, sku: str) -> tuple[str, str]:
    """A flash sale selling now and a program with creators, members and links; their ids."""
    with c.db.write() as session:
        tx = c.tx(session)
        now = tx.now()
        event = flash.create_event(tx, merchant_id=made.merchant_id, spec=EventSpec(
            title="Midnight Longjing", price_rule_days=30, limits=Limits(1, 2, 4),
            slots=[Slot(now, now + timedelta(hours=2))], items=[ItemSpec(sku, 4900, 100)]))
        prog = creators.create_program(tx, merchant_id=made.merchant_id, currency="CNY",
                                       spec=ProgramSpec(name="Tea lovers"))
        for n in range(CREATORS):
            made_creator = creators.create_creator(tx, merchant_id=made.merchant_id,
                                                   spec=CreatorSpec(name=f"Creator {n}", handles=[
                                                       HandleSpec(Platform.RED, f"@c{n}",
                                                                  1000 * (n + 1))]))
            creators.invite(tx, merchant_id=made.merchant_id, program_id=prog.id,
                            creator_id=made_creator.id)
            creators.create_link(tx, merchant_id=made.merchant_id, program_id=prog.id,
                                 creator_id=made_creator.id, destination=None)
        return event.event.id, prog.id


def _pages(app: Any, made: demo.Demo) -> tuple[dict[str, tuple[TestClient, str]], str]:
    slug, deal = made.slug, made.deal_id
    shopper, owner, visitor = _client(app), _client(app), _client(app)
    _post(shopper, f"/s/{slug}/signup", {"email": f"b{uuid.uuid4().hex[:8]}@example.com",
                                          "name": "Bench", "password": "bench password"})
    page = shopper.get(f"/s/{slug}/deals/{deal}").text
    nonce = re.search(r'name="nonce" value="([^"]+)"', page)
    assert nonce
    r = _post(shopper, f"/s/{slug}/deals/{deal}/open", {"nonce": nonce.group(1)})
    order = r.headers["location"]
    order_page = shopper.get(order).text
    token = re.search(r'href="/g/([^"]+)"', order_page)
    assert token
    _post(shopper, order + "/payfor", {})
    link = re.search(r'value="http://[^"]+(/pay/[^"]+)"', shopper.get(order).text)
    assert link
    _post(owner, "/console/signin", {"email": made.staff_email, "password": made.staff_password})
    order_id = order.rsplit("/", 1)[1]
    return {
        "store": (visitor, f"/s/{slug}"), "deal": (visitor, f"/s/{slug}/deals/{deal}"),
        "group": (visitor, f"/g/{token.group(1)}"),
        "poster.svg": (visitor, f"/g/{token.group(1)}/poster.svg"),
        "poster.png": (visitor, f"/g/{token.group(1)}/poster.png"),
        "checkout": (shopper, order), "my orders": (shopper, f"/s/{slug}/orders"),
        "pay for me": (visitor, link.group(1)), "sign in": (visitor, f"/s/{slug}/signin"),
        "console dashboard": (owner, "/console"), "console products": (owner, "/console/products"),
        "console deals": (owner, "/console/deals"), "console groups": (owner, "/console/groups"),
        "console orders": (owner, "/console/orders"),
        "console order": (owner, f"/console/orders/{order_id}"),
        "console keys": (owner, "/console/keys"), "console webhooks": (owner, "/console/webhooks"),
        "console team": (owner, "/console/team"),
        "flash": (visitor, f"/s/{slug}/flash"),
        "console flash sales": (owner, "/console/flash-sales"),
        "console programs": (owner, "/console/programs"),
        "console creators": (owner, "/console/creators"),
        "console commissions": (owner, "/console/commissions"),
        "console payouts": (owner, "/console/payouts"),
    }, order_id


def run(url: str, rounds: int, days: int) -> dict[str, Any]:
    migrate.upgrade(url)
    clock = FakeClock(SystemClock().now())
    settings = Settings(database_url=url, secret_key="bench", run_worker=False,
                        public_url="http://127.0.0.1:8000")
    c = containers.build(settings, clock=clock)
    made = demo.seed(c)
    assert made.deal_id is not None
    with c.db.read() as session:
        sku = deals.get(c.tx(session), merchant_id=made.merchant_id, deal_id=made.deal_id).sku_id
    history = sample.seed(c, clock, merchant_id=made.merchant_id, sku_id=sku, days=days)
    event_id, program_id = _flash_and_creators(c, made, sku)
    app = create_app(c, run_worker=False)
    pages, _ = _pages(app, made)
    owner = pages["console dashboard"][0]
    pages |= {"console flash sale": (owner, f"/console/flash-sales/{event_id}"),
              "console program": (owner, f"/console/programs/{program_id}"),
              "console leaderboard": (owner, f"/console/programs/{program_id}/leaderboard")}
    out: dict[str, Any] = {}
    for name, (client, path) in pages.items():
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            r = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert r.status_code == 200, (name, r.status_code)
        times.sort()
        out[name] = {"median_ms": round(statistics.median(times), 1),
                     "p95_ms": round(times[int(len(times) * 0.95) - 1], 1)}
    c.db.engine.dispose()
    return {"backend": url.split(":", 1)[0], "rounds": rounds, "history_days": days,
            "groups": history.groups, "paid_orders": history.paid_orders,
            "slowest_p95_ms": max(v["p95_ms"] for v in out.values()), "pages": out}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--days", type=int, default=14)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(run(f"sqlite:///{tmp}/bench.db", args.rounds, args.days)))
    name = f"pintuan_pages_{uuid.uuid4().hex[:8]}"
    admin = PG.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return
    try:
        print(json.dumps(run(PG.rsplit("/", 1)[0] + "/" + name, args.rounds, args.days)))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
