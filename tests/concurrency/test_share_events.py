"""SSE over a real server: /v1/share/{token}/events streams a group's progress as it happens."""

from __future__ import annotations

import threading

import httpx
import orjson

from tests.concurrency.conftest import merchant, pay, setup_deal, shopper, wait_for


def _read_events(url: str, out: list[dict], done: threading.Event) -> None:
    """Collect `group` events until the server ends the stream."""
    with httpx.Client(timeout=httpx.Timeout(30, read=60)) as client, \
            client.stream("GET", url) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        event = None
        for line in r.iter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: ") and event == "group":
                out.append(orjson.loads(line.removeprefix("data: ")))
    done.set()


def test_share_events_stream_joins_payments_and_completion(server):
    slug, admin = merchant(server, slug="sse-tea")
    with httpx.Client(base_url=server.url, timeout=30) as client:
        _, deal = setup_deal(client, admin, code="SSE", stock=10, team_size=2, quota=10)
        leader, friend = shopper(client, slug, 1), shopper(client, slug, 2)
        opened = client.post("/v1/me/groups", headers=leader, json={"deal_id": deal}).json()
        token = opened["group"]["share_url"].rsplit("/", 1)[1]

        events: list[dict] = []
        done = threading.Event()
        reader = threading.Thread(target=_read_events, daemon=True,
                                  args=(f"{server.url}/v1/share/{token}/events", events, done))
        reader.start()
        wait_for(lambda: len(events) >= 1)
        assert (events[0]["status"], events[0]["seats_taken"], events[0]["paid_count"]) == (
            "open", 1, 0)

        joined = client.post(f"/v1/me/groups/{token}/join", headers=friend, json={}).json()
        wait_for(lambda: events[-1]["seats_taken"] == 2)
        pay(client, leader, opened["order"]["id"])
        wait_for(lambda: events[-1]["paid_count"] == 1)
        pay(client, friend, joined["order"]["id"])
        assert done.wait(20), "the stream did not end when the group completed"
        reader.join(5)

    last = events[-1]
    assert (last["status"], last["seats_taken"], last["paid_count"]) == ("completed", 2, 2)
    assert [m["status"] for m in last["members"]] == ["paid", "paid"]
    versions = [e["version"] for e in events]
    assert versions == sorted(set(versions)), "each event is a newer version of the group"
    assert len(events) >= 4
