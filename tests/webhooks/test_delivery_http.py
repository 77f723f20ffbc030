"""Merchant webhooks go over real HTTP to a receiver on 127.0.0.1: signed, retried, logged."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import orjson
import pytest

from pintuan.core.signing import verify
from tests import factories as f


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers 500 to the first delivery of each event and 200 to the next."""

    url: str
    reply: bytes = b"ok"
    got: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, item: Received) -> int:
        with self.lock:
            seen = any(r.headers["pintuan-event-id"] == item.headers["pintuan-event-id"]
                       for r in self.got)
            self.got.append(item)
        return 200 if seen else 500


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            item = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            status = box[0].answer(item)
            self.send_response(status)
            self.send_header("Content-Length", str(len(box[0].reply)))
            self.end_headers()
            self.wfile.write(box[0].reply)

        def log_message(self, *_: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.append(Receiver(url=f"http://127.0.0.1:{server.server_port}/hooks"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box[0]
    finally:
        server.shutdown()
        server.server_close()


class ToApp(httpx.BaseTransport):
    """Hands a request to the app under test through the harness's TestClient."""

    def __init__(self, client) -> None:
        self.client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        r = self.client.request(request.method, str(request.url), content=request.read(),
                                headers=dict(request.headers))
        return httpx.Response(r.status_code, headers=r.headers.multi_items(), content=r.content)


@pytest.fixture
def real_http(h) -> Iterator[httpx.Client]:
    """The worker's client becomes a real httpx.Client; only the engine's own URL (the sandbox
    provider calling back) still goes in-process to the app under test."""
    client = httpx.Client(timeout=10, mounts={h.c.settings.public_url: ToApp(h.client)})
    h.c.worker.http = client
    yield client
    client.close()


def _deliveries(h, m):
    return h.client.get("/v1/webhook-deliveries?limit=200", headers=f.auth(m)).json()["data"]


def _complete_a_group(h, m):
    deal = f.deal(h, m, team_size=2)
    a, b = f.shopper(h, m), f.shopper(h, m)
    opened = h.client.post("/v1/me/groups", headers=f.auth(a), json={"deal_id": deal["id"]})
    gid = opened.json()["group"]["id"]
    joined = h.client.post(f"/v1/me/groups/{gid}/join", headers=f.auth(b), json={})
    f.pay(h, a, opened.json()["order"]["id"])
    f.pay(h, b, joined.json()["order"]["id"])
    assert h.client.get(f"/v1/groups/{gid}", headers=f.auth(m)).json()["status"] == "completed"
    return gid


def test_deliveries_reach_a_real_receiver_signed_and_retried_with_backoff(h, receiver,
                                                                          real_http):
    assert h.c.worker.http is real_http
    assert type(real_http) is httpx.Client
    m = f.merchant(h)
    endpoint = h.client.post("/v1/webhook-endpoints", headers=f.auth(m),
                             json={"url": receiver.url}).json()
    gid = _complete_a_group(h, m)
    h.drain()

    first = list(receiver.got)
    types = {orjson.loads(r.body)["type"] for r in first}
    assert {"order.paid", "order.confirmed", "group.opened", "group.completed",
            "payment.succeeded"} <= types
    pending = _deliveries(h, m)
    assert len(pending) == len(first)
    assert {(d["status"], d["attempts"], d["last_status_code"]) for d in pending} == {
        ("pending", 1, 500)}

    h.advance(seconds=1)  # inside the 2 s backoff: nothing is sent again
    assert len(receiver.got) == len(first)
    h.advance(seconds=1)
    assert len(receiver.got) == 2 * len(first)

    now = int(h.clock.now().timestamp())
    for r in receiver.got:
        assert r.path == "/hooks"
        assert r.headers["content-type"] == "application/json"
        verify(endpoint["secret"], r.headers["pintuan-signature"], r.body, now=now, tolerance=5)
    retried = receiver.got[len(first):]
    assert all(r.headers["pintuan-signature"].startswith(f"t={now},") for r in retried)
    completed = [orjson.loads(r.body) for r in first
                 if orjson.loads(r.body)["type"] == "group.completed"]
    assert completed[0]["data"]["group"]["id"] == gid

    for d in _deliveries(h, m):
        assert (d["status"], d["attempts"], d["last_status_code"]) == ("succeeded", 2, 200)
        log = h.client.get(f"/v1/webhook-deliveries/{d['id']}", headers=f.auth(m)).json()["log"]
        assert [a["status_code"] for a in log] == [500, 200]
        assert log[1]["at"] > log[0]["at"]


@pytest.mark.usefixtures("real_http")
def test_an_unreachable_receiver_is_logged_and_retried_later(h, receiver):
    m = f.merchant(h)
    dead = receiver.url.replace("/hooks", "").rsplit(":", 1)[0] + ":1/hooks"
    h.client.post("/v1/webhook-endpoints", headers=f.auth(m), json={"url": dead})
    f.deal(h, m)
    h.drain()
    [d] = _deliveries(h, m)
    assert (d["event_type"], d["status"], d["attempts"]) == ("deal.created", "pending", 1)
    log = h.client.get(f"/v1/webhook-deliveries/{d['id']}", headers=f.auth(m)).json()["log"]
    assert log[0]["status_code"] is None
    assert log[0]["error"].startswith("ConnectError")
    h.advance(seconds=2)
    [d] = _deliveries(h, m)
    assert d["attempts"] == 2


@pytest.mark.usefixtures("real_http")
def test_a_receiver_answering_with_nul_bytes_is_logged(h, receiver):
    receiver.reply = b"\x00\xffbad\x00"
    m = f.merchant(h)
    h.client.post("/v1/webhook-endpoints", headers=f.auth(m), json={"url": receiver.url})
    f.deal(h, m)
    h.drain()
    h.advance(seconds=2)
    [d] = _deliveries(h, m)
    assert (d["status"], d["attempts"]) == ("succeeded", 2)
    log = h.client.get(f"/v1/webhook-deliveries/{d['id']}", headers=f.auth(m)).json()["log"]
    assert [a["status_code"] for a in log] == [500, 200]
