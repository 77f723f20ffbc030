"""Every table, for migrations and for tests that compare the schema to them."""

from __future__ import annotations

from sqlalchemy import MetaData


def metadata() -> MetaData:
    from pintuan import wiring  # noqa: F401  (imports every capability's tables)
    from pintuan.catalog import store as _catalog  # noqa: F401
    from pintuan.core import delivery, idempotency, outbox, timers  # noqa: F401
    from pintuan.core.db import Base
    from pintuan.creators import audience_store as _audience  # noqa: F401
    from pintuan.creators import payout_store as _payouts  # noqa: F401
    from pintuan.merchants import store as _merchants  # noqa: F401
    from pintuan.payments import sandbox  # noqa: F401
    from pintuan.shoppers import store as _shoppers  # noqa: F401
    from pintuan.web import store as _web  # noqa: F401
    from pintuan.webhooks import store as _webhooks  # noqa: F401

    return Base.metadata
