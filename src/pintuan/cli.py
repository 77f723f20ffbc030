"""``pintuan serve | worker | migrate | demo | merchants-create | check``."""

from __future__ import annotations

import logging
import re
import signal
import threading
from datetime import UTC, datetime, timedelta

import typer
import uvicorn
from rich.console import Console
from rich.table import Table

from pintuan import container as containers
from pintuan import demo as demo_brand
from pintuan import migrate as migrations
from pintuan import wiring
from pintuan.api import create_app
from pintuan.core.settings import Settings
from pintuan.merchants import service as merchants

app = typer.Typer(help="pintuan: self-hosted social commerce.", no_args_is_help=True)
console = Console()


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    settings = Settings()
    migrations.upgrade(settings.database_url)
    console.print(f"[green]schema up to date[/] ({settings.database_url})")


@app.command()
def demo() -> None:
    """Create the demo brand (or issue a new key for it) and print how to use it."""
    settings = Settings()
    migrations.upgrade(settings.database_url)
    made = demo_brand.seed(containers.build(settings))
    base = settings.public_url.rstrip("/")
    console.print(f"[bold]Demo store[/] {made.slug} ({made.merchant_id})")
    console.print(f"Merchant API key (shown once): [bold yellow]{made.api_key}[/]")
    console.print(f"API docs:        {base}/docs")
    console.print(f"Store deals:     {base}/v1/stores/{made.slug}/deals")
    console.print(f"Storefront:      {base}/s/{made.slug}")
    console.print(f"Console:         {base}/console  (owner {made.staff_email}, "
                  f"password [bold yellow]{made.staff_password}[/])")
    if made.deal_id:
        console.print(f"Group-buy deal:  {made.deal_id}")


@app.command()
def serve(workers: int = typer.Option(1, min=1, max=64)) -> None:
    """Run the HTTP server (with the worker inside unless PINTUAN_RUN_WORKER=false)."""
    settings = Settings()
    migrations.upgrade(settings.database_url)
    logging.basicConfig(level=logging.INFO)
    if workers == 1:
        uvicorn.run(create_app(containers.build(settings)), host=settings.host,
                    port=settings.port, log_level="info")
    else:
        uvicorn.run("pintuan.asgi:app", host=settings.host, port=settings.port,
                    workers=workers, log_level="info")


@app.command()
def worker() -> None:
    """Run timers, event dispatch and webhook deliveries without serving HTTP."""
    settings = Settings()
    logging.basicConfig(level=logging.INFO)
    c = containers.build(settings)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    c.worker.start()
    console.print("worker running; Ctrl-C stops it")
    stop.wait()
    c.worker.stop()


@app.command("merchants-create")
def merchants_create(name: str, slug: str, currency: str = "CNY",
                     phone_region: str = "CN") -> None:
    """Create a merchant and print its first API key (shown once). An empty phone region
    makes shoppers give every phone number with its + country code."""
    settings = Settings()
    migrations.upgrade(settings.database_url)
    c = containers.build(settings)
    with c.db.write() as session:
        tx = c.tx(session)
        merchant = merchants.create_merchant(tx, name=name, slug=slug, currency=currency,
                                             phone_region=phone_region or None)
        key = merchants.issue_key(tx, merchant_id=merchant.id, label="first key")
    console.print(f"{merchant.id}  key: [bold yellow]{key.secret}[/]")


SPAN = re.compile(r"(\d+)([mhd])")
SPAN_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def _since(span: str | None) -> datetime | None:
    if span is None:
        return None
    found = SPAN.fullmatch(span.strip())
    if found is None:
        raise typer.BadParameter("a span like 30m, 12h or 7d", param_hint="--since")
    return datetime.now(UTC) - timedelta(**{SPAN_UNITS[found[2]]: int(found[1])})


@app.command()
def check(since: str | None = typer.Option(
        None, help="Only the rows made in this last span (30m, 12h, 7d), found by id on "
        "the primary keys: cheap on a large database. Default: every row.")) -> None:
    """Count order detail rows that point at nothing: order lines and flash-sale entries have
    no foreign keys (migration 0009), so nothing in the database refuses them (the worker
    counts the new rows every PINTUAN_INTEGRITY_CHECK_MINUTES). Exits 1 when any is
    found."""
    start = _since(since)
    c = containers.build(Settings())
    with c.db.read() as session:
        found = {kind: n for run in wiring.checks() for kind, n in run(session, start).items()}
    table = Table("check" if start is None else f"since {start:%Y-%m-%d %H:%M} UTC", "rows")
    for name, count in found.items():
        table.add_row(name, f"[red]{count}[/]" if count else "0")
    console.print(table)
    if any(found.values()):
        raise typer.Exit(1)
