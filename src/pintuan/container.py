"""Everything a running pintuan needs, built once from settings."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.orm import Session

from pintuan.core.clock import Clock, SystemClock
from pintuan.core.db import Database
from pintuan.core.settings import Settings
from pintuan.core.tx import Tx
from pintuan.core.worker import Worker

TIMEOUT = httpx.Timeout(10.0)  # outbound deliveries: a receiver gets 10 s to answer


@dataclass
class Container:
    settings: Settings
    db: Database
    clock: Clock
    worker: Worker

    def tx(self, session: Session) -> Tx:
        return Tx(session=session, clock=self.clock, settings=self.settings)


def ensure_secret_key(settings: Settings) -> Settings:
    """Without PINTUAN_SECRET_KEY, keep a generated one beside a SQLite database."""
    if settings.secret_key:
        return settings
    if not settings.database_url.startswith("sqlite"):
        raise SystemExit("PINTUAN_SECRET_KEY must be set when the database is not SQLite")
    db_path = settings.database_url.split("///", 1)[-1] or "pintuan.db"
    key_file = Path(db_path).with_suffix(".secret")
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(32))
        key_file.chmod(0o600)
    return settings.model_copy(update={"secret_key": key_file.read_text().strip()})


def build(settings: Settings, *, db: Database | None = None, clock: Clock | None = None,
          http: httpx.Client | None = None) -> Container:
    from pintuan import wiring

    settings = ensure_secret_key(settings)
    db = db or Database.for_url(settings.database_url)
    clock = clock or SystemClock()
    http = http or httpx.Client(timeout=TIMEOUT)
    worker = Worker(db=db, clock=clock, settings=settings, http=http,
                    timer_handlers=wiring.timer_handlers(), event_consumers=wiring.consumers(),
                    checks=wiring.checks())
    return Container(settings=settings, db=db, clock=clock, worker=worker)
