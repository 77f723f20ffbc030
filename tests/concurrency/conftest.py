"""A real pintuan server process on a fresh PostgreSQL database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from pintuan import container as containers
from pintuan import migrate
from pintuan.core.settings import Settings
from pintuan.merchants import service as merchants
from tests.databases import drop_database, make_database


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    database_url: str
    env: dict[str, str]
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "pintuan.asgi:app", "--host", "127.0.0.1",
             "--port", self.url.rsplit(":", 1)[1], "--log-level", "warning"],
            env=self.env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc = None


@pytest.fixture
def server() -> Iterator[Server]:
    db_url = make_database("postgres", "pintuan_conc")
    migrate.upgrade(db_url)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = os.environ | {"PINTUAN_DATABASE_URL": db_url, "PINTUAN_SECRET_KEY": "conc-secret",
                        "PINTUAN_PUBLIC_URL": url, "PINTUAN_WORKER_INTERVAL_SECONDS": "0.1"}
    srv = Server(url=url, database_url=db_url, env=env)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()
        drop_database(db_url)


def setup_deal(client: httpx.Client, admin: dict[str, str], *, code: str, stock: int,
               **deal: object) -> tuple[str, str]:
    """A product with one SKU, its stock, and a live deal on it; returns (sku id, deal id)."""
    r = client.post("/v1/products", headers=admin, json={
        "title": "Tea", "skus": [{"code": code, "title": "Tin", "list_price_minor": 9900}]})
    sku = r.json()["skus"][0]["id"]
    client.post(f"/v1/skus/{sku}/stock/receive", headers=admin, json={"quantity": stock})
    now = datetime.now(UTC)
    body = {"sku_id": sku, "title": "Deal", "group_price_minor": 5900,
            "starts_at": now.isoformat(), "ends_at": (now + timedelta(days=1)).isoformat()}
    r = client.post("/v1/deals", headers=admin, json=body | deal)
    assert r.status_code == 201, r.text
    return sku, r.json()["id"]


def merchant(server: Server, slug: str = "race-tea") -> tuple[str, dict[str, str]]:
    """A merchant made straight in the server's database; returns (slug, auth header)."""
    c = containers.build(Settings(database_url=server.database_url, secret_key="conc-secret"))
    with c.db.write() as session:
        tx = c.tx(session)
        m = merchants.create_merchant(tx, name="Race Tea", slug=slug)
        key = merchants.issue_key(tx, merchant_id=m.id, label="race")
    c.db.dispose()
    return m.slug, {"Authorization": f"Bearer {key.secret}"}


def shopper(client: httpx.Client, slug: str, n: int) -> dict[str, str]:
    r = client.post(f"/v1/stores/{slug}/shoppers", json={
        "email": f"racer{n}@example.com", "name": f"Racer{n}", "password": "correct horse"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def pay(client: httpx.Client, who: dict[str, str], order_id: str) -> None:
    """Start a sandbox payment and approve it on the hosted page."""
    r = client.post(f"/v1/me/orders/{order_id}/payments", headers=who, json={})
    assert r.status_code == 201, r.text
    client.post(f"/sandbox/checkout/{r.json()['checkout_url'].rsplit('/', 1)[1]}/approve")


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("condition not reached in time")
