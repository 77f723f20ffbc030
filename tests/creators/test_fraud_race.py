"""Self-referral by payment under two workers, on PostgreSQL with committed transactions:
one worker opens the commission of an order credited to a creator while the creator's own
payment with the same card is not committed yet; another worker, looking back from that
payment, flags the order before the first has committed. Whichever commits second must see
the other's work, so the commission ends held."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from pintuan import container as containers
from pintuan import migrate
from pintuan.api import create_app
from pintuan.core.clock import FakeClock
from pintuan.core.db import Database, make_engine
from pintuan.core.outbox import EventRow
from pintuan.core.settings import Settings
from pintuan.creators import commissions
from tests import factories as f
from tests.conftest import Harness
from tests.creators import helpers as c
from tests.creators.test_fraud_api import CARD, _commission, _program
from tests.databases import drop_database, make_database


class Undrained(Harness):
    """Requests commit for real and the sandbox's webhooks are delivered; the outbox's
    events wait for the test to dispatch them."""

    def drain(self) -> None:
        while self.c.worker.send_deliveries():
            pass


@pytest.fixture
def committed() -> Iterator[Undrained]:
    url = make_database("postgres", "pintuan_race")
    engine = make_engine(url)
    try:
        migrate.upgrade(url)
        clock = FakeClock()
        settings = Settings(database_url=url, secret_key="test-secret",
                            public_url="http://testserver", run_worker=False)
        box = containers.build(settings, db=Database.from_engine(engine), clock=clock)
        with TestClient(create_app(box, run_worker=False)) as client:
            box.worker.http = client
            yield Undrained(box, client, clock)
    finally:
        engine.dispose()
        drop_database(url)


def _paid_event(h: Harness, order_id: str) -> EventRow:
    with h.c.db.read() as session:
        rows = session.scalars(select(EventRow).where(EventRow.type == "order.paid")).all()
        found = [e for e in rows if e.data["order"]["id"] == order_id]
        assert len(found) == 1
        session.expunge(found[0])
        return found[0]


def test_a_look_back_during_an_uncommitted_opening_still_holds_the_commission(committed):
    h = committed
    m, prog = _program(h)
    me = f.shopper(h, m)
    cr = c.creator(h, m, prog, shopper_id=me["id"])
    visitor = c.click(h, c.link(h, m, prog, cr))
    buyer = f.shopper(h, m)
    referred = c.open_group(h, buyer, f.deal(h, m, team_size=2), visitor=visitor)["order"]["id"]
    f.pay(h, buyer, referred, pay_with=CARD)
    own = c.open_group(h, me, f.deal(h, m, team_size=2))["order"]["id"]
    looked_back = threading.Event()

    def look_back() -> None:
        with h.c.db.write() as session:
            commissions.consume(h.c.tx(session), [_paid_event(h, own)])
        looked_back.set()

    with h.c.db.write() as session:
        commissions.consume(h.c.tx(session), [_paid_event(h, referred)])
        f.pay(h, me, own, pay_with=CARD)
        other = threading.Thread(target=look_back)
        other.start()
        assert not looked_back.wait(1.0)
    other.join(30)
    assert looked_back.is_set()
    assert c.credited(h, m, referred)["flags"] == ["self_referral_payment"]
    com = _commission(h, m, referred)
    assert (com["state"], com["flags"]) == ("held", ["self_referral_payment"])
