"""Flash-sale test data through the public API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests import factories as f


def event(h: Any, m: dict[str, str], *, sku_id: str | None = None, quota: int = 5,
          sale: int = 5000, start_in: timedelta = timedelta(0),
          length: timedelta = timedelta(hours=1), **over: Any) -> dict[str, Any]:
    """A one-slot event on one SKU (a fresh one with 100 in stock unless given)."""
    sku_id = sku_id or f.sku(h, m, price=10000, stock=100)
    start = h.clock.now() + start_in
    body = {"title": "Midnight tea", "items": [{"sku_id": sku_id, "sale_price_minor": sale,
                                                "quota": quota}],
            "slots": [{"starts_at": start.isoformat(),
                       "ends_at": (start + length).isoformat()}]} | over
    r = h.client.post("/v1/flash-sales", headers=f.auth(m), json=body)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def buy(h: Any, s: dict[str, str], item_id: str, quantity: int = 1,
        key: str | None = None) -> Any:
    headers = f.auth(s) | ({"Idempotency-Key": key} if key else {})
    return h.client.post("/v1/me/flash-orders", headers=headers,
                         json={"item_id": item_id, "quantity": quantity})


def stock(h: Any, m: dict[str, str], sku_id: str) -> dict[str, int]:
    level: dict[str, int] = h.client.get(f"/v1/skus/{sku_id}/stock",
                                         headers=f.auth(m)).json()["levels"][0]
    return level


def item(h: Any, m: dict[str, str], event_id: str) -> dict[str, Any]:
    r = h.client.get(f"/v1/flash-sales/{event_id}", headers=f.auth(m))
    out: dict[str, Any] = r.json()["items"][0]
    return out


def no_rate_limits(h: Any) -> None:
    """Tests that send many buys for one shopper at test speed."""
    h.c.settings = h.c.settings.model_copy(update={"flash_shopper_rate": 0})
