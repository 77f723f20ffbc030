"""Dashboard figures come from the orders, groups, members and page views actually stored."""

from __future__ import annotations

from datetime import timedelta

from pintuan.web import metrics
from tests import factories as f
from tests.web.conftest import Person, join_group, open_group, pay, shopper, staff, token_of


def _figures(h, m):
    with h.c.db.read() as session:
        tx = h.c.tx(session)
        since = tx.now() - timedelta(days=29)
        return (metrics.daily_sales(tx, m["id"], since), metrics.group_stats(tx, m["id"], since),
                metrics.funnel(tx, m["id"], since), metrics.top_products(tx, m["id"], since))


def test_dashboard_counts_sales_success_fill_time_funnel_and_top_products(h):
    m = f.merchant(h)
    deal = f.deal(h, m, team_size=2)
    ann, bob, carl = (shopper(h, m) for _ in range(3))
    for _ in range(5):
        Person(h).get(f"/s/{m['slug']}/deals/{deal['id']}")
    first = open_group(m, ann, deal["id"])
    pay(h, m, ann, first)
    h.clock.advance(minutes=30)
    second = join_group(bob, token_of(h, first))
    pay(h, m, bob, second)
    lonely = open_group(m, carl, deal["id"])
    pay(h, m, carl, lonely)
    h.advance(hours=2)
    sales, groups, funnel, top = _figures(h, m)
    assert sum(d.orders for d in sales) == 3
    assert sum(d.gmv_minor for d in sales) == 5000 + 6000  # carl's 5000 was refunded
    assert len(sales) == 30
    assert sales[-1].day == h.clock.now().date().isoformat()
    assert (groups.opened, groups.completed, groups.failed) == (2, 1, 1)
    assert groups.success_rate == 0.5
    assert groups.avg_fill_seconds is not None
    assert abs(groups.avg_fill_seconds - 1800) < 2
    # five visits, and the two shoppers who opened a group viewed the deal first; three
    # seats were taken (two leaders, one joiner) and all three were paid
    assert (funnel.views, funnel.groups_opened, funnel.seats, funnel.paid) == (7, 2, 3, 3)
    assert [(p.units, p.revenue_minor) for p in top] == [(3, 16000)]
    page = staff(h, m, "analyst").get("/console")
    assert page.status_code == 200
    assert "110.00 CNY" in page.text
    assert "50%" in page.text
    assert "30 min" in page.text
    assert page.text.count('<svg class="chart"') == 4
    assert "Deal page views: 7; Groups opened: 2; Seats taken: 3; Seats paid: 3" in page.text


def test_another_merchants_sales_never_reach_the_dashboard(h):
    m, other = f.merchant(h), f.merchant(h)
    deal = f.deal(h, other)
    buyer = shopper(h, other)
    pay(h, other, buyer, open_group(other, buyer, deal["id"]))
    sales, groups, funnel, top = _figures(h, m)
    assert sum(d.orders for d in sales) == 0
    assert groups.opened == 0
    assert funnel.views == 0
    assert top == []


def test_funnel_steps_nest_leaders_count_as_seats_and_unpaid_seats_are_not_paid(h):
    m = f.merchant(h)
    deal = f.deal(h, m, team_size=3)
    ann, bob, carl = (shopper(h, m) for _ in range(3))
    first = open_group(m, ann, deal["id"])
    pay(h, m, ann, first)
    join_group(bob, token_of(h, first))  # bob holds a seat but never pays
    open_group(m, carl, deal["id"])  # a leader who has not paid yet
    funnel = _figures(h, m)[2]
    # bob came by the share link, not the deal page: two views
    assert (funnel.views, funnel.groups_opened, funnel.seats, funnel.paid) == (2, 2, 3, 1)
    assert funnel.views >= funnel.groups_opened
    assert funnel.seats >= funnel.groups_opened
    assert funnel.seats >= funnel.paid
