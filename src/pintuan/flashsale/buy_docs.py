"""``POST /v1/me/flash-orders`` in /openapi.json.

The buy is answered before the app's router (``buy_api.front_door``: no Pydantic on the hot
path), so FastAPI does not describe it. These models exist only to describe it: the app's
schema gets the path item built from them, and the handler never runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from pintuan.flashsale.buy_api import MAX_BODY, PATH
from pintuan.schemas import Request, Resource


class FlashBuyIn(Request):
    item_id: str = Field(min_length=1, max_length=40, description="A flash-sale item id.")
    quantity: int = Field(default=1, ge=1, description="At most the event's per-order limit.")
    ref: str | None = Field(default=None, min_length=1, max_length=64,
                            description="The referral visitor token, for clients without "
                            "the ``pt_ref`` cookie a referral link sets.")


class FlashOrderOut(Resource):
    id: str
    status: str = Field(description="``pending_payment``: pay before ``hold_expires_at``.")
    kind: str = Field(description="``flashsale``.")
    ref: str = Field(description="The item id.")
    shopper_id: str
    total_minor: int
    currency: str
    captured_minor: int
    refunded_minor: int
    item_id: str
    quantity: int
    slot_id: str
    hold_expires_at: str


class Problem(Resource):
    type: str
    title: str
    status: int
    detail: str
    code: str


class Queued(Problem):
    ticket: str = Field(description="Send it back in the ``Flash-Ticket`` header.")
    position: int = Field(description="At most this many buys are ahead of this one, this "
                          "one included.")
    estimated_wait_seconds: int
    retry_after: int = Field(description="Seconds, as in the ``Retry-After`` header.")


def _problem(description: str, codes: list[str], model: str = "Problem") -> dict[str, Any]:
    return {"description": f"{description} (``code``: {', '.join(codes)})",
            "content": {"application/problem+json": {
                "schema": {"$ref": f"#/components/schemas/{model}"}}}}


def _header(name: str, description: str, max_length: int) -> dict[str, Any]:
    return {"name": name, "in": "header", "required": False, "description": description,
            "schema": {"type": "string", "minLength": 1, "maxLength": max_length}}


def _operation() -> dict[str, Any]:
    created = {"description": "The order, pending payment, stored before this answer.",
               "content": {"application/json": {
                   "schema": {"$ref": "#/components/schemas/FlashOrderOut"}}}}
    return {
        "tags": ["flash sales"], "summary": "Buy a flash-sale item",
        "operationId": "flash_buy",
        "description": "The hot path: requests for one item are decided together, in arrival "
        "order, in one transaction. See the 429 ``queued`` answer for the waiting room.",
        "security": [{"HTTPBearer": []}],
        "parameters": [_header("Idempotency-Key", "Replays the first answer.", 255),
                       _header("Flash-Ticket", "The ticket of a ``queued`` answer.", 100)],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/FlashBuyIn"}}}},
        "responses": {
            "201": created,
            "401": _problem("No or a bad shopper token",
                            ["missing_credentials", "invalid_shopper_token"]),
            "404": _problem("No such item in the shopper's store", ["item_not_found"]),
            "409": _problem("Not sold", ["sold_out", "shopper_limit_exceeded",
                                         "slot_not_started", "event_ended"]),
            "422": _problem("A bad body or key",
                            ["malformed_json", "invalid_request", "bad_quantity",
                             "bad_idempotency_key", "idempotency_key_reused"]),
            "413": _problem(f"A body over {MAX_BODY} bytes", ["body_too_large"]),
            "429": _problem("Over a rate, or in line (``queued``, with a ticket, a position "
                            "and an estimated wait; ``Retry-After`` says when to come back)",
                            ["rate_limited_ip", "rate_limited_shopper", "queued",
                             "queue_full"], model="Queued"),
            "503": _problem("Not known to be stored: retry with the same Idempotency-Key",
                            ["try_again"]),
        }}


def _add(schema: dict[str, Any]) -> None:
    models: list[tuple[type[BaseModel], Any]] = [
        (m, "validation") for m in (FlashBuyIn, FlashOrderOut, Problem, Queued)]
    _, defs = models_json_schema(models, ref_template="#/components/schemas/{model}")
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {}).update(defs["$defs"])
    components.setdefault("securitySchemes", {}).setdefault(
        "HTTPBearer", {"type": "http", "scheme": "bearer"})
    schema["paths"][PATH] = {"post": _operation()}


def install(app: FastAPI) -> None:
    """Have the app's OpenAPI schema describe the buy too."""
    base: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        fresh = app.openapi_schema is None
        schema = base()
        if fresh:
            _add(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
