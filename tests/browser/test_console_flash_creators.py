"""A merchant schedules a flash sale in the console, sees it listed and follows its live
counters while a shopper buys on the storefront's flash page; then opens the creator screens
and a program's leaderboard. Screenshots at phone and desktop widths."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import shot, sign_up

CONSOLE_PAGES = ["flash-sales", "flash-sale", "programs", "program", "creators", "leaderboard",
                 "commissions", "payouts"]


def _sign_in(desk: Page, site) -> None:
    desk.goto("/console/signin")
    desk.get_by_label("Email").fill(site.owner_email)
    desk.get_by_label("Password").fill(site.owner_password)
    desk.get_by_role("button", name="Sign in").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Dashboard")


def _schedule_flash_sale(desk: Page) -> str:
    """Bad input first (nothing is made), then a sale selling from this minute; its URL."""
    desk.get_by_role("link", name="Flash sales").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Flash sales")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    desk.get_by_label("Title shoppers see").fill("Midnight Longjing")
    desk.get_by_label("SKU", exact=True).select_option(index=1)
    desk.get_by_label("Sale price (e.g. 49.00)").fill("200.00")
    desk.get_by_label("Units on sale (quota)").fill("20")
    desk.get_by_label("Slot starts (UTC)").fill(now.strftime("%Y-%m-%dT%H:%M"))
    desk.get_by_label("Slot ends (UTC)").fill((now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    desk.get_by_role("button", name="Schedule flash sale").click()
    expect(desk.locator("#e-sale_price")).to_contain_text("must be below the lowest price")
    expect(desk.get_by_label("Title shoppers see")).to_have_value("Midnight Longjing")
    expect(desk.get_by_test_id("flash-row")).to_have_count(0)
    desk.get_by_label("Sale price (e.g. 49.00)").fill("49.00")
    desk.get_by_role("button", name="Schedule flash sale").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Midnight Longjing")
    return desk.url


def test_merchant_schedules_a_flash_sale_follows_it_live_and_reads_the_leaderboard(people,
                                                                                  site):
    desk = people.new(phone=False)
    _sign_in(desk, site)
    event_url = _schedule_flash_sale(desk)
    remaining = desk.locator('[data-item] [data-field="remaining"]')
    expect(remaining).to_have_text("20")
    buyer = people.new()
    sign_up(buyer, site, "Flashy")
    buyer.goto(f"/s/{site.slug}/flash")
    expect(buyer.get_by_test_id("flash-left")).to_have_text("20 left")
    expect(buyer.locator("time[data-left]").first).not_to_have_text("00:00:00")
    buyer.get_by_role("button", name="Buy now").click()
    buyer.wait_for_url("**/orders/**")
    expect(buyer.get_by_role("heading", level=1)).to_be_visible()
    expect(remaining).to_have_text("19")  # pushed by the sale's live stream, no reload
    expect(desk.locator('[data-item] [data-field="taken"]')).to_have_text("1")
    desk.get_by_role("link", name="Back to Flash sales").click()
    expect(desk.get_by_test_id("flash-row").filter(has_text="Midnight Longjing")).to_be_visible()
    _creators_and_leaderboard(desk, people.new())
    shoot(people, site, desk, event_url, buyer)


def _creators_and_leaderboard(desk: Page, visitor: Page) -> None:
    desk.get_by_role("link", name="Creators", exact=True).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Programs")
    desk.get_by_label("Program name").fill("Tea lovers")
    desk.get_by_role("button", name="Create program").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Tea lovers")
    desk.get_by_role("link", name="Creator list").click()
    desk.get_by_label("Creator", exact=True).fill("Lin")
    desk.get_by_label("Handle (optional)").fill("@lin_tea")
    desk.get_by_label("Followers").fill("12000")
    desk.get_by_role("button", name="Add creator").click()
    row = desk.get_by_test_id("creator-row").filter(has_text="Lin")
    expect(row).to_contain_text("micro")
    desk.get_by_role("link", name="Programs").click()
    desk.get_by_role("link", name="Tea lovers", exact=True).click()
    desk.get_by_label("Invite a creator").select_option(label="Lin")
    desk.get_by_role("button", name="Invite").click()
    expect(desk.get_by_test_id("members")).to_contain_text("Lin")
    desk.get_by_label("Link for").select_option(label="Lin")
    desk.get_by_role("button", name="Create link").click()
    expect(desk.get_by_test_id("links")).to_contain_text("/r/")
    visitor.goto(desk.get_by_test_id("links").locator("code").first.inner_text())
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Group deals")
    desk.get_by_role("link", name="Leaderboard").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Leaderboard: Tea lovers")
    expect(desk.locator("svg.chart")).to_have_count(1)
    expect(desk.get_by_test_id("leaderboard")).to_contain_text("Lin")  # one click, no sale
    desk.get_by_label("Period").select_option("7")
    desk.get_by_role("button", name="Show").click()
    expect(desk.get_by_label("Period")).to_have_value("7")


def shoot(people, site, desk: Page, event_url: str, buyer: Page) -> None:
    """Each new page at both widths, the storefront's flash page, and the console in
    Chinese."""
    programs = desk.url.split("/leaderboard")[0]
    urls = {"flash-sales": "/console/flash-sales", "flash-sale": event_url,
            "programs": "/console/programs", "program": programs, "creators": "/console/creators",
            "leaderboard": programs + "/leaderboard", "commissions": "/console/commissions",
            "payouts": "/console/payouts"}
    for phone in (True, False):
        width = "phone" if phone else "desktop"
        page = people.new(phone=phone)
        page.context.add_cookies(desk.context.cookies())
        for name in CONSOLE_PAGES:
            page.goto(urls[name])
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            shot(page, f"console-{name}-{width}")
        shopper = people.new(phone=phone)
        shopper.context.add_cookies(buyer.context.cookies())
        shopper.goto(f"/s/{site.slug}/flash")
        expect(shopper.get_by_role("heading", level=1)).to_have_text("Flash sales")
        shot(shopper, f"flash-{width}")
    zh = people.new(phone=False, locale="zh-CN")
    zh.context.add_cookies(desk.context.cookies())
    zh.goto("/console/flash-sales")
    expect(zh.get_by_role("heading", level=1)).to_have_text("限时秒杀")
    shot(zh, "console-flash-sales-zh-desktop")
