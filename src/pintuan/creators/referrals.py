"""Clicks on referral links, and the attribution snapshot taken when an order is created.

A click is recorded with its time, referrer, device class and a keyed hash of the IP (never
the IP itself), against a visitor token the browser keeps in a first-party cookie. When that
browser's shopper orders, the visitor's clicks become the shopper's, so a later order from
another device still sees them. The credit is decided once, inside the order's transaction,
and never recomputed: the snapshot is what commissions are paid on.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from pintuan.core import outbox
from pintuan.core.errors import NotFound, ValidationFailed
from pintuan.core.ids import new_id, new_token
from pintuan.core.tx import Tx
from pintuan.creators import store
from pintuan.creators.attribution import (
    Click,
    CodeUse,
    Decision,
    Party,
    Rules,
    decide,
    self_referral,
    strongest,
)
from pintuan.creators.model import (
    TOKEN,
    AttributionModel,
    CreatorStatus,
    Precedence,
    device_class,
    normal_code,
    normal_email,
)
from pintuan.creators.store import (
    AttributionRow,
    BindingRow,
    ClickRow,
    CodeRow,
    CreatorRow,
    LinkRow,
    ProgramRow,
)
from pintuan.orders.service import AfterBulk, Buyers, Made
from pintuan.orders.store import OrderRow
from pintuan.shoppers import store as shoppers

MAX_WINDOW = timedelta(days=365)


@dataclass(frozen=True)
class Recorded:
    link: LinkRow
    click: ClickRow


def ip_hash(secret_key: str, ip: str) -> str:
    """Keyed, so the hash of every IPv4 address cannot be tabulated."""
    return hmac.new(secret_key.encode(), f"pintuan-ip:{ip}".encode(),
                    hashlib.sha256).hexdigest()


def record_click(tx: Tx, *, token: str, visitor: str | None, referrer: str | None,
                 user_agent: str, ip: str) -> Recorded:
    link = store.link_by_token(tx, token) if TOKEN.match(token) else None
    if link is None:
        raise NotFound("no such referral link", code="link_not_found")
    row = ClickRow(id=new_id("clk"), merchant_id=link.merchant_id, link_id=link.id,
                   program_id=link.program_id, creator_id=link.creator_id,
                   visitor=visitor if visitor and TOKEN.match(visitor) else new_token(16),
                   at=tx.now(), referrer=(referrer or None) and referrer[:500],
                   device_class=device_class(user_agent),
                   ip_hash=ip_hash(tx.settings.secret_key, ip))
    store.add(tx, row)
    return Recorded(link=link, click=row)


def rules_of(program: ProgramRow) -> Rules:
    return Rules(model=AttributionModel(program.attribution_model),
                 window=timedelta(days=program.window_days), bind_once=program.bind_once,
                 precedence=Precedence(program.precedence))


def _code_use(tx: Tx, merchant_id: str, value: str | None) -> CodeRow | None:
    if not value:
        return None
    found = store.code(tx, merchant_id, normal_code(value))
    if found is None:
        raise ValidationFailed(f"no creator code {value!r}", code="unknown_creator_code")
    return found


def _decision(tx: Tx, order: OrderRow, visitor: str | None,
              code: CodeRow | None) -> tuple[ProgramRow, Decision] | None:
    """The strongest credit over the programs this order touches; creators removed from a
    program earn nothing more from it."""
    now = tx.now()
    clicks = store.touches(tx, order.merchant_id, shopper_id=order.shopper_id, visitor=visitor,
                           since=now - MAX_WINDOW)
    bound = store.bindings(tx, order.merchant_id, order.shopper_id)
    ids = {c.program_id for c in clicks} | set(bound) | ({code.program_id} if code else set())
    programs = {p.id: p for p in store.programs_by_id(tx, ids).values()
                if p.active and p.merchant_id == order.merchant_id}
    active = store.active_pairs(tx, set(programs))
    decisions = []
    for pid, prog in programs.items():
        bound_to = bound.get(pid)
        made = decide(rules_of(prog), now=now,
                      clicks=[Click(c.id, c.creator_id, c.at) for c in clicks
                              if c.program_id == pid and (pid, c.creator_id) in active],
                      code=(CodeUse(code.code, code.creator_id) if code is not None
                            and (pid, code.creator_id) in active and code.program_id == pid
                            else None),
                      bound_to=bound_to if (pid, bound_to) in active else None)
        if made is not None:
            decisions.append((pid, made))
    best = strongest(decisions)
    return None if best is None else (programs[best[0]], best[1])


DUPLICATE_WITHIN = timedelta(minutes=10)
FLOOD_PERIOD = timedelta(hours=1)


def _flags(tx: Tx, program: ProgramRow, creator: CreatorRow, order: OrderRow,
           decision: Decision) -> list[str]:
    """Fraud rules: the commission of a flagged order is held for the merchant. Phones are
    compared in E.164 (core.phone); a creator linked to a shopper account took its phone
    when the profile was made. The payment rule runs later, when the order is paid
    (creators.fraud)."""
    buyer = shoppers.get(tx, order.merchant_id, order.shopper_id)
    assert buyer is not None
    flags = self_referral(
        Party(creator.shopper_id, normal_email(creator.email), creator.phone),
        Party(buyer.id, normal_email(buyer.email), buyer.phone))
    if creator.status == CreatorStatus.BANNED.value:
        flags.append("banned_referrer")
    decisive = store.click(tx, decision.click_id) if decision.click_id else None
    if decisive is not None and store.clicks_from(
            tx, creator.id, decisive.ip_hash, since=decisive.at - FLOOD_PERIOD,
            until=decisive.at) > program.flood_clicks_per_hour:
        flags.append("click_flood")
    if store.recent_twins(tx, order, creator.id, since=tx.now() - DUPLICATE_WITHIN):
        flags.append("duplicate_order")
    return flags


def attribute_order(tx: Tx, order: OrderRow, context: Mapping[str, str]) -> None:
    """Order listener: decide and snapshot who referred this order, if anyone."""
    visitor = context.get("visitor")
    visitor = visitor if visitor and TOKEN.match(visitor) else None
    code = _code_use(tx, order.merchant_id, context.get("code"))
    if visitor is not None:
        store.claim_visitor(tx, order.merchant_id, visitor=visitor, shopper_id=order.shopper_id)
    found = _decision(tx, order, visitor, code)
    if found is None:
        return
    program, decision = found
    creator = store.creator(tx, order.merchant_id, decision.creator_id)
    assert creator is not None
    rules = rules_of(program)
    row = AttributionRow(
        order_id=order.id, merchant_id=order.merchant_id, program_id=program.id,
        creator_id=creator.id, source=decision.source.value, click_id=decision.click_id,
        code=decision.code, flags=_flags(tx, program, creator, order, decision),
        created_at=tx.now(),
        rules={"model": rules.model.value, "window_days": program.window_days,
               "bind_once": rules.bind_once, "precedence": rules.precedence.value})
    store.add(tx, row)
    if program.bind_once:
        store.bind(tx, BindingRow(program_id=program.id, shopper_id=order.shopper_id,
                                  merchant_id=order.merchant_id, creator_id=creator.id,
                                  order_id=order.id, bound_at=tx.now()))
    outbox.emit(tx, merchant_id=order.merchant_id, type="order.attributed",
                data={"attribution": attribution_data(row)})


def attribute_orders(tx: Tx, buyers: Buyers) -> AfterBulk | None:
    """Bulk form of ``attribute_order`` for orders made many at a time (a flash-sale batch),
    asked before they are written: one query finds the buyers a creator may have brought
    (a click signed in, a binding); only their orders and those whose request carried
    referral context will be decided, each as ``attribute_order`` decides it. None when no
    buyer is one of them (the usual case: nothing to do after the orders are written)."""
    by_merchant: dict[str, set[str]] = {}
    for merchant_id, shopper_id, _ in buyers:
        by_merchant.setdefault(merchant_id, set()).add(shopper_id)
    since = tx.now() - MAX_WINDOW
    touched = {(m, s) for m, ids in by_merchant.items()
               for s in store.touched(tx, m, ids, since=since)}
    chosen = {(m, s) for m, s, context in buyers if context or (m, s) in touched}
    if not chosen:
        return None

    def decide(tx: Tx, made: Made) -> None:
        for values, context in made:
            if (values["merchant_id"], values["shopper_id"]) in chosen:
                attribute_order(tx, OrderRow(**values), context)
    return decide


def attribution_data(row: AttributionRow) -> dict[str, object]:
    return {"order_id": row.order_id, "program_id": row.program_id,
            "creator_id": row.creator_id, "source": row.source, "click_id": row.click_id,
            "code": row.code, "flags": list(row.flags)}
