"""Unpaid flash orders expiring: how long, and how much CPU, until their units are back.

Makes ``--orders`` pending flash orders on one item in batches of ``--batch`` (the batcher's
own commit, as a rush makes them), moves the clock past their hold, then runs the worker's
timers until none is due, and reads back that every order is cancelled and every unit is
back in the quota. Reports the wall time, the timer transactions it took, and the CPU per
order of this process (the worker) and of the database's backends.

Usage: ``python bench/flash_expiry.py [--orders 3000] [--batch 30] [--backend postgres]``;
progress goes to stderr, the last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cpu import Probe  # noqa: E402
from bench.flashsale import Server, log, new_item  # noqa: E402
from tests.concurrency.crowd import brand  # noqa: E402
from tests.concurrency.flash_sale import query  # noqa: E402
from tests.databases import drop_database, make_database  # noqa: E402

from pintuan import container as containers  # noqa: E402
from pintuan.container import Container  # noqa: E402
from pintuan.core.clock import SystemClock  # noqa: E402
from pintuan.core.settings import Settings  # noqa: E402
from pintuan.core.signing import digest  # noqa: E402
from pintuan.flashsale.batcher import Batcher  # noqa: E402
from pintuan.flashsale.engine import BuyRequest  # noqa: E402


class LaterClock(SystemClock):
    """The system's time, plus an offset the bench moves."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return super().now() + self.offset


def _pending_orders(db_url: str, args: argparse.Namespace,
                    clock: LaterClock) -> tuple[Container, str]:
    """``--orders`` pending orders on a new item, made in batches of ``--batch`` by the
    batcher's own commit: the container (its clock is ``clock``) and the item's id."""
    b = brand(db_url, args.orders)
    server = Server("pintuan.asgi:app", db_url, 1)
    try:
        _, item_id = new_item(server.url, b, args.orders)
    finally:
        server.stop()
    c = containers.build(Settings(database_url=db_url, secret_key="bench", run_worker=False),
                         clock=clock)
    batcher = Batcher(c)
    facts = batcher._read_facts(item_id)
    assert facts is not None
    hashes = [digest(t) for t in b.tokens]
    for start in range(0, args.orders, args.batch):
        reqs = [BuyRequest(h, 1) for h in hashes[start:start + args.batch]]
        batcher._commit(facts, reqs, Counter())
        if start // args.batch % 20 == 0:
            log(f"{start + len(reqs)}/{args.orders} orders made")
    taken, = query(db_url, "SELECT taken FROM flash_items WHERE id = :i", i=item_id)[0]
    assert taken == args.orders, taken
    return c, item_id


def run(args: argparse.Namespace) -> dict[str, Any]:
    db_url = make_database(args.backend)
    try:
        clock = LaterClock()
        c, item_id = _pending_orders(db_url, args, clock)
        clock.offset = timedelta(minutes=c.settings.hold_minutes + 1)
        probe = Probe(os.getpid(), db_url if args.backend == "postgres" else None)
        probe.start()
        began, timers = time.perf_counter(), 0
        while done := c.worker.run_timers():
            timers += done
            log(f"{timers} timers run")
        seconds = time.perf_counter() - began
        used = probe.stop()
        c.db.dispose()
        left, = query(db_url, "SELECT taken FROM flash_items WHERE id = :i", i=item_id)[0]
        pending, = query(db_url, "SELECT count(*) FROM orders WHERE ref = :i AND status = "
                         "'pending_payment'", i=item_id)[0]
        assert (left, pending) == (0, 0), (left, pending)
        n = args.orders
        return {"backend": args.backend, "orders": n, "batch": args.batch,
                "timer_transactions": timers, "seconds": round(seconds, 3),
                "orders_expired_per_s": round(n / seconds, 1),
                "worker_cpu_us_per_order": round(used["server"] / n * 1e6, 1),
                "db_cpu_us_per_order": (round(used["db"] / n * 1e6, 1) if "db" in used
                                        else None)}
    finally:
        drop_database(db_url)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--orders", type=int, default=3000)
    p.add_argument("--batch", type=int, default=30)
    p.add_argument("--backend", default="postgres")
    print(json.dumps(run(p.parse_args())))


if __name__ == "__main__":
    main()
