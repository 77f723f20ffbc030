"""Many shoppers at once, and flash-sale servers that can be killed with SIGKILL.

Shoppers are written in bulk into the shoppers tables with one shared scrypt hash (hashing
thousands of passwords would take minutes); each gets a real session token, checked like any
other.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from sqlalchemy import insert

from pintuan import container as containers
from pintuan import migrate
from pintuan.core.db import table
from pintuan.core.ids import new_id, new_token
from pintuan.core.settings import Settings
from pintuan.core.signing import digest
from pintuan.merchants import service as merchants
from pintuan.shoppers.service import TOKEN_PREFIX, hash_password
from pintuan.shoppers.store import ShopperRow, ShopperSessionRow
from tests.concurrency.conftest import free_port


@dataclass
class Brand:
    db_url: str
    merchant_id: str
    slug: str
    key: str
    tokens: list[str] = field(default_factory=list)


def brand(db_url: str, shoppers: int) -> Brand:
    """A migrated database with one merchant and ``shoppers`` signed-in shoppers."""
    migrate.upgrade(db_url)
    c = containers.build(Settings(database_url=db_url, secret_key="crowd-secret"))
    pw = hash_password("correct horse")
    with c.db.write() as session:
        tx = c.tx(session)
        m = merchants.create_merchant(tx, name="Crowd Tea", slug="crowd-tea")
        key = merchants.issue_key(tx, merchant_id=m.id, label="crowd").secret
    out = Brand(db_url, m.id, m.slug, key)
    with c.db.write() as session:
        now = c.clock.now()
        people, sessions = [], []
        for n in range(shoppers):
            sid, token = new_id("shp"), TOKEN_PREFIX + new_token(30)
            people.append({"id": sid, "merchant_id": m.id, "email": f"c{n}@example.com",
                           "name": f"C{n}", "password_hash": pw, "created_at": now})
            sessions.append({"token_hash": digest(token), "shopper_id": sid,
                             "merchant_id": m.id, "created_at": now,
                             "expires_at": now + timedelta(days=1)})
            out.tokens.append(token)
        session.execute(insert(table(ShopperRow)), people)
        session.execute(insert(table(ShopperSessionRow)), sessions)
    c.db.dispose()
    return out


@dataclass
class Servers:
    """``workers`` uvicorn worker processes sharing one database, in their own process group."""

    db_url: str
    workers: int = 2
    hold_minutes: int = 15
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = os.environ | {"PINTUAN_DATABASE_URL": self.db_url, "PINTUAN_SECRET_KEY": "crowd",
                            "PINTUAN_PUBLIC_URL": self.url,
                            "PINTUAN_HOLD_MINUTES": str(self.hold_minutes),
                            "PINTUAN_WORKER_INTERVAL_SECONDS": "0.2",
                            # thousands of shoppers, all from 127.0.0.1
                            "PINTUAN_FLASH_IP_RATE": "0"} | self.env
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "pintuan.asgi:app", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(self.workers), "--log-level",
             "warning"], env=env, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("servers did not start")

    def kill9(self) -> None:
        """SIGKILL to the whole group: no shutdown, no flush, no goodbye."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=20)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
            self.proc = None
