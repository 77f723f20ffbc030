"""Flash-sale rate limits shared by two real server processes through Redis, and what
happens when Redis goes away, comes back empty, or is flushed.

Each server process is its own uvicorn on its own port; requests alternate between them.
The buys name no real item, so an allowed one answers 404 ``item_not_found`` and a refused
one 429: only the limits are measured (session tokens are checked later, in the batch).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from pintuan import migrate
from pintuan.shoppers.service import TOKEN_PREFIX
from tests.concurrency.conftest import Server, free_port
from tests.databases import drop_database, make_database

BUY = "/v1/me/flash-orders"
_addresses = itertools.count()
SHOPPER_RATE = IP_RATE = 0.5  # bursts of twice that: 1

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="needs redis-server (make services installs it)")


@dataclass
class Redis:
    port: int
    workdir: str
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def cli(self, *args: str) -> str:
        return subprocess.run(["redis-cli", "-p", str(self.port), *args], check=True,
                              capture_output=True, text=True).stdout.strip()

    def start(self) -> None:
        """A Redis of our own that keeps nothing on disk: a restart comes back empty."""
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.workdir], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True,
                              text=True).stdout.strip() == "PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("redis did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


@pytest.fixture
def redis() -> Iterator[Redis]:
    r = Redis(free_port(), tempfile.mkdtemp())
    r.start()
    try:
        yield r
    finally:
        r.stop()
        shutil.rmtree(r.workdir, ignore_errors=True)


@pytest.fixture
def two_servers(redis: Redis) -> Iterator[list[Server]]:
    db_url = make_database("postgres")
    migrate.upgrade(db_url)
    servers = []
    for _ in range(2):
        url = f"http://127.0.0.1:{free_port()}"
        env = os.environ | {"PINTUAN_DATABASE_URL": db_url, "PINTUAN_SECRET_KEY": "rl-secret",
                            "PINTUAN_PUBLIC_URL": url, "PINTUAN_RUN_WORKER": "false",
                            "PINTUAN_REDIS_URL": redis.url,
                            "PINTUAN_FLASH_SHOPPER_RATE": str(SHOPPER_RATE),
                            "PINTUAN_FLASH_IP_RATE": str(IP_RATE)}
        servers.append(Server(url=url, database_url=db_url, env=env))
    try:
        for s in servers:
            s.start()
        yield servers
    finally:
        for s in servers:
            s.stop()
        drop_database(db_url)


def token() -> str:
    return TOKEN_PREFIX + uuid.uuid4().hex


def fire(servers: list[Server], tokens: list[str],
         ip: str | None = None) -> tuple[list[tuple[int, str]], float]:
    """One buy per token, alternating between the servers: ((status, code) each, seconds).
    Each buy comes from its own loopback address unless ``ip`` is given, so only the limit
    under test binds."""
    out, started = [], time.monotonic()
    for n, tok in enumerate(tokens):
        k = next(_addresses)
        source = ip or f"127.0.{k // 250 % 250 + 1}.{k % 250 + 1}"
        with httpx.Client(transport=httpx.HTTPTransport(local_address=source)) as c:
            r = c.post(servers[n % len(servers)].url + BUY, json={"item_id": "fsi_none"},
                       headers={"Authorization": f"Bearer {tok}"}, timeout=10)
        out.append((r.status_code, r.json()["code"]))
    return out, time.monotonic() - started


def allowed(answers: list[tuple[int, str]]) -> int:
    assert {a for a in answers if a[0] != 429} <= {(404, "item_not_found")}
    return sum(1 for status, _ in answers if status != 429)


def test_two_processes_share_one_rate_per_shopper_and_per_ip(two_servers):
    one = token()
    answers, seconds = fire(two_servers, [one] * 10)
    # one shared bucket: a burst of 1, then 0.5 a second (per process it would be 2 + 1/s)
    assert 1 <= allowed(answers) <= 1 + SHOPPER_RATE * seconds
    assert (429, "rate_limited_shopper") in answers[0::2] + answers[1::2]
    crowd, seconds = fire(two_servers, [token() for _ in range(10)], ip="127.0.0.3")
    # one bucket for the address: a burst of 1, then 0.5 a second
    assert 1 <= allowed(crowd) <= 1 + IP_RATE * seconds
    assert (429, "rate_limited_ip") in crowd[0::2]
    assert (429, "rate_limited_ip") in crowd[1::2]


def test_redis_gone_falls_back_per_process_and_its_return_shares_again(two_servers, redis):
    redis.stop()
    one = token()
    answers, seconds = fire(two_servers, [one] * 10)
    # no Redis: every buy is still answered, each process with its own buckets
    assert 2 <= allowed(answers) <= 2 * (1 + SHOPPER_RATE * seconds)
    redis.start()  # back, and empty
    time.sleep(1.2)  # the processes leave Redis alone for a second after a failure
    fire(two_servers, [token(), token()])  # the first call after the pause reconnects
    fresh = token()
    answers, seconds = fire(two_servers, [fresh] * 10)
    assert 1 <= allowed(answers) <= 1 + SHOPPER_RATE * seconds
    assert int(redis.cli("dbsize")) > 0


def test_a_flushed_redis_gives_each_client_one_fresh_burst(two_servers, redis):
    one = token()
    answers, seconds = fire(two_servers, [one] * 6)
    assert 1 <= allowed(answers) <= 1 + SHOPPER_RATE * seconds
    redis.cli("flushall")
    answers, seconds = fire(two_servers, [one] * 6)
    assert 1 <= allowed(answers) <= 1 + SHOPPER_RATE * seconds
