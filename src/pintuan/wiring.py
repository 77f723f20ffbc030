"""Where capabilities plug into the core: timer handlers, event consumers, providers."""

from __future__ import annotations

from pintuan.core import timers
from pintuan.core.worker import EventConsumer
from pintuan.groupbuy import lifecycle
from pintuan.orders import service as orders
from pintuan.payments import provider
from pintuan.payments.sandbox import SandboxProvider
from pintuan.webhooks import service as webhooks

provider.install(SandboxProvider())


def timer_handlers() -> dict[str, timers.Handler]:
    return {orders.HOLD_TIMER: orders.expire_hold, lifecycle.DEADLINE_TIMER: lifecycle.settle}


def consumers() -> list[EventConsumer]:
    return [webhooks.dispatch]
