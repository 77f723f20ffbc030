"""Screenshots of every main page at phone (390x844) and desktop (1280x800) widths, written to
artifacts/screenshots/ (listed in the README). Each page is checked to have loaded first."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_up

HISTORY_DAYS = 10
SHOPPER_PAGES = ["store", "deal", "checkout", "sandbox", "group", "orders", "payfor"]
CONSOLE_PAGES = ["dashboard", "products", "product", "deals", "groups", "orders", "order",
                 "keys", "webhooks", "team"]


def _shopper_urls(people, site) -> dict[str, str]:
    page = people.new()
    sign_up(page, site, "Dora")
    page.goto(f"/s/{site.slug}/deals/{site.demo_deal}")
    page.get_by_role("button", name="Start a group").click()
    page.wait_for_url("**/orders/**")
    checkout = page.url
    page.get_by_role("button", name="Ask someone to pay").click()
    payfor = page.get_by_label("Send this link to the person who pays:").input_value()
    group = page.get_by_role("link", name="See the group").get_attribute("href")
    page.get_by_role("button", name=re.compile(r"^Pay \d")).click()
    page.wait_for_url("**/sandbox/checkout/**")
    return {"store": f"/s/{site.slug}", "deal": f"/s/{site.slug}/deals/{site.demo_deal}",
            "checkout": checkout, "sandbox": page.url, "group": str(group),
            "orders": f"/s/{site.slug}/orders", "payfor": payfor,
            "_cookies": page.context.cookies()}


def test_screenshots_of_every_main_page_at_phone_and_desktop_widths(people, site):
    urls = _shopper_urls(people, site)
    cookies = urls.pop("_cookies")
    for phone in (True, False):
        width = "phone" if phone else "desktop"
        visitor = people.new(phone=phone)
        for name in ("signin", "signup"):
            visitor.goto(f"/s/{site.slug}/{name}")
            shot(visitor, f"{name}-{width}")
        visitor.goto("/console/signin")
        shot(visitor, f"console-signin-{width}")
        shopper = people.new(phone=phone)
        shopper.context.add_cookies(cookies)
        for name in SHOPPER_PAGES:
            shopper.goto(urls[name])
            expect(shopper.get_by_role("heading", level=1)).to_be_visible()
            shot(shopper, f"{name}-{width}")
        desk = people.new(phone=phone)
        desk.goto("/console/signin")
        desk.get_by_label("Email").fill(site.owner_email)
        desk.get_by_label("Password").fill(site.owner_password)
        desk.get_by_role("button", name="Sign in").click()
        expect(desk.get_by_role("heading", level=1)).to_have_text("Dashboard")
        for name in CONSOLE_PAGES:
            if name == "product":
                desk.goto("/console/products")
                desk.get_by_role("link", name="West Lake Longjing, 250 g").click()
            elif name == "order":
                desk.goto("/console/orders")
                desk.get_by_role("link", name=re.compile("^ord_")).first.click()
            else:
                desk.goto("/console" if name == "dashboard" else f"/console/{name}")
            expect(desk.get_by_role("heading", level=1)).to_be_visible()
            shot(desk, f"console-{name}-{width}")
