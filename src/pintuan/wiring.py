"""Where capabilities plug into the core: timer handlers, event consumers, providers."""

from __future__ import annotations

from pintuan.core import outbox, timers
from pintuan.core.worker import Check, EventConsumer
from pintuan.creators import bonuses, commissions, referrals
from pintuan.flashsale import announce
from pintuan.flashsale import lifecycle as flash_orders
from pintuan.flashsale import service as flashsale
from pintuan.flashsale import store as flash_store
from pintuan.groupbuy import lifecycle
from pintuan.orders import service as orders
from pintuan.orders import store as order_store
from pintuan.payments import provider
from pintuan.payments.sandbox import SandboxProvider
from pintuan.webhooks import service as webhooks

provider.install(SandboxProvider())
orders.on_created(referrals.attribute_order, bulk=referrals.attribute_orders)


def timer_handlers() -> dict[str, timers.Handler]:
    return {orders.HOLD_TIMER: orders.expire_hold, lifecycle.DEADLINE_TIMER: lifecycle.settle,
            commissions.PAYABLE_TIMER: commissions.make_payable,
            bonuses.SETTLE_TIMER: bonuses.settle, flashsale.END_TIMER: flashsale.end_event,
            announce.EDGE_TIMER: announce.slot_edge,
            flash_orders.HOLD_TIMER: flash_orders.expire_batch}


CONSUMERS = ((commissions.consume, commissions.interest), (webhooks.dispatch, webhooks.interest))
for _consume, _interest in CONSUMERS:
    outbox.declare_interest(_interest)


def consumers() -> list[EventConsumer]:
    return [consume for consume, _ in CONSUMERS]


def checks() -> list[Check]:
    """The order detail tables without foreign keys (migration 0009): rows pointing at
    nothing, for ``pintuan check`` and the worker's periodic count."""
    return [order_store.dangling_lines, flash_store.dangling_entries]
