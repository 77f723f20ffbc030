"""One of everything a merchant owns, by capability, for tests that walk the whole API.

Each ``Capability`` names:

- ``seed(h, merchant)``: creates one of each of its resources through the API and returns
  their ids by the path-parameter name that addresses them (``deal_id``, ``event_id`` ...);
  a few more ids (``item_id``, ``link_id`` ...) ride along so a test can look for them in
  answers that should not name them.
- ``reads``: GET path templates whose answers, for the seeding merchant, must not change
  while another merchant tries its hand.
- ``bodies(ids, now)``: a valid request body per operation that needs one, naming the
  seeding merchant's rows, so that only tenancy can refuse the request.

tests/api/test_tenancy.py walks every merchant operation of /openapi.json with these;
tests/api/test_fuzz.py fuzzes with their ids, the merchant's own and another's. A capability
added later adds an entry to ``CAPABILITIES``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tests import factories as f
from tests.creators import helpers as cr
from tests.flashsale import helpers as fs

Ids = dict[str, str]
Op = tuple[str, str]
Body = dict[str, Any]


@dataclass(frozen=True)
class Capability:
    name: str
    provides: frozenset[str]
    seed: Callable[[Any, dict[str, str]], Ids]
    reads: tuple[str, ...]
    bodies: Callable[[Mapping[str, str], datetime], dict[Op, Body]]


def _ok(r: Any, status: int = 201) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def _core(h: Any, m: dict[str, str]) -> Ids:
    """A webhook endpoint, a deal with a paid group order, a spare API key, a delivery."""
    endpoint = _ok(h.client.post("/v1/webhook-endpoints", headers=f.auth(m),
                                 json={"url": "http://127.0.0.1:9/hook"}))
    deal = f.deal(h, m)
    a = f.shopper(h, m)
    opened = _ok(h.client.post("/v1/me/groups", headers=f.auth(a),
                               json={"deal_id": deal["id"]}))
    f.pay(h, a, opened["order"]["id"])
    key = _ok(h.client.post("/v1/api-keys", headers=f.auth(m), json={"label": "spare"}))
    h.drain()
    delivery = _ok(h.client.get("/v1/webhook-deliveries", headers=f.auth(m)), 200)["data"][0]
    product = _ok(h.client.get("/v1/products", headers=f.auth(m)), 200)["data"][0]
    return {"product_id": product["id"], "sku_id": deal["sku_id"], "deal_id": deal["id"],
            "group_id": opened["group"]["id"], "order_id": opened["order"]["id"],
            "endpoint_id": endpoint["id"], "delivery_id": delivery["id"], "key_id": key["id"],
            "shopper_id": a["id"]}


def _core_bodies(ids: Mapping[str, str], now: datetime) -> dict[Op, Body]:
    return {
        ("POST", "/v1/products/{product_id}/skus"): {"code": "X-1", "title": "x",
                                                     "list_price_minor": 100},
        ("POST", "/v1/skus/{sku_id}/price"): {"list_price_minor": 90},
        ("POST", "/v1/skus/{sku_id}/stock/receive"): {"quantity": 5},
        ("POST", "/v1/deals"): {"sku_id": ids["sku_id"], "title": "Stolen",
                                "group_price_minor": 10, "team_size": 2, "quota": 5,
                                "starts_at": now.isoformat(),
                                "ends_at": (now + timedelta(days=2)).isoformat()},
        ("POST", "/v1/products"): {"title": "Own", "skus": []},
        ("POST", "/v1/api-keys"): {"label": "own"},
        ("POST", "/v1/webhook-endpoints"): {"url": "http://127.0.0.1:9/own"},
        ("POST", "/v1/orders/{order_id}/refunds"): {"amount_minor": 1},
    }


CORE = Capability(
    name="core",
    provides=frozenset({"product_id", "sku_id", "deal_id", "group_id", "order_id",
                        "endpoint_id", "delivery_id", "key_id", "shopper_id"}),
    seed=_core,
    reads=("/v1/merchant", "/v1/products", "/v1/products/{product_id}", "/v1/skus/{sku_id}",
           "/v1/skus/{sku_id}/prices", "/v1/skus/{sku_id}/stock", "/v1/deals",
           "/v1/deals/{deal_id}", "/v1/groups", "/v1/groups/{group_id}", "/v1/orders",
           "/v1/orders/{order_id}", "/v1/api-keys", "/v1/webhook-endpoints",
           "/v1/webhook-deliveries", "/v1/webhook-deliveries/{delivery_id}", "/v1/events"),
    bodies=_core_bodies,
)


def _flashsale(h: Any, m: dict[str, str]) -> Ids:
    """A live one-slot event with one item, bought once."""
    ev = fs.event(h, m, quota=5)
    item = ev["items"][0]
    bought = _ok(fs.buy(h, f.shopper(h, m), item["id"]))
    return {"event_id": ev["id"], "item_id": item["id"], "slot_id": ev["slots"][0]["id"],
            "flash_sku_id": item["sku_id"], "flash_order_id": bought["id"]}


def _flashsale_bodies(ids: Mapping[str, str], now: datetime) -> dict[Op, Body]:
    return {("POST", "/v1/flash-sales"): {
        "title": "Stolen", "items": [{"sku_id": ids["flash_sku_id"], "sale_price_minor": 1,
                                      "quota": 1}],
        "slots": [{"starts_at": (now + timedelta(hours=1)).isoformat(),
                   "ends_at": (now + timedelta(hours=2)).isoformat()}]}}


FLASHSALE = Capability(
    name="flashsale",
    provides=frozenset({"event_id", "item_id", "slot_id", "flash_sku_id", "flash_order_id"}),
    seed=_flashsale,
    reads=("/v1/flash-sales", "/v1/flash-sales/{event_id}", "/v1/flash-sales/{event_id}/report",
           "/v1/skus/{flash_sku_id}/stock", "/v1/orders/{flash_order_id}"),
    bodies=_flashsale_bodies,
)

AUDIENCE = {"followers": [{"followers": 300, "following": 200, "posts": 500,
                           "account_age_days": 900, "default_avatar": False,
                           "has_bio": True}],
            "daily_followers": [1000, 1010, 1020], "avg_likes": 40, "avg_comments": 4}


def _creators(h: Any, m: dict[str, str]) -> Ids:
    """A program with a rate card, a member creator with a link, a code, an audience report,
    a bonus contract, and a referred sale whose commission went into a payout batch."""
    prog = cr.program(h, m, holding_days=0)
    a = f.auth(m)
    _ok(h.client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=a,
                      json={"kind": "percent", "bps": 1000}))
    creator = cr.creator(h, m, prog)
    link = cr.link(h, m, prog, creator)
    cr.code(h, m, prog, creator)
    _ok(h.client.post(f"/v1/creators/{creator['id']}/audience", headers=a, json=AUDIENCE))
    now = h.clock.now()
    contract = _ok(h.client.post(f"/v1/programs/{prog['id']}/bonus-contracts", headers=a, json={
        "creator_id": creator["id"], "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=1)).isoformat(),
        "tiers": [{"gmv_target_minor": 100_000, "bonus_minor": 5_000}]}))
    order_id = cr.completed_sale(h, m, f.shopper(h, m), f.deal(h, m, team_size=2),
                                 cr.click(h, link))
    commission = _ok(h.client.get("/v1/commissions", headers=a), 200)["data"][0]
    batch = _ok(h.client.post("/v1/payout-batches", headers=a, json={}))
    return {"program_id": prog["id"], "creator_id": creator["id"], "link_id": link["id"],
            "contract_id": contract["id"], "commission_id": commission["id"],
            "batch_id": batch["id"], "payout_id": batch["payouts"][0]["id"],
            "referred_order_id": order_id}


def _creators_bodies(ids: Mapping[str, str], now: datetime) -> dict[Op, Body]:
    creator = {"creator_id": ids["creator_id"]}
    return {
        ("POST", "/v1/programs"): {"name": "Own club"},
        ("POST", "/v1/creators"): {"name": "Poached", "recruited_by": ids["creator_id"]},
        ("POST", "/v1/programs/{program_id}/invitations"): creator,
        ("POST", "/v1/programs/{program_id}/links"): creator,
        ("POST", "/v1/programs/{program_id}/codes"): creator | {"code": "STOLEN1"},
        ("POST", "/v1/programs/{program_id}/rate-cards"): creator | {"kind": "percent",
                                                                     "bps": 9000},
        ("POST", "/v1/programs/{program_id}/bonus-contracts"): creator | {
            "starts_at": now.isoformat(), "ends_at": (now + timedelta(days=1)).isoformat(),
            "tiers": [{"gmv_target_minor": 1, "bonus_minor": 1}]},
        ("POST", "/v1/creators/{creator_id}/payouts"): {"amount_minor": 1},
        ("POST", "/v1/creators/{creator_id}/audience"): AUDIENCE,
        ("POST", "/v1/payouts/{payout_id}/fail"): {"reason": "stolen"},
        ("POST", "/v1/payout-batches"): {},
    }


CREATORS = Capability(
    name="creators",
    provides=frozenset({"program_id", "creator_id", "link_id", "contract_id", "commission_id",
                        "batch_id", "payout_id", "referred_order_id"}),
    seed=_creators,
    reads=("/v1/programs", "/v1/programs/{program_id}", "/v1/programs/{program_id}/members",
           "/v1/programs/{program_id}/rate-cards", "/v1/programs/{program_id}/leaderboard",
           "/v1/programs/{program_id}/bonus-contracts", "/v1/creators",
           "/v1/creators/{creator_id}", "/v1/creators/{creator_id}/earnings",
           "/v1/creators/{creator_id}/audience", "/v1/commissions",
           "/v1/commissions/{commission_id}", "/v1/payout-batches",
           "/v1/payout-batches/{batch_id}", "/v1/payout-batches/{batch_id}/audit",
           "/v1/payout-batches/{batch_id}/export.csv", "/v1/bonus-contracts/{contract_id}",
           "/v1/orders/{referred_order_id}/attribution"),
    bodies=_creators_bodies,
)

CAPABILITIES = (CORE, FLASHSALE, CREATORS)


def providing(names: Iterable[str]) -> list[Capability]:
    """The capabilities whose seeds provide any of these names."""
    wanted = set(names)
    return [c for c in CAPABILITIES if c.provides & wanted]


def seed(h: Any, m: dict[str, str], capabilities: Iterable[Capability] = CAPABILITIES) -> Ids:
    """Seed each capability for merchant ``m``; all their ids in one mapping."""
    ids: Ids = {}
    for cap in capabilities:
        got = cap.seed(h, m)
        assert set(got) == cap.provides, (cap.name, sorted(set(got) ^ cap.provides))
        ids |= got
    return ids


def bodies(ids: Mapping[str, str], now: datetime) -> dict[Op, Body]:
    out: dict[Op, Body] = {}
    for cap in CAPABILITIES:
        made = cap.bodies(ids, now)
        assert not set(made) & set(out), cap.name
        out |= made
    return out


def snapshot(h: Any, m: dict[str, str], ids: Mapping[str, str]) -> dict[str, Any]:
    """What the merchant reads at every ``reads`` path: status and body."""
    out: dict[str, Any] = {}
    for cap in CAPABILITIES:
        for template in cap.reads:
            r = h.client.get(template.format(**ids), headers=f.auth(m))
            assert r.status_code == 200, (template, r.text)
            body = r.json() if r.headers["content-type"].startswith("application/") else r.text
            out[template] = body
    return out
