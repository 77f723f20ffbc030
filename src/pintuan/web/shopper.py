"""The signed-in shopper of a page (from the session cookie), and use cases that pages run
under an idempotency key so a double-submitted form acts once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from pintuan.core import idempotency
from pintuan.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    Unauthorized,
    ValidationFailed,
)
from pintuan.core.tx import Tx
from pintuan.merchants.store import MerchantRow
from pintuan.shoppers import service as shoppers
from pintuan.shoppers.store import ShopperRow
from pintuan.web.pages import SHOPPER_COOKIE, Page, SignInRequired

KINDS: dict[int, type[DomainError]] = {403: Forbidden, 404: NotFound, 409: Conflict,
                                      422: ValidationFailed}


def current(p: Page, tx: Tx, merchant_id: str) -> ShopperRow | None:
    """The shopper signed in to this store, or None."""
    token = p.request.cookies.get(SHOPPER_COOKIE)
    if not token:
        return None
    try:
        row = shoppers.authenticate(tx, token=token)
    except Unauthorized:
        return None
    return row if row.merchant_id == merchant_id else None


def required(p: Page, tx: Tx, merchant: MerchantRow, *, back: str) -> ShopperRow:
    row = current(p, tx, merchant.id)
    if row is None:
        raise SignInRequired(f"/s/{merchant.slug}/signin?next={quote(back, safe='')}")
    return row


def run_once(p: Page, *, scope: str, nonce: str, what: str,
             action: Callable[[Tx], dict[str, Any]]) -> dict[str, Any]:
    """Run a creating form action once per form nonce; replays answer the first outcome.
    An error outcome is raised again as the domain error it was."""
    key = nonce if 8 <= len(nonce) <= 64 else None
    fp = idempotency.fingerprint("POST", p.request.url.path, what.encode())

    def run(tx: Tx) -> idempotency.Outcome:
        return 200, action(tx)

    status, body = idempotency.run(p.c.db, p.c.tx, scope=scope, key=key,
                                   request_fingerprint=fp, action=run)
    if status >= 400:
        kind = KINDS.get(status, DomainError)
        raise kind(str(body.get("detail", "")), code=str(body.get("code")))
    result: dict[str, Any] = body
    return result
