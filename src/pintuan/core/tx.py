"""The handle a service works through: one session inside one unit of work, and the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from pintuan.core.clock import Clock
from pintuan.core.settings import Settings


@dataclass(frozen=True)
class Tx:
    session: Session
    clock: Clock
    settings: Settings

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name
