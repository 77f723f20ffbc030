"""Console flash-sale screens over both backends: list, create (bad input changes nothing),
the event page with live counters and the report's charts; roles; other merchants' ids."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories as f
from tests.flashsale import helpers as fs
from tests.web.conftest import staff


def _events(h, m):
    return h.client.get("/v1/flash-sales", headers=f.auth(m)).json()["data"]


def _form(h, sku, **over):
    start = h.clock.now() + timedelta(hours=1)
    return {"title": "Midnight Longjing", "sku_id": sku, "sale_price": "49.00", "quota": "20",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "per_order_limit": "2", "per_slot_limit": "2", "per_event_limit": "4",
            "price_rule_days": "30"} | over


def test_operator_schedules_a_flash_sale_and_sees_it_listed(h):
    m = f.merchant(h)
    sku = f.sku(h, m, price=10000, stock=50)
    desk = staff(h, m, "operator")
    r = desk.post("/console/flash-sales", _form(h, sku))
    assert r.status_code == 303, r.text
    [event] = _events(h, m)
    assert r.headers["location"] == f"/console/flash-sales/{event['id']}"
    assert (event["title"], event["per_order_limit"], event["per_event_limit"]) == (
        "Midnight Longjing", 2, 4)
    assert [(i["sale_price_minor"], i["quota"]) for i in event["items"]] == [(4900, 20)]
    assert fs.stock(h, m, sku)["reserved"] == 20
    listing = desk.get("/console/flash-sales").text
    assert "Midnight Longjing" in listing
    assert f'href="/console/flash-sales/{event["id"]}"' in listing
    assert "scheduled" in listing


@pytest.mark.parametrize(("over", "field", "message"), [
    ({"title": ""}, "title", "Title is required."),
    ({"sku_id": ""}, "sku_id", "SKU is required."),
    ({"sku_id": "sku_nope"}, "sku_id", "no SKU sku_nope"),
    ({"sale_price": "cheap"}, "sale_price", "Sale price must be an amount like 88.00."),
    ({"sale_price": "100.00"}, "sale_price", "must be below the lowest price"),
    ({"quota": "0"}, "quota", "Units on sale (quota) must be between 1 and 10000000."),
    ({"quota": "500"}, "quota", "not enough stock to reserve 500"),
    ({"per_order_limit": "3", "per_slot_limit": "2"}, "per_order_limit",
     "limits must satisfy 1 &lt;= per order &lt;= per slot &lt;= per event"),
    ({"starts_at": "soon"}, "starts_at", "Starts must be a date and time."),
    ({"ends_at": "2000-01-01T00:00"}, "ends_at", "a slot must end after it starts"),
    ({"price_rule_days": "400"}, "price_rule_days", "between 1 and 365"),
])
def test_bad_flash_sale_input_shows_the_message_by_its_field_and_changes_nothing(
        h, over, field, message):
    m = f.merchant(h)
    sku = f.sku(h, m, price=10000, stock=50)
    r = staff(h, m).post("/console/flash-sales", _form(h, sku, **over))
    assert r.status_code == 422
    assert message in r.text
    assert f'id="e-{field}"' in r.text or 'id="form-error"' in r.text
    assert 'value="Midnight Longjing"' in r.text or over.get("title") == ""
    assert _events(h, m) == []
    assert fs.stock(h, m, sku)["reserved"] == 0


def test_another_merchants_sku_is_refused_and_its_event_answers_404(h):
    m, other = f.merchant(h), f.merchant(h)
    theirs = fs.event(h, other)
    foreign_sku = theirs["items"][0]["sku_id"]
    desk = staff(h, m)
    r = desk.post("/console/flash-sales", _form(h, foreign_sku))
    assert r.status_code == 422
    assert _events(h, m) == []
    page = desk.get(f"/console/flash-sales/{theirs['id']}")
    assert page.status_code == 404
    assert "no flash sale" in page.text
    assert "Midnight tea" not in page.text


def test_an_analyst_reads_the_screens_but_cannot_create(h):
    m = f.merchant(h)
    sku = f.sku(h, m)
    event = fs.event(h, m, sku_id=sku)
    analyst = staff(h, m, "analyst")
    listing = analyst.get("/console/flash-sales")
    assert listing.status_code == 200
    assert 'action="/console/flash-sales"' not in listing.text
    assert analyst.get(f"/console/flash-sales/{event['id']}").status_code == 200
    r = analyst.post("/console/flash-sales", _form(h, sku, title="Not allowed"))
    assert r.status_code == 403
    assert len(_events(h, m)) == 1


def test_event_page_shows_live_counters_and_the_report_with_charts(h):
    fs.no_rate_limits(h)
    m = f.merchant(h)
    event = fs.event(h, m, quota=3, per_order_limit=2, per_slot_limit=2, per_event_limit=2)
    item = event["items"][0]["id"]
    buyers = [f.shopper(h, m) for _ in range(3)]
    assert fs.buy(h, buyers[0], item, quantity=2).status_code == 201
    assert fs.buy(h, buyers[0], item).json()["code"] == "shopper_limit_exceeded"
    assert fs.buy(h, buyers[1], item).status_code == 201
    assert fs.buy(h, buyers[2], item).json()["code"] == "sold_out"  # answered from memory
    page = staff(h, m, "analyst").get(f"/console/flash-sales/{event['id']}")
    assert page.status_code == 200
    html = page.text
    assert f'data-events="/v1/stores/{m["slug"]}/flash-sales/{event["id"]}/live"' in html
    assert f'<tr data-item="{item}">' in html
    assert '<td data-field="taken">3</td><td data-field="remaining">0</td>' in html
    assert '<b data-testid="report-accepted">2</b>' in html
    assert html.count('<svg class="chart"') == 2
    assert "Orders accepted per second" in html
    assert "Accepted: 2; Over a shopper limit: 1" in html
    assert "pending_payment 2" in html
    assert "/static/console.js" in html
