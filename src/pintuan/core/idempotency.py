"""``Idempotency-Key``: the same key and body replays the first answer; another body is refused.

The key row is written in the same transaction as the change it guards, and the answer (an
error answer included) is stored with it, so a retry after a timeout never acts twice. Keys
are kept for ``Settings.idempotency_key_hours`` (24 by default, as Stripe does); the worker
purges older ones, after which the same key acts again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from pintuan.core.db import Base, Database, insert_ignore
from pintuan.core.errors import DomainError, ValidationFailed
from pintuan.core.tx import Tx

Outcome = tuple[int, Any]


class IdempotencyRow(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (Index("ix_idempotency_keys_created", "created_at"),)

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(default=None)
    response: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    created_at: Mapped[datetime]


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def _replay(session: Session, *, scope: str, key: str, request_fingerprint: str) -> Outcome:
    """The stored answer for a key seen before; another request under it is refused."""
    row = session.scalar(
        select(IdempotencyRow).where(IdempotencyRow.scope == scope, IdempotencyRow.key == key)
    )
    assert row is not None
    assert row.status_code is not None
    if row.fingerprint != request_fingerprint:
        raise ValidationFailed(
            "this Idempotency-Key was used with another request", code="idempotency_key_reused"
        )
    return row.status_code, row.response


def run(
    db: Database,
    make_tx: Callable[[Any], Tx],
    *,
    scope: str,
    key: str | None,
    request_fingerprint: str,
    action: Callable[[Tx], Outcome],
) -> Outcome:
    """Run action in one writing unit of work, honouring an idempotency key when given."""
    with db.write() as session:
        tx = make_tx(session)
        if key is None:
            return action(tx)
        if not 1 <= len(key) <= 255 or "\x00" in key:
            raise ValidationFailed("Idempotency-Key must be 1-255 characters, none of them NUL",
                                   code="bad_idempotency_key")
        inserted = insert_ignore(
            session,
            IdempotencyRow.__table__,
            {"scope": scope, "key": key, "fingerprint": request_fingerprint,
             "created_at": tx.now()},
        )
        if not inserted:
            return _replay(session, scope=scope, key=key, request_fingerprint=request_fingerprint)
        savepoint = session.begin_nested()
        try:
            status, body = action(tx)
            savepoint.commit()
        except DomainError as exc:
            savepoint.rollback()
            status, body = exc.status, exc.problem()
        row = session.get(IdempotencyRow, (scope, key))
        assert row is not None
        row.status_code, row.response = status, body
        return status, body


def purge(tx: Tx, *, older_than: datetime) -> int:
    """Forget keys created before older_than; how many were removed."""
    stmt = delete(IdempotencyRow).where(IdempotencyRow.created_at < older_than)
    return int(getattr(tx.session.execute(stmt), "rowcount", 0) or 0)
