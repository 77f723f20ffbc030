"""Self-referral by phone and by the instrument that paid, over HTTP on SQLite and PostgreSQL:
the commission is held with a reason code until the merchant releases or voids it."""

from __future__ import annotations

from sqlalchemy import select

from pintuan import models
from pintuan.creators import commissions, ledger_store
from tests import factories as f
from tests.creators import helpers as c

CARD = "4242 4242 4242 4242"


def _program(h):
    m = f.merchant(h)
    prog = c.program(h, m, holding_days=0)
    r = h.client.post(f"/v1/programs/{prog['id']}/rate-cards", headers=f.auth(m),
                      json={"kind": "percent", "bps": 1000})
    assert r.status_code == 201, r.text
    return m, prog


def _referred_paid(h, m, prog, cr, buyer, *, pay_with=None) -> str:
    """The buyer follows the creator's link, opens a group and pays: the commission opens."""
    visitor = c.click(h, c.link(h, m, prog, cr))
    opened = c.open_group(h, buyer, f.deal(h, m, team_size=2), visitor=visitor)
    f.pay(h, buyer, opened["order"]["id"], pay_with=pay_with)
    return str(opened["order"]["id"])


def _own_paid(h, m, s, *, pay_with=None) -> str:
    opened = c.open_group(h, s, f.deal(h, m, team_size=2))
    f.pay(h, s, opened["order"]["id"], pay_with=pay_with)
    return str(opened["order"]["id"])


def _complete(h, m, order_id):
    """A friend joins the order's group of two and pays: the sale is confirmed, and with no
    holding period its commission becomes payable."""
    group_id = _group_of(h, m, order_id)
    friend = f.shopper(h, m)
    joined = h.client.post(f"/v1/me/groups/{group_id}/join", headers=f.auth(friend), json={})
    assert joined.status_code == 201, joined.text
    f.pay(h, friend, joined.json()["order"]["id"])


def _group_of(h, m, order_id) -> str:
    r = h.client.get(f"/v1/orders/{order_id}", headers=f.auth(m))
    assert r.status_code == 200, r.text
    return str(r.json()["ref"])


def _commission(h, m, order_id):
    rows = [x for x in h.client.get("/v1/commissions", headers=f.auth(m)).json()["data"]
            if x["order_id"] == order_id]
    assert len(rows) == 1
    return rows[0]


def test_a_buyer_with_the_creators_phone_is_a_self_referral_and_held(h):
    m, prog = _program(h)
    cr = c.creator(h, m, prog, phone="+86 138 0013 8000")
    assert cr["phone"] == "+8613800138000"
    buyer = f.shopper(h, m, phone="0086-138-0013-8000")
    oid = _referred_paid(h, m, prog, cr, buyer)
    assert c.credited(h, m, oid)["flags"] == ["self_referral_phone"]
    com = _commission(h, m, oid)
    assert (com["state"], com["flags"]) == ("held", ["self_referral_phone"])
    r = h.client.post(f"/v1/commissions/{com['id']}/release", headers=f.auth(m))
    assert (r.status_code, r.json()["state"]) == (200, "pending")


def test_an_opener_that_lost_the_race_tells_nothing_more(h, monkeypatch):
    """Two dispatch passes observing one payment at once both find no commission and both
    open; the second waits on the attribution's lock, then inserts nothing: only the first
    says the commission is held. (The second pass is simulated: its first look finds
    nothing, as it would have before the first committed.)"""
    m, prog = _program(h)
    cr = c.creator(h, m, prog, phone="+86 138 0013 8000")
    buyer = f.shopper(h, m, phone="0086-138-0013-8000")
    oid = _referred_paid(h, m, prog, cr, buyer)

    def held() -> int:
        return sum(1 for e in h.client.get("/v1/events", headers=f.auth(m)).json()
                   if e["type"] == "commission.held")

    assert held() == 1
    real, looks = ledger_store.lock_commissions_of_order, []

    def first_look_finds_nothing(tx, order_id):
        looks.append(order_id)
        return [] if len(looks) == 1 else real(tx, order_id)

    monkeypatch.setattr(ledger_store, "lock_commissions_of_order", first_look_finds_nothing)
    captured = h.client.get(f"/v1/orders/{oid}", headers=f.auth(m)).json()["captured_minor"]
    with h.c.db.write() as session:
        commissions.observe(h.c.tx(session), order_id=oid, captured=captured, refunded=0,
                            confirmed_at=None)
    assert looks == [oid, oid]  # it went to open them, and found the first opener's
    assert held() == 1
    assert _commission(h, m, oid)["state"] == "held"


def test_a_phone_added_to_the_profile_later_is_compared_too(h):
    m, prog = _program(h)
    cr = c.creator(h, m, prog, phone="13800138001")
    buyer = f.shopper(h, m)
    r = h.client.patch("/v1/me", headers=f.auth(buyer), json={"phone": "138 0013 8001"})
    assert (r.status_code, r.json()["phone"]) == (200, "+8613800138001")
    oid = _referred_paid(h, m, prog, cr, buyer)
    assert _commission(h, m, oid)["flags"] == ["self_referral_phone"]


def test_a_different_phone_is_not_flagged(h):
    m, prog = _program(h)
    cr = c.creator(h, m, prog, phone="+86 138 0013 8002")
    buyer = f.shopper(h, m, phone="+86 138 0013 8003")
    oid = _referred_paid(h, m, prog, cr, buyer)
    assert c.credited(h, m, oid)["flags"] == []
    assert _commission(h, m, oid)["state"] == "pending"


def _linked_creator(h, m, prog):
    """A creator who is also a customer: their own orders are paid as a shopper."""
    me = f.shopper(h, m)
    return me, c.creator(h, m, prog, shopper_id=me["id"])


def test_paying_a_referred_order_with_the_creators_own_card_is_flagged_and_held(h):
    m, prog = _program(h)
    me, cr = _linked_creator(h, m, prog)
    _own_paid(h, m, me, pay_with=CARD)
    buyer = f.shopper(h, m)
    oid = _referred_paid(h, m, prog, cr, buyer, pay_with="4242-4242-4242-4242")
    assert c.credited(h, m, oid)["flags"] == ["self_referral_payment"]
    com = _commission(h, m, oid)
    assert (com["state"], com["flags"]) == ("held", ["self_referral_payment"])
    r = h.client.post(f"/v1/commissions/{com['id']}/void", headers=f.auth(m))
    assert (r.json()["state"], r.json()["total_minor"]) == ("voided", 0)


def test_the_creators_default_wallet_is_their_instrument_too(h):
    m, prog = _program(h)
    me, cr = _linked_creator(h, m, prog)
    _own_paid(h, m, me)
    buyer = f.shopper(h, m)
    oid = _referred_paid(h, m, prog, cr, buyer, pay_with=f"wallet-{me['id']}")
    assert _commission(h, m, oid)["flags"] == ["self_referral_payment"]


def test_another_instrument_is_not_flagged(h):
    m, prog = _program(h)
    me, cr = _linked_creator(h, m, prog)
    _own_paid(h, m, me, pay_with=CARD)
    buyer = f.shopper(h, m)
    oid = _referred_paid(h, m, prog, cr, buyer, pay_with="4000 0000 0000 0002")
    other = _referred_paid(h, m, prog, cr, f.shopper(h, m))
    assert [_commission(h, m, o)["flags"] for o in (oid, other)] == [[], []]


def test_a_creator_paying_their_own_order_later_holds_earlier_referrals_paid_alike(h):
    m, prog = _program(h)
    me, cr = _linked_creator(h, m, prog)
    first = _referred_paid(h, m, prog, cr, f.shopper(h, m), pay_with=CARD)
    payable = _referred_paid(h, m, prog, cr, f.shopper(h, m), pay_with=CARD)
    clean = _referred_paid(h, m, prog, cr, f.shopper(h, m), pay_with="4000 0000 0000 0002")
    assert [_commission(h, m, o)["state"] for o in (first, payable, clean)] == ["pending"] * 3
    com = _commission(h, m, payable)
    _complete(h, m, payable)
    h.drain()
    assert _commission(h, m, payable)["state"] == "payable"
    _own_paid(h, m, me, pay_with=CARD)
    for oid in (first, payable):
        again = _commission(h, m, oid)
        assert (again["state"], again["flags"]) == ("held", ["self_referral_payment"])
        assert c.credited(h, m, oid)["flags"] == ["self_referral_payment"]
    assert _commission(h, m, clean)["flags"] == []
    held_events = [e for e in h.client.get("/v1/events", headers=f.auth(m)).json()
                   if e["type"] == "commission.held"]
    assert len(held_events) == 2
    _own_paid(h, m, me, pay_with=CARD)
    h.drain()
    assert len([e for e in h.client.get("/v1/events", headers=f.auth(m)).json()
                if e["type"] == "commission.held"]) == 2
    r = h.client.post(f"/v1/commissions/{com['id']}/release", headers=f.auth(m))
    assert (r.status_code, r.json()["state"]) == (200, "payable")


def test_a_declined_payment_does_not_make_an_instrument_the_creators(h):
    m, prog = _program(h)
    me, cr = _linked_creator(h, m, prog)
    declined = c.open_group(h, me, f.deal(h, m, team_size=2))
    f.pay(h, me, declined["order"]["id"], approve=False, pay_with=CARD)
    oid = _referred_paid(h, m, prog, cr, f.shopper(h, m), pay_with=CARD)
    assert _commission(h, m, oid)["flags"] == []


def test_the_instrument_is_never_stored_raw(h):
    m, prog = _program(h)
    me, cr = _linked_creator(h, m, prog)
    _own_paid(h, m, me, pay_with=CARD)
    _referred_paid(h, m, prog, cr, f.shopper(h, m), pay_with=CARD)
    h.drain()
    raw = {CARD, CARD.replace(" ", ""), "4242-4242-4242-4242"}
    fingerprints = set()
    with h.c.db.read() as session:
        for table in models.metadata().sorted_tables:
            for row in session.execute(select(table)):
                text = repr(tuple(row))
                assert not any(r in text for r in raw), table.name
            if "payer_fingerprint" in table.c:
                fingerprints |= set(session.scalars(
                    select(table.c.payer_fingerprint).where(
                        table.c.payer_fingerprint.is_not(None))))
    assert len(fingerprints) == 1
    (one,) = fingerprints
    assert len(one) == 64
    assert int(one, 16) >= 0
