"""CPU seconds spent by a server's processes and by a database's PostgreSQL backends.

Wall-clock rates on a shared two-core machine move with the neighbours' load; the CPU a
process spent per order does not (much). Read from ``/proc/<pid>/stat`` (Linux), before and
after a run; a backend that appeared during the run counts from zero.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass, field

import psycopg

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def process_tree(root: int) -> list[int]:
    """``root`` and its descendants (uvicorn's master and its worker processes)."""
    parents: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            parents.setdefault(ppid, []).append(int(name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


def backends(db_url: str) -> list[int]:
    """The PostgreSQL backends connected to the database (except the one asking)."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                            " AND pid <> pg_backend_pid()").fetchall()
    return [int(r[0]) for r in rows]


@dataclass
class Probe:
    """CPU of a server's process tree, the database's backends and this process's finished
    children (the load generator) between ``start`` and ``stop``."""

    server_pid: int
    db_url: str | None
    before: dict[str, dict[int, float]] = field(default_factory=dict)
    used: dict[str, float] = field(default_factory=dict)

    def _snapshot(self) -> dict[str, dict[int, float]]:
        snap = {"server": {p: cpu_seconds(p) for p in process_tree(self.server_pid)},
                "client": {0: _children_cpu()}}
        if self.db_url is not None and self.db_url.startswith("postgresql"):
            snap["db"] = {p: cpu_seconds(p) for p in backends(self.db_url)}
        return snap

    def start(self) -> None:
        self.before = self._snapshot()

    def stop(self) -> dict[str, float]:
        after = self._snapshot()
        self.used = {what: sum(v - self.before[what].get(p, 0.0) for p, v in now.items())
                     for what, now in after.items()}
        return self.used


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
