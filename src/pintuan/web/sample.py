"""Sample activity for a store: past days of groups opened, joined, paid, completed or
failed, and deal page views, made through the same use cases shoppers and the payment
provider's webhook go through. It gives the dashboard and page benchmarks real data."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from pintuan.container import Container
from pintuan.core.clock import FakeClock
from pintuan.core.ids import new_id
from pintuan.core.tx import Tx
from pintuan.groupbuy import deals, lifecycle, service
from pintuan.groupbuy.deals import DealSpec
from pintuan.groupbuy.model import Overflow
from pintuan.orders import service as orders
from pintuan.payments import service as payments
from pintuan.payments.provider import EventType, ProviderEvent
from pintuan.shoppers import service as shoppers
from pintuan.web import store


@dataclass(frozen=True)
class Made:
    groups: int
    paid_orders: int
    deal_id: str = ""


def _pay(tx: Tx, order_id: str) -> None:
    order = orders.lock(tx, order_id)
    payment = payments.start_payment(tx, order=order, provider="sandbox", return_url="/")
    assert payment.provider_ref is not None
    payments.apply_event(tx, provider="sandbox", event=ProviderEvent(
        id=new_id("sample_evt"), type=EventType.PAYMENT_SUCCEEDED, ref=payment.provider_ref,
        amount_minor=payment.amount_minor))


def _day(c: Container, clock: FakeClock, *, merchant_id: str, deal_id: str, pool: list[str],
         rng: random.Random) -> Made:
    groups = paid = 0
    for _ in range(rng.randint(1, 4)):
        clock.advance(minutes=rng.randint(20, 120))
        team = rng.sample(pool, 3)
        filled = rng.random() < 0.75
        with c.db.write() as session:
            tx = c.tx(session)
            for _ in range(rng.randint(5, 25)):
                store.count_view(tx, merchant_id=merchant_id, deal_id=deal_id,
                                 day=tx.now().date().isoformat())
            opened = service.open_group(tx, merchant_id=merchant_id, shopper_id=team[0],
                                        deal_id=deal_id, quantity=1)
            _pay(tx, opened.order.id)
            groups, paid = groups + 1, paid + 1
            for joiner in team[1:] if filled else team[1:2]:
                clock.advance(minutes=rng.randint(5, 90))
                joined = service.join_group(tx, merchant_id=merchant_id, shopper_id=joiner,
                                            group_ref=opened.group.id, quantity=1)
                _pay(tx, joined.order.id)
                paid += 1
            if not filled:
                clock.advance(seconds=opened.group.deadline_at.timestamp()
                              - tx.now().timestamp() + 1)
                lifecycle.settle(tx, opened.group.id)
    return Made(groups, paid)


def seed(c: Container, clock: FakeClock, *, merchant_id: str, sku_id: str, days: int,
         shoppers_n: int = 12, seed: int = 7) -> Made:
    """A team-of-three deal with days of history ending at the clock's present; the clock
    ends where it began."""
    rng = random.Random(seed)
    end = clock.now()
    clock.advance(days=-days - 1)
    with c.db.write() as session:
        tx = c.tx(session)
        deal_id = deals.create(tx, merchant_id=merchant_id, spec=DealSpec(
            sku_id=sku_id, title="Spring picking, team of three", group_price_minor=9900,
            leader_price_minor=None, team_size=3, join_window_seconds=6 * 3600,
            starts_at=tx.now(), ends_at=end + timedelta(days=7), per_order_limit=1,
            per_shopper_limit=1000, quota=100_000, virtual_fill_min_paid=None,
            overflow=Overflow.REJECT, location_id=None)).id
        names = [rng.choice("王李张刘陈杨黄赵周吴") + "某" for _ in range(shoppers_n)]
        pool = [shoppers.sign_up(tx, merchant_id=merchant_id, email=f"sample{i}@example.com",
                                 name=name, password="sample pw 1").shopper.id
                for i, name in enumerate(names)]
    total = Made(0, 0, deal_id)
    for d in range(days):
        clock.advance(seconds=(end - timedelta(days=days - d)).timestamp()
                      - clock.now().timestamp())
        made = _day(c, clock, merchant_id=merchant_id, deal_id=deal_id, pool=pool, rng=rng)
        total = Made(total.groups + made.groups, total.paid_orders + made.paid_orders, deal_id)
    clock.advance(seconds=end.timestamp() - clock.now().timestamp())
    return total
