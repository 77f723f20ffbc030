"""Storefront pages over both backends: reading, opening and joining groups, paying."""

from __future__ import annotations

from tests import factories as f
from tests.web.conftest import Person, join_group, nonce, open_group, pay, shopper, token_of


def _orders(h, m):
    return h.client.get("/v1/orders", headers=f.auth(m)).json()["data"]


def test_store_and_deal_pages_show_prices_team_and_open_groups(h):
    m = f.merchant(h)
    deal = f.deal(h, m, title="Tea for three")
    ann = shopper(h, m, name="Ann")
    open_group(m, ann, deal["id"])
    visitor = Person(h)
    home = visitor.get(f"/s/{m['slug']}")
    assert home.status_code == 200
    assert "Tea for three" in home.text
    assert "60.00 CNY" in home.text
    page = visitor.get(f"/s/{m['slug']}/deals/{deal['id']}")
    assert page.status_code == 200
    assert "100.00 CNY" in page.text  # list price beside the group price
    assert "3 people per group" in page.text
    assert "2 seats left" in page.text
    assert "A" in page.text
    assert 'data-deadline="' in page.text


def test_a_group_fills_through_the_pages_and_every_member_is_confirmed(h):
    m = f.merchant(h)
    deal = f.deal(h, m, team_size=2)
    ann, bob = shopper(h, m, name="Ann"), shopper(h, m, name="Bob")
    first = open_group(m, ann, deal["id"])
    token = token_of(h, first)
    order_page = ann.get(f"/s/{m['slug']}/orders/{first}")
    assert "Waiting for payment" in order_page.text
    assert "Pay 50.00 CNY" in order_page.text
    assert "Tea tin" in order_page.text
    second = join_group(bob, token)
    pay(h, m, ann, first)
    pay(h, m, bob, second)
    group = Person(h).get(f"/g/{token}")
    assert "Group complete!" in group.text
    assert "A**" in group.text
    assert "B**" in group.text
    assert {o["status"] for o in _orders(h, m)} == {"confirmed"}
    mine = ann.get(f"/s/{m['slug']}/orders")
    assert first[-8:] in mine.text
    assert "Confirmed" in mine.text


def test_a_full_group_offers_no_join_and_refuses_one(h):
    m = f.merchant(h)
    deal = f.deal(h, m, team_size=2)
    ann, bob, carl = (shopper(h, m) for _ in range(3))
    token = token_of(h, open_group(m, ann, deal["id"]))
    page = carl.get(f"/g/{token}")
    join_group(bob, token)
    full = carl.get(f"/g/{token}")
    assert "Join this group" not in full.text
    assert "This group is full" in full.text
    r = carl.post(f"/g/{token}/join", {"nonce": nonce(page.text)})
    assert r.status_code == 409
    assert "full" in r.text
    assert len(_orders(h, m)) == 2


def test_a_double_submitted_form_opens_one_group(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    ann = shopper(h, m)
    page = ann.get(f"/s/{m['slug']}/deals/{deal['id']}")
    key = nonce(page.text)
    first = ann.post(f"/s/{m['slug']}/deals/{deal['id']}/open", {"nonce": key})
    again = ann.post(f"/s/{m['slug']}/deals/{deal['id']}/open", {"nonce": key})
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert len(_orders(h, m)) == 1


def test_signed_out_shoppers_are_sent_to_sign_in_and_back(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    visitor = Person(h)
    r = visitor.post(f"/s/{m['slug']}/deals/{deal['id']}/open", {"nonce": "n" * 16})
    assert r.status_code == 303
    assert r.headers["location"] == (f"/s/{m['slug']}/signin?next=%2Fs%2F{m['slug']}"
                                     f"%2Fdeals%2F{deal['id']}")
    assert visitor.get(f"/s/{m['slug']}/orders").status_code == 303
    assert _orders(h, m) == []


def test_senior_mode_goes_from_deal_to_the_payment_page_in_one_tap(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    ann = shopper(h, m)
    ann.post("/prefs", {"senior": "1", "next": "/"})
    r = ann.post(f"/s/{m['slug']}/deals/{deal['id']}/open",
                 {"nonce": nonce(ann.get(f"/s/{m['slug']}/deals/{deal['id']}").text)})
    assert r.status_code == 303
    assert "/sandbox/checkout/" in r.headers["location"]


def test_deal_page_views_are_counted_per_day(h):
    from pintuan.web import metrics

    m = f.merchant(h)
    deal = f.deal(h, m)
    for _ in range(3):
        Person(h).get(f"/s/{m['slug']}/deals/{deal['id']}")
    h.clock.advance(days=1)
    Person(h).get(f"/s/{m['slug']}/deals/{deal['id']}")
    with h.c.db.read() as session:
        tx = h.c.tx(session)
        funnel = metrics.funnel(tx, m["id"], tx.now().replace(year=2000))
    assert funnel.views == 4


def test_share_card_is_an_svg_with_price_progress_and_qr(h):
    m = f.merchant(h)
    deal = f.deal(h, m)
    token = token_of(h, open_group(m, shopper(h, m), deal["id"]))
    r = Person(h).get(f"/g/{token}/poster.svg")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert "60.00 CNY" in r.text
    assert "1/3" in r.text
    assert '<path d="M' in r.text
    assert "<title" in r.text
    zh = Person(h).get(f"/g/{token}/poster.svg", headers={"Accept-Language": "zh-CN"})
    assert "还差2人" in zh.text


def test_share_card_png_is_a_picture_with_the_qr_code_drawn(h):
    from io import BytesIO

    from PIL import Image

    m = f.merchant(h)
    deal = f.deal(h, m)
    token = token_of(h, open_group(m, shopper(h, m), deal["id"]))
    r = Person(h).get(f"/g/{token}/poster.png", headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/png"
    image = Image.open(BytesIO(r.content)).convert("L")
    assert image.size == (600, 960)
    qr = image.crop((170, 520, 430, 780))
    dark = sum(1 for v in qr.get_flattened_data() if v < 64)
    assert 0.25 < dark / (260 * 260) < 0.75
    assert Person(h).get("/g/nope/poster.png").status_code == 404
