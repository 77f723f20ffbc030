"""The storefront's flash-sale page over both backends: current and upcoming slots with
server-counted countdowns, units left, and buying with a plain form (no JavaScript)."""

from __future__ import annotations

import re
from datetime import timedelta

from tests import factories as f
from tests.flashsale import helpers as fs
from tests.web.conftest import Person, nonce, shopper


def _buy(buyer, m, item_id, page=None, **data):
    page = page or buyer.get(f"/s/{m['slug']}/flash").text
    return buyer.post(f"/s/{m['slug']}/flash/{item_id}/buy", {"nonce": nonce(page)} | data)


def test_visitors_see_live_and_upcoming_sales_with_server_countdowns(h):
    m = f.merchant(h)
    live = fs.event(h, m, quota=5, title="Now selling", length=timedelta(minutes=30))
    soon = fs.event(h, m, title="Coming soon", start_in=timedelta(hours=2))
    fs.event(h, f.merchant(h), title="Elsewhere")
    page = Person(h).get(f"/s/{m['slug']}/flash")
    assert page.status_code == 200
    html = page.text
    assert html.index("Now selling") < html.index("Coming soon")
    assert "Elsewhere" not in html
    assert 'data-left="1800"' in html  # the live slot ends in 30 minutes
    assert 'data-left="7200"' in html  # the next one starts in two hours
    assert "00:30:00" in html
    assert "50.00 CNY" in html
    assert "5 left" in html
    assert html.count('class="cta"') == 1
    assert f'action="/s/{m["slug"]}/flash/{live["items"][0]["id"]}/buy"' in html
    assert f'/flash/{soon["items"][0]["id"]}/buy' not in html
    assert "Sign in to buy" in html
    assert f'href="/s/{m["slug"]}/flash"' in Person(h).get(f"/s/{m['slug']}").text


def test_a_shopper_buys_with_the_form_once_per_submit(h):
    fs.no_rate_limits(h)
    m = f.merchant(h)
    event = fs.event(h, m, quota=3)
    item = event["items"][0]["id"]
    buyer = shopper(h, m)
    page = buyer.get(f"/s/{m['slug']}/flash").text
    first = _buy(buyer, m, item, page)
    assert first.status_code == 303, first.text
    assert re.fullmatch(rf"/s/{m['slug']}/orders/ord_\w+", first.headers["location"])
    again = _buy(buyer, m, item, page)  # the same form sent twice
    assert again.headers["location"] == first.headers["location"]
    assert fs.item(h, m, event["id"])["taken"] == 1
    checkout = buyer.get(first.headers["location"])
    assert checkout.status_code == 200
    assert "50.00 CNY" in checkout.text
    assert "2 left" in buyer.get(f"/s/{m['slug']}/flash").text


def test_refusals_are_shown_on_the_page_and_take_nothing(h):
    fs.no_rate_limits(h)
    m = f.merchant(h)
    event = fs.event(h, m, quota=1)
    item = event["items"][0]["id"]
    ann, bob = shopper(h, m), shopper(h, m)
    page = bob.get(f"/s/{m['slug']}/flash").text
    assert _buy(ann, m, item).status_code == 303
    late = _buy(bob, m, item, page)
    assert late.status_code == 409
    assert "this item is sold out" in late.text
    assert "Sold out" in late.text
    many = _buy(bob, m, item, page, quantity="5")
    assert many.status_code == 422
    assert "quantity must be 1-1 per order" in many.text
    bad = _buy(bob, m, item, page, quantity="lots")
    assert bad.status_code == 422
    assert "Quantity must be a whole number." in bad.text
    assert fs.item(h, m, event["id"])["taken"] == 1


def test_buying_needs_a_sign_in_and_the_stores_own_item(h):
    m, other = f.merchant(h), f.merchant(h)
    item = fs.event(h, m)["items"][0]["id"]
    theirs = fs.event(h, other)["items"][0]["id"]
    visitor = Person(h)
    r = _buy(visitor, m, item)
    assert r.status_code == 303
    assert r.headers["location"] == f"/s/{m['slug']}/signin?next=%2Fs%2F{m['slug']}%2Fflash"
    buyer = shopper(h, m)
    wrong = _buy(buyer, m, theirs)
    assert wrong.status_code == 404
    assert "no flash-sale item" in wrong.text
    assert _buy(buyer, m, "fsi_nope").status_code == 404
    assert fs.item(h, other, fs_event_id(h, other))["taken"] == 0


def fs_event_id(h, m):
    [event] = h.client.get("/v1/flash-sales", headers=f.auth(m)).json()["data"]
    return event["id"]


def test_the_page_speaks_chinese_when_the_browser_asks(h):
    m = f.merchant(h)
    fs.event(h, m)
    page = Person(h).get(f"/s/{m['slug']}/flash", headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert '<html lang="zh-Hans">' in page.text
    assert "限时秒杀" in page.text
    assert "剩余 5 件" in page.text


def test_made_up_item_ids_are_rate_limited_before_any_lookup(h):
    m = f.merchant(h)
    fs.event(h, m)
    buyer = shopper(h, m)
    page = buyer.get(f"/s/{m['slug']}/flash").text
    assert _buy(buyer, m, "x" * 41, page).status_code == 404  # too long: never looked up
    answers = [_buy(buyer, m, f"fsi_nope{n}", page).status_code for n in range(8)]
    assert 429 in answers  # the shopper's rate holds whatever the id
