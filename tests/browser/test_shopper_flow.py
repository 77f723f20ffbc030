"""The heart of the storefront: a group opened from a deal, joined from its share link, paid
by both in the provider's page, completing live on both screens; a third shopper finds it full."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import pay_in_sandbox, shot, sign_up


def test_two_shoppers_fill_a_group_and_both_see_it_complete_live(people, site):
    ann = people.new()
    sign_up(ann, site, "Ann")
    ann.goto(f"/s/{site.slug}/deals/{site.pair_deal}")
    expect(ann.get_by_role("heading", level=1)).to_have_text("Longjing for two")
    ann.get_by_role("button", name="Start a group").click()
    expect(ann.get_by_test_id("order-status")).to_have_text("Waiting for payment")
    ann.get_by_role("button", name=re.compile(r"^Pay \d")).click()
    pay_in_sandbox(ann)
    ann.wait_for_url("**/g/**")
    share_url = ann.get_by_label("Share link").input_value()
    expect(ann.get_by_test_id("group-status")).to_contain_text("1 seats left")
    expect(ann.get_by_test_id("members")).to_contain_text("paid", timeout=15_000)
    ann.evaluate("window.__sameDocument = true")

    bob = people.new()
    bob.goto(share_url)
    bob.get_by_role("button", name="Sign in to join").click()
    bob.wait_for_url("**/signin?next=**")
    bob.get_by_role("link", name="Create an account").click()
    bob.get_by_label("Your name").fill("Bob")
    bob.get_by_label("Email").fill(f"bob-{share_url[-8:]}@example.com")
    bob.get_by_label("Password").fill("correct horse")
    bob.get_by_role("button", name="Create account").click()
    bob.wait_for_url("**/g/**")
    bob.get_by_role("button", name="Join this group").click()
    expect(bob.get_by_test_id("order-status")).to_have_text("Waiting for payment")
    bob.get_by_role("button", name=re.compile(r"^Pay \d")).click()
    pay_in_sandbox(bob)
    bob.wait_for_url("**/g/**")

    for page in (ann, bob):
        expect(page.get_by_test_id("group-status")).to_have_text("Group complete!",
                                                               timeout=20_000)
    assert ann.evaluate("window.__sameDocument") is True, "Ann's page was reloaded"
    shot(bob, "group-complete-phone")

    carl = people.new()
    sign_up(carl, site, "Carl")
    carl.goto(share_url)
    expect(carl.get_by_test_id("group-closed")).to_be_visible()
    expect(carl.get_by_role("button", name="Join this group")).to_have_count(0)
    shot(carl, "group-full-phone")
