"""A merchant signs in to the console, creates a deal and sees it on the dashboard."""

from __future__ import annotations

from playwright.sync_api import expect


def test_merchant_creates_a_deal_and_sees_it_on_the_dashboard(people, site):
    desk = people.new(phone=False)
    desk.goto("/console")
    desk.wait_for_url("**/console/signin?next=**")
    desk.get_by_label("Email").fill(site.owner_email)
    desk.get_by_label("Password").fill("not the password")
    desk.get_by_role("button", name="Sign in").click()
    expect(desk.get_by_role("alert")).to_contain_text("wrong email or password")
    desk.get_by_label("Email").fill(site.owner_email)
    desk.get_by_label("Password").fill(site.owner_password)
    desk.get_by_role("button", name="Sign in").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Dashboard")
    desk.get_by_role("link", name="Deals").click()
    desk.get_by_label("SKU", exact=True).select_option(index=2)
    desk.get_by_label("Title shoppers see").fill("Gift box for four")
    desk.get_by_label("Group price (e.g. 88.00)").fill("99999.00")
    desk.get_by_label("Team size").fill("4")
    desk.get_by_role("button", name="Create deal").click()
    expect(desk.get_by_role("alert")).to_contain_text("group price must be positive")
    expect(desk.get_by_label("Title shoppers see")).to_have_value("Gift box for four")
    desk.get_by_label("Group price (e.g. 88.00)").fill("168.00")
    desk.get_by_role("button", name="Create deal").click()
    expect(desk.get_by_test_id("deal-row").filter(has_text="Gift box for four")).to_be_visible()
    desk.get_by_role("link", name="Dashboard").click()
    expect(desk.get_by_test_id("dashboard-deals")).to_contain_text("Gift box for four")
    expect(desk.locator("svg.chart")).to_have_count(4)
    expect(desk.locator("svg.chart title").first).to_contain_text("GMV per day")
