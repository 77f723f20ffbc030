"""The worker: due timers, outbox dispatch, outbound deliveries and housekeeping.

It runs as a thread inside ``pintuan serve`` by default, or alone as ``pintuan worker``;
several may run at once against PostgreSQL (timers and deliveries are claimed with SKIP
LOCKED; one pass at a time dispatches the outbox, so passes never overlap).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

import httpx
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from pintuan.core import delivery, idempotency, outbox, timers
from pintuan.core.clock import Clock
from pintuan.core.db import Database
from pintuan.core.outbox import Event
from pintuan.core.secretbox import SecretBox
from pintuan.core.settings import Settings
from pintuan.core.tx import Tx

log = logging.getLogger("pintuan.worker")

BUSY_PASS = 100
TRICKLE_WAIT = 0.25
# the integrity count's window starts this long before the last count started (a transaction
# committing later than that after it made its ids escapes the counts), at first this long
# before the first count
CHECK_OVERLAP = timedelta(minutes=5)
CHECK_LOOKBACK = timedelta(hours=1)
# the integrity count is a timer: its ref is the start of the window it counts ("first" for
# the first count), the count schedules the next
INTEGRITY_TIMER = "integrity.count"
FIRST_COUNT = "first"
EventConsumer = Callable[[Tx, list[Event]], None]


class Check(Protocol):
    """Rows that point at nothing, by kind, among the ``newest`` made since ``since``
    (default: all of them)."""

    def __call__(self, session: Session, since: datetime | None = ...,
                 newest: int | None = ...) -> dict[str, int]: ...


def waiting_work(now: datetime) -> Select[str, str, str]:
    """The first due timer, queued event and due delivery (NULL where none): each walks its
    queue's index, whatever the planner's statistics say."""
    return select(timers.first_due(now), outbox.first_queued(), delivery.first_due(now))


@dataclass
class Worker:
    db: Database
    clock: Clock
    settings: Settings
    http: httpx.Client
    timer_handlers: dict[str, timers.Handler]
    event_consumers: list[EventConsumer]
    checks: list[Check] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _next_purge: datetime | None = None
    _next_look: datetime | None = None

    def __post_init__(self) -> None:
        self.timer_handlers = {**self.timer_handlers, INTEGRITY_TIMER: self.count_integrity}

    def tx(self, session: object) -> Tx:
        return Tx(session=session, clock=self.clock, settings=self.settings)  # type: ignore[arg-type]

    def run_timers(self, limit: int = 500) -> int:
        done = 0
        while done < limit:
            timer_id: str | None = None
            try:
                with self.db.write() as session:
                    tx = self.tx(session)
                    timer = timers.claim_due(tx)
                    if timer is None:
                        break
                    timer_id = timer.id
                    self.timer_handlers[timer.kind](tx, timer.ref)
                    timers.finish(tx, timer_id)
            except Exception as exc:
                if timer_id is None:
                    raise
                log.exception("timer %s failed", timer_id)
                with self.db.write() as session:
                    timers.retry_later(self.tx(session), timer_id=timer_id, error=repr(exc))
            done += 1
        return done

    def dispatch_events(self) -> int:
        with self.db.write() as session:
            tx = self.tx(session)
            events = outbox.claim_undispatched(tx)
            for consumer in self.event_consumers:
                consumer(tx, events)
            outbox.mark_dispatched(tx, [e.id for e in events])
            return len(events)

    def send_deliveries(self) -> int:
        with self.db.write() as session:
            due = [(d.id, d) for d in delivery.claim_due(self.tx(session))]
        box = SecretBox(self.settings.secret_key)
        for delivery_id, row in due:
            outcome = delivery.send(self.http, box, row, now=int(self.clock.now().timestamp()))
            with self.db.write() as session:
                delivery.record(self.tx(session), delivery_id=delivery_id, outcome=outcome,
                                max_attempts=self.settings.webhook_max_attempts)
        return len(due)

    def purge_expired(self) -> int:
        """Every ``purge_interval_seconds``: forget idempotency keys past their lifetime."""
        now = self.clock.now()
        if self._next_purge is not None and now < self._next_purge:
            return 0
        self._next_purge = now + timedelta(seconds=self.settings.purge_interval_seconds)
        cutoff = now - timedelta(hours=self.settings.idempotency_key_hours)
        with self.db.write() as session:
            return idempotency.purge(self.tx(session), older_than=cutoff)

    def count_integrity(self, tx: Tx, ref: str) -> None:
        """The integrity count, a timer's handler: the checks over the newest
        ``integrity_check_rows`` of each kind made since the window's start (``ref``; see
        ``CHECK_OVERLAP``), an error logged for each kind found, and the next count
        scheduled ``integrity_check_minutes`` later (none at 0). One timer for all the
        processes: whichever claims it counts, once. A bug that leaves rows dangling shows
        in the newest ones; counting all of a flash sale's rows cost ~10-15 us a row on
        PostgreSQL (half a minute or more of database CPU for ten minutes at 5,000
        orders/s; 10,000 rows: ~50 ms; ``pintuan check`` counts them all). The rows are
        found by id on primary keys. The window is in the system's time, which ids carry
        (``ids.new_id``); the schedule in the clock's."""
        started = datetime.now(UTC)
        since = (started - CHECK_LOOKBACK if ref == FIRST_COUNT
                 else datetime.fromisoformat(ref))
        newest = self.settings.integrity_check_rows
        for check in self.checks:
            for kind, count in check(tx.session, since, newest).items():
                if count:
                    log.error("integrity: %d %s among the newest %d rows made since %s; "
                              "`pintuan check` counts them in the whole database", count,
                              kind, newest, since.isoformat())
        every = self.settings.integrity_check_minutes
        if every:
            timers.schedule(tx, kind=INTEGRITY_TIMER,
                            ref=(started - CHECK_OVERLAP).isoformat(),
                            due_at=tx.now() + timedelta(minutes=every))

    def keep_integrity_counted(self) -> bool:
        """Every ``integrity_check_minutes`` (in each process): if no integrity count is
        scheduled (a new database, or a process with the count off ended the chain),
        schedule the first, due now; whether it did. Decided in one statement, so however
        many processes ask at once, there is one chain."""
        every, now = self.settings.integrity_check_minutes, self.clock.now()
        if not every or not self.checks or (self._next_look is not None
                                            and now < self._next_look):
            return False
        self._next_look = now + timedelta(minutes=every)
        with self.db.write() as session:
            return timers.schedule_unless_any(self.tx(session), kind=INTEGRITY_TIMER,
                                              ref=FIRST_COUNT, due_at=now)

    def work_waiting(self) -> bool:
        """Whether a timer is due, an event queued or a delivery due, asked in one
        statement: an idle pass cost a transaction per queue (~2.2 ms of this thread, four
        passes a second in every server process), this one read ~0.7 ms."""
        with self.db.read() as session:
            found = session.execute(waiting_work(self.clock.now())).one()
        return any(v is not None for v in found)

    def run_once(self) -> int:
        """One pass over the queues and housekeeping; how much work it did."""
        self.keep_integrity_counted()
        done = 0
        if self.work_waiting():
            done = self.run_timers() + self.dispatch_events() + self.send_deliveries()
        return done + self.purge_expired()

    def drain(self, rounds: int = 20) -> None:
        """Run passes until there is nothing left to do (tests, and the CLI's demo)."""
        for _ in range(rounds):
            if self.run_once() == 0:
                return

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:
                log.exception("worker pass failed")
                busy = 0
            if not busy:
                self._stop.wait(self.settings.worker_interval_seconds)
            elif busy < BUSY_PASS:
                # A trickle of work (a flash sale's stream of orders): let it gather, so each
                # pass takes a batch instead of spinning three transactions per few events.
                # (At 50 ms the passes cost a flash-sale server a quarter of its CPU.)
                self._stop.wait(min(self.settings.worker_interval_seconds, TRICKLE_WAIT))

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="pintuan-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
