"""Group-buy joins under load, over HTTP, against a real server on SQLite and PostgreSQL.

Opens groups, then fills them with concurrent joiners (more joiners than seats, so some are
answered ``group_full``), and prints one JSON object per backend and a summary on the last
line: joins/s, p50/p99 latency, and the invariant checks (no group above its size, reserved
stock equals held seats), with 1 and 2 server processes.
Usage: ``python bench/groupbuy.py [--groups 40] [--size 5] [--processes 1,2]``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
from rich.progress import Progress
from sqlalchemy import text

from pintuan import container as containers
from pintuan import migrate
from pintuan.core.settings import Settings
from pintuan.merchants import service as merchants

PG = os.environ.get("PINTUAN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/pintuan_test")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database(backend: str, tmp: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp}/bench.db"
    name = f"pintuan_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG.rsplit("/", 1)[0] + "/" + name


def _start(db_url: str, processes: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    url = f"http://127.0.0.1:{port}"
    env = os.environ | {"PINTUAN_DATABASE_URL": db_url, "PINTUAN_SECRET_KEY": "bench",
                        "PINTUAN_PUBLIC_URL": url}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "pintuan.asgi:app", "--port",
                             str(port), "--workers", str(processes), "--log-level", "warning"],
                            env=env)
    for _ in range(300):
        try:
            httpx.get(url + "/healthz", timeout=1)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def run(backend: str, processes: int, groups: int, size: int, clients: int,
        progress: Progress) -> dict[str, Any]:
    tmp = tempfile.mkdtemp()
    db_url = _database(backend, tmp)
    migrate.upgrade(db_url)
    c = containers.build(Settings(database_url=db_url, secret_key="bench"))
    with c.db.write() as session:
        tx = c.tx(session)
        m = merchants.create_merchant(tx, name="Bench", slug="bench")
        key = merchants.issue_key(tx, merchant_id=m.id, label="bench").secret
    proc, url = _start(db_url, processes)
    admin = {"Authorization": f"Bearer {key}"}
    joiners_per_group = size  # one more than the free seats: someone is turned away
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            sku = client.post("/v1/products", headers=admin, json={"title": "T", "skus": [
                {"code": "B", "title": "B", "list_price_minor": 1000}]}).json()["skus"][0]["id"]
            client.post(f"/v1/skus/{sku}/stock/receive", headers=admin, json={"quantity": 10**6})
            now = datetime.now(UTC)
            deal = client.post("/v1/deals", headers=admin, json={
                "sku_id": sku, "title": "B", "group_price_minor": 800, "team_size": size,
                "starts_at": now.isoformat(), "ends_at": (now + timedelta(days=1)).isoformat(),
                "quota": 10**6}).json()["id"]
            need = groups * (1 + joiners_per_group)
            task = progress.add_task(f"{backend} x{processes}: shoppers", total=need)

            def sign_up(n: int) -> dict[str, str]:
                r = client.post("/v1/stores/bench/shoppers", json={
                    "email": f"b{n}@example.com", "name": f"B{n}", "password": "benchmark!"})
                progress.advance(task)
                return {"Authorization": f"Bearer {r.json()['token']}"}

            with ThreadPoolExecutor(max_workers=4) as pool:  # scrypt runs outside the GIL
                tokens = list(pool.map(sign_up, range(need)))
            group_ids = [client.post("/v1/me/groups", headers=tokens[g],
                                     json={"deal_id": deal}).json()["group"]["id"]
                         for g in range(groups)]
        jobs = [(group_ids[g], tokens[groups + g * joiners_per_group + j])
                for j in range(joiners_per_group) for g in range(groups)]
        task = progress.add_task(f"{backend} x{processes}: joins", total=len(jobs))

        # one client, its pool as wide as the joiners: a client per join spent more time
        # setting itself up (TLS context, connection) than the server spent on the join
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        with httpx.Client(base_url=url, timeout=60, limits=limits) as shared:

            def join(job: tuple[str, dict[str, str]]) -> tuple[int, float]:
                t0 = time.perf_counter()
                r = shared.post(f"/v1/me/groups/{job[0]}/join", headers=job[1], json={})
                progress.advance(task)
                return r.status_code, time.perf_counter() - t0

            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=clients) as pool:
                results = list(pool.map(join, jobs))
            elapsed = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    lat = sorted(t for _, t in results)
    accepted = sum(1 for s, _ in results if s == 201)
    with c.db.read() as session:
        over = session.execute(text(
            "SELECT count(*) FROM groups WHERE seats_taken > size")).scalar_one()
        members = session.execute(text(
            "SELECT count(*) FROM group_members WHERE status IN ('held','paid')")).scalar_one()
        reserved = session.execute(text("SELECT sum(reserved) FROM stock_levels")).scalar_one()
        real = session.execute(text(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM group_members "
            "WHERE status IN ('held','paid') GROUP BY group_id) t")).scalar_one()
    return {
        "backend": backend, "server_processes": processes, "groups": groups, "team_size": size,
        "join_requests": len(results), "accepted_joins": accepted,
        "status_counts": dict(sorted({str(s): sum(1 for x, _ in results if x == s)
                                 for s, _ in results}.items())),
        "joins_per_second": round(len(results) / elapsed, 1),
        "accepted_per_second": round(accepted / elapsed, 1),
        "p50_ms": round(statistics.median(lat) * 1000, 1),
        "p99_ms": round(lat[max(0, int(len(lat) * 0.99) - 1)] * 1000, 1),
        "invariants": {"groups_over_size": over, "max_members_in_a_group": real,
                       "members_equal_reserved_stock": members == reserved,
                       "accepted_equals_free_seats": accepted == groups * (size - 1)},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--groups", type=int, default=40)
    ap.add_argument("--size", type=int, default=5)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--processes", default="1,2", help="server process counts to run")
    args = ap.parse_args()
    out = []
    with Progress(transient=True) as progress:
        for backend in args.backends.split(","):
            for processes in (int(n) for n in args.processes.split(",")):
                out.append(run(backend, processes, args.groups, args.size, args.clients,
                               progress))
    for row in out:
        print(json.dumps(row), file=sys.stderr)
    print(json.dumps({"groupbuy": out}))


if __name__ == "__main__":
    main()
