"""One hot flash-sale SKU over HTTP, driven by wrk, on PostgreSQL and SQLite, 1 and 2 servers.

For each backend and server count it measures, in one run:
- the engine: ``POST /v1/me/flash-orders`` (batched, one transaction per batch);
- the naive design: one guarded UPDATE + INSERT per request, same app and server
  (``bench/flash_naive.py``);
- a trivial endpoint (``GET /healthz``) on the same server, before and after the buys (the
  faster of the two runs is the ratio's denominator);
and once, pgbench on the same hot-row transaction at 1, 8, 32 and 64 clients (best taken).

Every request is a buy by its own shopper (``bench/flash.lua`` walks a file of real session
tokens). The quota is large enough not to sell out, so the figure is the sustained rate.
After each run the ledgers are read back: ``oversell`` counts orders beyond the quota or
not matched by the quota counter, ``lost_acknowledged`` counts 201 answers wrk received
beyond the orders stored. Progress goes to stderr; the last stdout line is one JSON object.

Wall-clock rates on a shared machine move with the neighbours' load, so each run also reports
CPU microseconds per accepted order, read from ``/proc`` (``bench/cpu.py``): of the server's
processes (``server_cpu_us_per_order``; per request for the trivial endpoint), of the
database's PostgreSQL backends (``db_cpu_us_per_order``; null on SQLite, which runs inside the
server) and of wrk; ``orders_per_commit`` is the engine's mean batch. The goal's ratios use
pgbench at its best client count; ``engine_over_pgbench_same_clients`` compares with pgbench
at as many clients as wrk has connections, for information.

Each configuration runs with 64 wrk connections (keys ``postgres_2`` and so on) and with 256
(``postgres_2_c256``): 64 shoppers in play are a closed loop that leaves the engine bound by
latency, not CPU (a process's shoppers wait for their batch's commit, its batch for their next
requests; the CPU the run accounts for, per order times orders/s, fills about 85% of the two
cores), 256 are a flash crowd, more shoppers waiting than one batch per process takes, which
fills bigger batches (about 90%). ``postgres_2_best`` (and so on) sets the engine's best
rate over the connection counts against the trivial endpoint's best: the same treatment
pgbench gets.

Usage: ``python bench/flashsale.py --json [--duration 8] [--connections 64,256]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the shopper and ledger helpers shared with the tests

from bench.cpu import Probe  # noqa: E402
from tests.concurrency.crowd import Brand, brand  # noqa: E402
from tests.concurrency.flash_sale import query  # noqa: E402
from tests.databases import drop_database, make_database  # noqa: E402

LUA = ROOT / "bench" / "flash.lua"
PGBENCH_SQL = """\\set sid random(1, 1000000000)
BEGIN;
UPDATE hot SET taken = taken + 1 WHERE id = 1 AND taken < quota;
INSERT INTO hot_orders (shopper) VALUES (:sid);
END;
"""


def log(msg: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def _port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, app: str, db_url: str, workers: int) -> None:
        self.port = _port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = os.environ | {"PINTUAN_DATABASE_URL": db_url, "PINTUAN_SECRET_KEY": "bench",
                            "PINTUAN_PUBLIC_URL": self.url,
                            # every simulated shopper comes from 127.0.0.1
                            "PINTUAN_FLASH_IP_RATE": "0"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", app, "--port", str(self.port), "--workers",
             str(workers), "--log-level", "warning", "--no-access-log"],
            env=env, cwd=ROOT, start_new_session=True)
        for _ in range(600):
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        os.killpg(self.proc.pid, 15)
        self.proc.wait(timeout=30)


def _seconds(value: str, unit: str) -> float:
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def wrk(url: str, args: argparse.Namespace, env: dict[str, str] | None = None,
        script: bool = False) -> dict[str, float]:
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
           "--timeout", "10s", "--latency"] + (["-s", str(LUA)] if script else []) + [url]
    out = subprocess.run(cmd, env=os.environ | (env or {}) | {"WRK_THREADS": str(args.threads)},
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    res = {"requests_per_s": rps}
    for p in ("50", "99"):
        m = re.search(rf"^\s+{p}(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        if m:
            res[f"p{p}_ms"] = round(_seconds(m.group(1), m.group(2)) * 1000, 2)
    m = re.search(r"CREATED (\d+) REFUSED (\d+)", out)
    if m:
        res["created"], res["refused"] = int(m.group(1)), int(m.group(2))
    return res


def new_item(url: str, b: Brand, quota: int) -> tuple[str, str]:
    admin = {"Authorization": f"Bearer {b.key}"}
    with httpx.Client(base_url=url, timeout=60) as c:
        code = f"HOT-{time.monotonic_ns()}"
        r = c.post("/v1/products", headers=admin, json={
            "title": "Hot tea", "skus": [{"code": code, "title": "Tin",
                                          "list_price_minor": 9900}]})
        sku = r.json()["skus"][0]["id"]
        c.post(f"/v1/skus/{sku}/stock/receive", headers=admin, json={"quantity": quota})
        now = datetime.now(UTC)
        r = c.post("/v1/flash-sales", headers=admin, json={
            "title": "Bench", "items": [{"sku_id": sku, "sale_price_minor": 990,
                                         "quota": quota}],
            "slots": [{"starts_at": now.isoformat(),
                       "ends_at": (now + timedelta(hours=1)).isoformat()}]})
        if r.status_code != 201:
            raise RuntimeError(f"flash sale not created: {r.text}")
        return sku, r.json()["items"][0]["id"]


def check(db_url: str, item_id: str, created: int) -> dict[str, int]:
    quota, taken = query(db_url, "SELECT quota, taken FROM flash_items WHERE id = :i",
                         i=item_id)[0]
    # the orders of one batch share their creation time
    stored, commits = query(db_url, "SELECT count(*), count(DISTINCT created_at) FROM orders "
                            "WHERE ref = :i", i=item_id)[0]
    return {"stored_orders": stored, "commits": commits,
            "oversell": max(0, stored - quota) + abs(stored - taken),
            "lost_acknowledged": max(0, created - stored)}


def _us_per(seconds: float, count: float) -> float | None:
    return round(seconds / count * 1e6, 1) if count else None


def _trivial(server: Server, args: argparse.Namespace) -> tuple[float, float | None]:
    """The trivial endpoint's requests/s and the server's CPU microseconds per request."""
    probe = Probe(server.proc.pid, None)
    probe.start()
    rps = wrk(server.url + "/healthz", args)["requests_per_s"]
    return rps, _us_per(probe.stop()["server"], rps * args.duration)


def measure(app: str, path: str, db_url: str, b: Brand, tokens: Path, workers: int,
            args: argparse.Namespace, trivial: bool) -> dict[str, Any]:
    """One server: the trivial endpoint (if asked) before and after the buys, then the buys;
    rates, and the CPU seconds per request or order of the server, its database backends
    and wrk. The trivial rate is the faster of its two runs: the machine's speed drifts
    within minutes, and the ratio's denominator should not be caught in a slow moment."""
    server = Server(app, db_url, workers)
    try:
        out: dict[str, Any] = {}
        trivial_runs = [_trivial(server, args)] if trivial else []
        _, item_id = new_item(server.url, b, args.quota)
        time.sleep(1)
        env = {"FLASH_TOKENS": str(tokens), "FLASH_PATH": path,
               "FLASH_BODY": json.dumps({"item_id": item_id})}
        probe = Probe(server.proc.pid, db_url)
        probe.start()
        run = wrk(server.url + path, args, env, script=True)
        used = probe.stop()
        if trivial:
            trivial_runs.append(_trivial(server, args))
            out["trivial_rps_runs"] = [rps for rps, _ in trivial_runs]
            out["trivial_rps"], out["trivial_server_cpu_us"] = max(trivial_runs,
                                                                   key=lambda r: r[0])
    finally:
        server.stop()
    facts = check(db_url, item_id, int(run.get("created", 0)))
    n = facts["stored_orders"]
    out.update(run, **facts, accepted_per_s=round(n / args.duration, 1),
               server_cpu_us=_us_per(used["server"], n),
               db_cpu_us=_us_per(used["db"], n) if "db" in used else None,
               wrk_cpu_us=_us_per(used["client"], run["requests_per_s"] * args.duration))
    return out


def pgbench(args: argparse.Namespace) -> dict[str, float]:
    db_url = make_database("postgres")
    try:
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("CREATE TABLE hot (id int PRIMARY KEY, quota bigint, taken bigint)")
            conn.execute("CREATE TABLE hot_orders (id bigserial PRIMARY KEY, shopper bigint, "
                         "created_at timestamptz DEFAULT now())")
            conn.execute("INSERT INTO hot VALUES (1, 1000000000, 0)")
        script = Path(tempfile.mkdtemp()) / "hot.sql"
        script.write_text(PGBENCH_SQL)
        tps = {}
        for clients in (1, 8, 32, 64):
            with psycopg.connect(db_url, autocommit=True) as conn:
                conn.execute("TRUNCATE hot_orders")
                conn.execute("VACUUM ANALYZE")
                conn.execute("CHECKPOINT")
            out = subprocess.run(["pgbench", "-n", "-M", "prepared", "-c", str(clients),
                                  "-j", "2", "-T", str(args.duration), "-f", str(script),
                                  db_url], capture_output=True, text=True, check=True).stdout
            tps[str(clients)] = float(re.search(r"tps = ([\d.]+)", out).group(1))  # type: ignore[union-attr]
            log(f"pgbench {clients} clients: {tps[str(clients)]:.0f} tps")
        return tps
    finally:
        drop_database(db_url)


def _ratio(a: float, b: float | None) -> float | None:
    return round(a / b, 2) if b else None


def summary(engine: dict[str, Any], naive: dict[str, Any], pg_tps: dict[str, float],
            connections: int) -> dict[str, Any]:
    """One backend and server count: rates, the goal's ratios, and the CPU microseconds per
    accepted order (per request for the trivial endpoint and wrk)."""
    rate = engine["accepted_per_s"]
    return {
        "accepted_per_s": rate, "p50_ms": engine.get("p50_ms"),
        "p99_ms": engine.get("p99_ms"), "oversell": engine["oversell"],
        "lost_acknowledged": engine["lost_acknowledged"],
        "refused": engine.get("refused"), "trivial_rps": engine["trivial_rps"],
        "trivial_rps_runs": engine["trivial_rps_runs"],
        "naive_accepted_per_s": naive["accepted_per_s"],
        "naive_p99_ms": naive.get("p99_ms"), "naive_oversell": naive["oversell"],
        "engine_over_naive": _ratio(rate, max(naive["accepted_per_s"], 1e-9)),
        "engine_over_pgbench": _ratio(rate, max(pg_tps.values())),
        "engine_over_trivial": _ratio(rate, engine["trivial_rps"]),
        "server_cpu_us_per_order": engine["server_cpu_us"],
        "db_cpu_us_per_order": engine["db_cpu_us"],
        "naive_server_cpu_us_per_order": naive["server_cpu_us"],
        "naive_db_cpu_us_per_order": naive["db_cpu_us"],
        "trivial_server_cpu_us_per_request": engine["trivial_server_cpu_us"],
        "wrk_cpu_us_per_request": engine["wrk_cpu_us"],
        "orders_per_commit": _ratio(engine["stored_orders"], engine["commits"]),
        # pgbench with as many clients as wrk has connections (informative, not the goal)
        "engine_over_pgbench_same_clients": _ratio(rate, pg_tps.get(str(connections)))}


def at_best(runs: list[dict[str, Any]], connections: list[int]) -> dict[str, Any]:
    """One backend and server count at its best: the most orders/s over the connection counts
    against the most trivial requests/s over the same counts (often at another count: the
    trivial endpoint slows down with more connections, the engine speeds up), as pgbench is
    taken at its best client count."""
    engine = max(zip(runs, connections, strict=True), key=lambda rc: rc[0]["accepted_per_s"])
    trivial = max(zip(runs, connections, strict=True), key=lambda rc: rc[0]["trivial_rps"])
    return {"accepted_per_s": engine[0]["accepted_per_s"], "connections": engine[1],
            "trivial_rps": trivial[0]["trivial_rps"], "trivial_connections": trivial[1],
            "engine_over_trivial": _ratio(engine[0]["accepted_per_s"],
                                          trivial[0]["trivial_rps"])}


def backend_runs(backend: str, args: argparse.Namespace,
                 pg_tps: dict[str, float]) -> dict[str, Any]:
    db_url = make_database(backend)
    try:
        log(f"{backend}: creating {args.shoppers} shoppers")
        b = brand(db_url, args.shoppers)
        tokens = Path(tempfile.mkdtemp()) / "tokens.txt"
        tokens.write_text("\n".join(b.tokens) + "\n")
        out = {}
        for workers in args.workers:
            for n, connections in enumerate(args.connections):
                run = argparse.Namespace(**{**vars(args), "connections": connections})
                log(f"{backend}, {workers} server process(es), {connections} connections: "
                    "engine")
                engine = measure("pintuan.asgi:app", "/v1/me/flash-orders", db_url, b, tokens,
                                 workers, run, trivial=True)
                log(f"  engine {engine['accepted_per_s']} orders/s, server "
                    f"{engine['server_cpu_us']} us/order, db {engine['db_cpu_us']} us/order")
                naive = measure("bench.flash_naive:app", "/bench/naive-buy", db_url, b, tokens,
                                workers, run, trivial=False)
                log(f"  naive {naive['accepted_per_s']} orders/s")
                key = f"{backend}_{workers}" + ("" if n == 0 else f"_c{connections}")
                out[key] = summary(engine, naive, pg_tps, connections)
            out[f"{backend}_{workers}_best"] = at_best(
                [v for k, v in out.items() if k.startswith(f"{backend}_{workers}")
                 and not k.endswith("_best")], args.connections)
        return out
    finally:
        drop_database(db_url)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--json", action="store_true", help="print the JSON summary last (default)")
    p.add_argument("--duration", type=int, default=8)
    p.add_argument("--connections", type=lambda s: [int(x) for x in s.split(",")],
                   default=[64, 256], help="wrk connections, one run each (the first: the "
                   "unsuffixed keys)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--shoppers", type=int, default=120_000)
    p.add_argument("--quota", type=int, default=1_000_000)
    p.add_argument("--workers", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2])
    p.add_argument("--backends", default="postgres,sqlite")
    args = p.parse_args()
    tps = pgbench(args)
    best = max(tps.values())
    result: dict[str, Any] = {"pgbench_tps": tps, "pgbench_best_tps": best,
                              "duration_s": args.duration, "connections": args.connections}
    for backend in args.backends.split(","):
        result |= backend_runs(backend, args, tps)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
