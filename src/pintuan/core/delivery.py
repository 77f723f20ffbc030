"""Outbound HTTP deliveries: signed, retried with exponential backoff, every attempt logged.

A delivery is claimed in a short transaction (its next attempt moved a lease ahead), sent with
no transaction open, and its outcome recorded in another. A crash mid-send leaves the lease to
run out and the delivery to be sent again: receivers deduplicate by the event id.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import ForeignKey, Index, ScalarSelect, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from pintuan.core.db import Base
from pintuan.core.ids import new_id
from pintuan.core.secretbox import SecretBox
from pintuan.core.signing import sign
from pintuan.core.tx import Tx

LEASE = timedelta(seconds=30)
MAX_BACKOFF_SECONDS = 3600


class DeliveryRow(Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_due", "status", "next_attempt_at"),
        Index("ix_deliveries_merchant", "merchant_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(60))
    event_id: Mapped[str] = mapped_column(String(60))
    event_type: Mapped[str] = mapped_column(String(60))
    url: Mapped[str] = mapped_column(String(500))
    payload: Mapped[str] = mapped_column(Text)
    signature_header: Mapped[str] = mapped_column(String(60))
    secret_sealed: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    created_at: Mapped[datetime]
    last_status_code: Mapped[int | None] = mapped_column(default=None)


class DeliveryAttemptRow(Base):
    __tablename__ = "delivery_attempts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("deliveries.id"), index=True)
    at: Mapped[datetime]
    status_code: Mapped[int | None]
    duration_ms: Mapped[int]
    error: Mapped[str | None] = mapped_column(String(500))
    response_excerpt: Mapped[str | None] = mapped_column(String(500))


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    duration_ms: int
    error: str | None
    response_excerpt: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def enqueue(tx: Tx, *, merchant_id: str, target: str, event_id: str, event_type: str, url: str,
            payload: str, signature_header: str, secret_sealed: str) -> DeliveryRow:
    row = DeliveryRow(id=new_id("whd"), merchant_id=merchant_id, target=target,
                      event_id=event_id, event_type=event_type, url=url, payload=payload,
                      signature_header=signature_header, secret_sealed=secret_sealed,
                      next_attempt_at=tx.now(), created_at=tx.now())
    tx.session.add(row)
    return row


def first_due(now: datetime) -> ScalarSelect[str]:
    """The delivery due first, if one waits for an attempt (for the worker's look at its
    queues; ordered like ``claim_due``, see ``timers.first_due``)."""
    return (select(DeliveryRow.id)
            .where(DeliveryRow.status == "pending", DeliveryRow.next_attempt_at <= now)
            .order_by(DeliveryRow.next_attempt_at).limit(1).scalar_subquery())


def claim_due(tx: Tx, limit: int = 20) -> list[DeliveryRow]:
    stmt = (
        select(DeliveryRow)
        .where(DeliveryRow.status == "pending", DeliveryRow.next_attempt_at <= tx.now())
        .order_by(DeliveryRow.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = list(tx.session.scalars(stmt))
    for row in rows:
        row.next_attempt_at = tx.now() + LEASE
    return rows


def _excerpt(text: str) -> str:
    """What a receiver said, fit to store: 500 characters, NUL replaced (PostgreSQL refuses it)."""
    return text[:500].replace("\x00", "\ufffd")


def send(client: httpx.Client, box: SecretBox, row: DeliveryRow, *, now: int) -> Outcome:
    body = row.payload.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "pintuan-webhooks/1",
        row.signature_header: sign(box.open(row.secret_sealed), now, body),
        "Pintuan-Event-Id": row.event_id,
        "Pintuan-Delivery-Id": row.id,
    }
    started = time.perf_counter()
    try:
        response = client.post(row.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        took = int((time.perf_counter() - started) * 1000)
        return Outcome(None, took, _excerpt(f"{type(exc).__name__}: {exc}"), None)
    took = int((time.perf_counter() - started) * 1000)
    return Outcome(response.status_code, took, None, _excerpt(response.text))


def record(tx: Tx, *, delivery_id: str, outcome: Outcome, max_attempts: int) -> None:
    row = tx.session.get(DeliveryRow, delivery_id, with_for_update=True)
    if row is None or row.status != "pending":
        return
    row.attempts += 1
    row.last_status_code = outcome.status_code
    tx.session.add(DeliveryAttemptRow(
        id=new_id("wha"), delivery_id=row.id, at=tx.now(), status_code=outcome.status_code,
        duration_ms=outcome.duration_ms, error=outcome.error,
        response_excerpt=outcome.response_excerpt,
    ))
    if outcome.ok:
        row.status = "succeeded"
    elif row.attempts >= max_attempts:
        row.status = "failed"
    else:
        row.next_attempt_at = tx.now() + timedelta(
            seconds=min(2 ** row.attempts, MAX_BACKOFF_SECONDS))


def retry_now(tx: Tx, row: DeliveryRow) -> None:
    row.status = "pending"
    row.next_attempt_at = tx.now()


def page(tx: Tx, *, merchant_id: str, target_prefix: str, after: str | None,
         limit: int) -> list[DeliveryRow]:
    stmt = select(DeliveryRow).where(DeliveryRow.merchant_id == merchant_id,
                                     DeliveryRow.target.startswith(target_prefix))
    if after:
        stmt = stmt.where(DeliveryRow.id < after)
    return list(tx.session.scalars(stmt.order_by(DeliveryRow.id.desc()).limit(limit)))


def get(tx: Tx, *, merchant_id: str, delivery_id: str) -> DeliveryRow | None:
    return tx.session.scalar(select(DeliveryRow).where(
        DeliveryRow.merchant_id == merchant_id, DeliveryRow.id == delivery_id))


def attempts_of(tx: Tx, delivery_id: str) -> list[DeliveryAttemptRow]:
    stmt = select(DeliveryAttemptRow).where(DeliveryAttemptRow.delivery_id == delivery_id)
    return list(tx.session.scalars(stmt.order_by(DeliveryAttemptRow.id)))
