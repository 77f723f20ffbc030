"""The buy, answered before the app's router, is described in /openapi.json like the others."""

from __future__ import annotations

from tests import factories as f
from tests.flashsale.helpers import buy, event


def test_the_buy_is_in_openapi_with_its_body_answers_and_problems(h):
    schema = h.client.get("/openapi.json").json()
    op = schema["paths"]["/v1/me/flash-orders"]["post"]
    body = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body == "#/components/schemas/FlashBuyIn"
    buy_in = schema["components"]["schemas"]["FlashBuyIn"]
    assert buy_in["required"] == ["item_id"]
    assert set(buy_in["properties"]) == {"item_id", "quantity", "ref"}
    assert set(op["responses"]) == {"201", "401", "404", "409", "413", "422", "429", "503"}
    assert "sold_out" in op["responses"]["409"]["description"]
    assert "shopper_limit_exceeded" in op["responses"]["409"]["description"]
    queued = op["responses"]["429"]["content"]["application/problem+json"]["schema"]
    assert queued["$ref"] == "#/components/schemas/Queued"
    assert {"ticket", "position", "estimated_wait_seconds", "retry_after"} <= set(
        schema["components"]["schemas"]["Queued"]["properties"])
    assert {p["name"] for p in op["parameters"]} == {"Idempotency-Key", "Flash-Ticket"}
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_a_real_201_has_every_documented_field(h):
    m = f.merchant(h)
    ev = event(h, m, quota=2)
    r = buy(h, f.shopper(h, m), ev["items"][0]["id"])
    assert r.status_code == 201, r.text
    documented = h.client.get("/openapi.json").json()["components"]["schemas"]["FlashOrderOut"]
    assert set(r.json()) == set(documented["properties"])
    assert set(documented["required"]) == set(r.json())
