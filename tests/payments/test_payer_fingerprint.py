"""The sandbox's "Pay with" field and the payer fingerprint the engine keeps of it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pintuan.core.settings import Settings
from pintuan.payments import sandbox
from pintuan.payments.provider import EventType, ProviderEvent
from pintuan.payments.service import payer_fingerprint
from pintuan.payments.store import PaymentRow
from tests import factories as f


def _order(h, m, s) -> str:
    r = h.client.post("/v1/me/groups", headers=f.auth(s), json={"deal_id": f.deal(h, m)["id"]})
    assert r.status_code == 201, r.text
    return str(r.json()["order"]["id"])


def _fingerprint(h, order_id):
    with h.c.db.read() as session:
        rows = list(session.scalars(select(PaymentRow).where(PaymentRow.order_id == order_id)))
    assert len(rows) == 1
    return rows[0].status, rows[0].payer_fingerprint


def test_the_page_asks_what_to_pay_with_defaulting_to_the_shoppers_wallet(h):
    m = f.merchant(h)
    s = f.shopper(h, m)
    sandbox_id = f.start_payment(h, s, _order(h, m, s))
    page = h.client.get(f"/sandbox/checkout/{sandbox_id}").text
    assert '<label for="pay_with">Pay with</label>' in page
    assert f'value="wallet-{s["id"]}"' in page


def test_one_instrument_gives_one_fingerprint_and_others_differ(h):
    m = f.merchant(h)
    a, b = f.shopper(h, m), f.shopper(h, m)
    a1, a2, b1 = _order(h, m, a), _order(h, m, a), _order(h, m, b)
    for s, oid in ((a, a1), (a, a2), (b, b1)):
        f.pay(h, s, oid)
    assert _fingerprint(h, a1) == _fingerprint(h, a2)
    assert _fingerprint(h, a1)[1] != _fingerprint(h, b1)[1]
    c1, c2, c3 = _order(h, m, a), _order(h, m, b), _order(h, m, b)
    f.pay(h, a, c1, pay_with="6222 0200 1234 5678")
    f.pay(h, b, c2, pay_with=" 6222-0200-1234-5678 ")
    f.pay(h, b, c3, pay_with="6222 0200 1234 5679", approve=False)
    assert _fingerprint(h, c1) == _fingerprint(h, c2) == ("succeeded", _fingerprint(h, c2)[1])
    assert _fingerprint(h, c3)[0] == "failed"
    assert _fingerprint(h, c3)[1] not in (None, _fingerprint(h, c1)[1])


def test_the_stored_fingerprint_is_keyed_with_the_server_secret(h):
    m = f.merchant(h)
    s = f.shopper(h, m)
    oid = _order(h, m, s)
    f.pay(h, s, oid, pay_with="alipay:lin@example.com")
    instrument = sandbox.instrument_id(h.c.settings, "alipay:lin@example.com")
    stored = _fingerprint(h, oid)[1]
    assert stored == payer_fingerprint("test-secret", "sandbox", instrument)
    assert stored != payer_fingerprint("another-secret", "sandbox", instrument)
    assert "lin@example.com" not in stored
    assert instrument not in stored


def test_a_bad_pay_with_is_422_and_the_payment_waits(h):
    m = f.merchant(h)
    s = f.shopper(h, m)
    oid = _order(h, m, s)
    sandbox_id = f.start_payment(h, s, oid)
    r = h.client.post(f"/sandbox/checkout/{sandbox_id}/approve", data={"pay_with": "x" * 101},
                      follow_redirects=False)
    assert (r.status_code, r.json()["code"]) == (422, "bad_pay_with")
    h.drain()
    assert _fingerprint(h, oid) == ("requires_action", None)


def test_a_provider_payer_id_is_bounded():
    ProviderEvent(id="e", type=EventType.PAYMENT_SUCCEEDED, ref="r", amount_minor=1, payer="p")
    for bad in ("", "x" * 201, "a\x00b"):
        with pytest.raises(ValueError, match="payer"):
            ProviderEvent(id="e", type=EventType.PAYMENT_SUCCEEDED, ref="r", amount_minor=1,
                          payer=bad)
    with pytest.raises(Exception, match="Pay with"):
        sandbox.instrument_id(Settings(secret_key="k"), " - ")
