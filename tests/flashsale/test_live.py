"""The live stream: what changed between two snapshots, and the SSE endpoint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pintuan.flashsale.live import Snapshot, changes
from tests import factories as f
from tests.flashsale.helpers import buy, event

T0 = datetime(2026, 11, 11, tzinfo=UTC)


def _snap(seconds: int, remaining: int, taken: int, slot: str = "live",
          status: str = "scheduled") -> Snapshot:
    return Snapshot(at=T0 + timedelta(seconds=seconds), status=status,
                    items={"fsi_1": (remaining, taken)}, slots={"fss_1": slot})


def test_counters_rates_sold_out_slots_and_the_end():
    first = _snap(0, 10, 0, slot="upcoming")
    assert [n for n, _ in changes(None, first)] == ["counters"]
    assert changes(first, first) == []
    started = _snap(1, 10, 0)
    assert changes(first, started) == [("slot_started", {"slot_id": "fss_1"})]
    busy = _snap(3, 4, 6)
    (name, data), = changes(started, busy)
    assert (name, data["items"][0]["orders_per_s"], data["items"][0]["remaining"]) == (
        "counters", 3.0, 4)
    gone = _snap(4, 0, 10)
    assert [n for n, _ in changes(busy, gone)] == ["counters", "sold_out"]
    back = _snap(5, 1, 9)
    assert [n for n, _ in changes(gone, back)] == ["counters"]
    over = _snap(6, 0, 9, slot="ended", status="ended")
    assert [n for n, _ in changes(back, over)] == ["counters", "slot_ended", "ended"]


def test_the_stream_reports_a_finished_sale_and_closes(h):
    m = f.merchant(h)
    ev = event(h, m, quota=1, length=timedelta(minutes=5))
    assert buy(h, f.shopper(h, m), ev["items"][0]["id"]).status_code == 201
    h.advance(minutes=6)
    r = h.client.get(f"/v1/stores/{m['slug']}/flash-sales/{ev['id']}/live")
    assert r.headers["content-type"].startswith("text/event-stream")
    names = [line.split(": ", 1)[1] for line in r.text.splitlines()
             if line.startswith("event: ")]
    assert names == ["counters", "ended"]
    assert '"taken":1' in r.text
    other = f.merchant(h)
    r = h.client.get(f"/v1/stores/{other['slug']}/flash-sales/{ev['id']}/live")
    assert (r.status_code, r.json()["code"]) == (404, "flash_sale_not_found")
