"""The flash-sale batch without HTTP: CPU per batch and per order, by batch size.

Runs the batcher's own commit (``Batcher._commit``: one transaction, then its answers) in
this process against a fresh database, with batches of real shoppers' buys, and reads
this thread's CPU time and, on PostgreSQL, the backend's from ``/proc``. Separates a
batch's fixed cost (round trips, transaction, commit) from its cost per order.

Usage: ``python bench/flash_batch.py [--sizes 1,16,64,256] [--keyed] [--backend postgres]``;
the last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cpu import cpu_seconds  # noqa: E402
from bench.flashsale import Server, new_item  # noqa: E402
from tests.concurrency.crowd import brand  # noqa: E402
from tests.databases import drop_database, make_database  # noqa: E402

from pintuan import container as containers  # noqa: E402
from pintuan.core.settings import Settings  # noqa: E402
from pintuan.core.signing import digest  # noqa: E402
from pintuan.flashsale.batcher import Batcher  # noqa: E402
from pintuan.flashsale.engine import BuyRequest  # noqa: E402


def measure(batcher: Batcher, item_id: str, hashes: list[str], sizes: list[int],
            keyed: bool, backend_pid: int | None) -> dict[str, Any]:
    facts = batcher._read_facts(item_id)
    assert facts is not None
    out, pos = {}, 0
    for n in sizes:
        reps = max(5, min(200, 4000 // n))
        py, db = time.thread_time(), cpu_seconds(backend_pid) if backend_pid else 0.0
        for _ in range(reps):
            reqs = [BuyRequest(hashes[(pos + k) % len(hashes)], 1,
                               f"k{pos + k}" if keyed else None, "fp") for k in range(n)]
            pos += n
            result = batcher._commit(facts, reqs, Counter())
            assert sum(1 for status, _ in result.outcomes.values() if status == 201) == n
        py = (time.thread_time() - py) / reps
        db = ((cpu_seconds(backend_pid) - db) / reps) if backend_pid else 0.0
        out[str(n)] = {"python_us_per_batch": round(py * 1e6), "python_us_per_order":
                       round(py * 1e6 / n, 1), "db_us_per_batch": round(db * 1e6),
                       "db_us_per_order": round(db * 1e6 / n, 1) if backend_pid else None}
        print(f"n={n}: {out[str(n)]}", file=sys.stderr)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")],
                   default=[1, 16, 64, 256])
    p.add_argument("--keyed", action="store_true", help="every buy has an Idempotency-Key")
    p.add_argument("--backend", default="postgres")
    args = p.parse_args()
    db_url = make_database(args.backend)
    try:
        b = brand(db_url, 30_000)
        server = Server("pintuan.asgi:app", db_url, 1)
        try:
            _, item_id = new_item(server.url, b, 1_000_000)
        finally:
            server.stop()
        c = containers.build(Settings(database_url=db_url, secret_key="bench", run_worker=False))
        batcher = Batcher(c)
        pid = None
        if args.backend == "postgres":
            with c.db.write_hot() as session:  # the hot pool's connection, reused by every batch
                pid = int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())
        hashes = [digest(t) for t in b.tokens]
        out = measure(batcher, item_id, hashes, args.sizes, args.keyed, pid)
        print(json.dumps({"backend": args.backend, "keyed": args.keyed, "sizes": out}))
    finally:
        drop_database(db_url)


if __name__ == "__main__":
    main()
