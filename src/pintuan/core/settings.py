"""Settings from the environment (``PINTUAN_*``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PINTUAN_", extra="ignore")

    database_url: str = "sqlite:///./pintuan.db"
    secret_key: str = Field(
        default="",
        description="Signs sandbox webhooks and encrypts stored secrets. Generated on first run "
        "into the data directory when empty.",
    )
    public_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    run_worker: bool = True
    worker_interval_seconds: float = 0.25
    hold_minutes: int = Field(default=15, ge=1, le=24 * 60)
    session_days: int = Field(default=30, ge=1)
    webhook_tolerance_seconds: int = 300
    webhook_max_attempts: int = 8
    sse_poll_seconds: float = 0.5
    idempotency_key_hours: int = Field(default=24, ge=1, le=24 * 30)
    purge_interval_seconds: float = Field(default=600, gt=0)
    integrity_check_minutes: float = Field(
        default=10, ge=0, description="How often a worker (one, however many processes run) "
        "counts the order detail rows that point at nothing (what ``pintuan check`` counts; "
        "those tables have no foreign keys) among the rows made since the last count, "
        "logging an error for each kind found; 0 = never.")
    integrity_check_rows: int = Field(
        default=10_000, ge=1, description="How many of the newest rows of each kind the "
        "worker's count reads (a bug that leaves rows dangling shows in them; ``pintuan "
        "check`` reads them all).")
    flash_ip_rate: float = Field(default=50, ge=0, description="Flash-sale buys per second "
                                 "per client IP (bursts of twice that), for all processes "
                                 "together through redis_url, else per process; 0 = off.")
    flash_shopper_rate: float = Field(default=2, ge=0, description="Flash-sale buys per "
                                      "second per shopper token, shared as flash_ip_rate is; "
                                      "0 = off.")
    redis_url: str | None = Field(default=None, description="Redis for state shared by the "
                                  "server processes (the flash-sale rate limits); without "
                                  "it, each process keeps its own.")
    flash_queue_max: int = Field(default=20_000, ge=1, description="Buys in flight (sent to "
                                 "a batch, not answered) per item and process; more wait in "
                                 "the waiting room.")
    flash_wait_seconds: float = Field(default=2.0, gt=0, le=30, description="How long a buy "
                                      "waits in the waiting room before it is answered 429 "
                                      "queued, with a ticket that keeps its place.")
    flash_room_max: int = Field(default=50_000, ge=1, description="Buys waiting per item "
                                "and process; more are answered 429 queued at once.")
