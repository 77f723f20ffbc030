"""Senior mode and the language switch persist across pages and visits; pages read with
JavaScript blocked."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_up


def test_senior_mode_and_language_persist_across_pages(people, site):
    page = people.new(locale="en-US")
    page.goto(f"/s/{site.slug}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option("zh-Hans")
    page.get_by_label("On").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("拼团好物")
    expect(page.locator("body")).to_have_class("senior")
    page.goto(f"/s/{site.slug}/deals/{site.demo_deal}")
    expect(page.get_by_role("button", name="发起拼团")).to_be_visible()
    expect(page.locator("body")).to_have_class("senior")
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 22
    shot(page, "deal-senior-zh-phone")
    again = page.context.new_page()
    again.goto(f"/s/{site.slug}")
    expect(again.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(again.locator("body")).to_have_class("senior")
    again.get_by_label("语言").select_option("en")
    again.get_by_label("关").check()
    again.get_by_role("button", name="应用").click()
    expect(again.get_by_role("heading", level=1)).to_have_text("Group deals")
    expect(again.locator("body")).not_to_have_class("senior")


def test_chinese_browsers_get_chinese_pages_by_default(people, site):
    page = people.new(locale="zh-CN")
    page.goto(f"/s/{site.slug}/deals/{site.demo_deal}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_text("3人团").first).to_be_visible()


def test_pages_read_with_javascript_blocked(people, site):
    page = people.new(java_script_enabled=False)
    page.goto(f"/s/{site.slug}")
    page.get_by_role("link", name="Longjing for three").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Longjing for three")
    expect(page.get_by_role("button", name="Start a group")).to_be_visible()
    page.get_by_role("button", name="Start a group").click()
    page.wait_for_url("**/signin?next=**")
    expect(page.get_by_label("Email")).to_be_visible()
    desk = people.new(phone=False, java_script_enabled=False)
    desk.goto("/console/signin")
    desk.get_by_label("Email").fill(site.owner_email)
    desk.get_by_label("Password").fill(site.owner_password)
    desk.get_by_role("button", name="Sign in").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(desk.locator("svg.chart")).to_have_count(4)


def test_a_shopper_can_start_a_group_with_the_keyboard_alone(people, site):
    page = people.new()
    sign_up(page, site, "Kim")
    page.goto(f"/s/{site.slug}/deals/{site.pair_deal}")
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent || ''")
        if focused.startswith("Start a group"):
            break
    else:
        raise AssertionError("the start button is not reachable by Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("order-status")).to_have_text("Waiting for payment")
    skip = page.get_by_role("link", name="Skip to content")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
