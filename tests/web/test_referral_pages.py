"""A referral link followed in the browser credits the creator for a group the shopper then
starts or joins through the storefront pages."""

from __future__ import annotations

from tests import factories as f
from tests.creators import helpers as cr
from tests.web.conftest import join_group, open_group, shopper, token_of


def test_orders_made_on_the_pages_after_a_referral_click_are_credited(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    program = cr.program(h, m)
    koc = cr.creator(h, m, program)
    link = cr.link(h, m, program, koc)
    ann, bo = shopper(h, m), shopper(h, m)
    r = ann.get(f"/r/{link['url'].rsplit('/', 1)[1]}")
    assert r.status_code == 302, r.text
    assert "pt_ref" in ann.client.cookies
    referred = open_group(m, ann, deal["id"])
    unreferred = join_group(bo, token_of(h, referred))
    credit = cr.credited(h, m, referred)
    assert credit is not None
    assert credit["creator_id"] == koc["id"]
    assert cr.credited(h, m, unreferred) is None
