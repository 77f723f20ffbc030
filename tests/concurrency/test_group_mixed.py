"""Real server, real PostgreSQL: opens, joins, payments and leaves of many shoppers interleave
at random over one deal's groups; afterwards seats, quota, per-shopper usage, stock, orders and
money all agree with each other."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg

from tests.concurrency.conftest import merchant, pay, setup_deal, shopper, wait_for

LEADERS, JOINERS = 8, 32


def _script(url: str, who: dict[str, str], group_ids: list[str], rng: random.Random) -> str:
    """One shopper's part: join a random group (overflow may move them), then maybe pay,
    then maybe leave. Returns what happened, for the failure message."""
    with httpx.Client(base_url=url, timeout=60) as c:
        r = c.post(f"/v1/me/groups/{rng.choice(group_ids)}/join", headers=who, json={})
        if r.status_code != 201:
            assert r.status_code == 409, r.text
            return r.json()["code"]
        gid, order_id = r.json()["group"]["id"], r.json()["order"]["id"]
        if rng.random() < 0.6:
            pay(c, who, order_id)
        if rng.random() < 0.3:
            left = c.post(f"/v1/me/groups/{gid}/leave", headers=who)
            assert left.status_code in (200, 409), left.text
        return "joined"


def _leader_leaves(url: str, who: dict[str, str], gid: str) -> int:
    with httpx.Client(base_url=url, timeout=60) as c:
        return c.post(f"/v1/me/groups/{gid}/leave", headers=who).status_code


def test_random_opens_joins_payments_and_leaves_keep_every_ledger_consistent(server):
    rng = random.Random(20261123)
    slug, admin = merchant(server)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        _, deal = setup_deal(client, admin, code="MIX", stock=1000, team_size=3, quota=1000,
                             overflow="join_another", per_shopper_limit=2)
        people = [shopper(client, slug, n) for n in range(LEADERS + JOINERS)]
        groups = []
        for who in people[:LEADERS]:
            r = client.post("/v1/me/groups", headers=who, json={"deal_id": deal})
            assert r.status_code == 201, r.text
            groups.append((r.json()["group"]["id"], r.json()["order"]["id"]))
        for (_, order_id), who in zip(groups[:LEADERS // 2], people, strict=False):
            pay(client, who, order_id)
    ids = [g for g, _ in groups]
    seeds = [random.Random(rng.random()) for _ in range(JOINERS)]
    with ThreadPoolExecutor(max_workers=24) as pool:
        outcomes = [pool.submit(_script, server.url, people[LEADERS + i], ids, seeds[i])
                    for i in range(JOINERS)]
        leaves = [pool.submit(_leader_leaves, server.url, people[i], ids[i])
                  for i in range(0, LEADERS, 3)]
        results = [f.result() for f in outcomes]
        assert {f.result() for f in leaves} <= {200, 409}
    assert results.count("joined") > LEADERS

    with psycopg.connect(server.database_url, autocommit=True) as conn:
        def settled() -> bool:
            busy = conn.execute("""
                SELECT (SELECT count(*) FROM events WHERE NOT dispatched)
                     + (SELECT count(*) FROM refunds WHERE status = 'pending')
                     + (SELECT count(*) FROM deliveries WHERE status = 'pending')""").fetchone()
            return busy == (0,)
        wait_for(settled, timeout=60)
        _assert_consistent(conn, deal)


def _assert_consistent(conn: psycopg.Connection, deal: str) -> None:
    over = conn.execute("""
        SELECT g.id FROM groups g
        WHERE g.seats_taken > g.size OR g.seats_taken <> (
            SELECT count(*) FROM group_members m
            WHERE m.group_id = g.id AND m.status IN ('held', 'paid', 'virtual'))""").fetchall()
    assert over == []
    ended = dict(conn.execute("SELECT status, count(*) FROM group_members GROUP BY status"))
    assert ended.get("released", 0) > 0, ended
    assert ended.get("refunded", 0) > 0, ended
    (held_units,) = conn.execute("SELECT coalesce(sum(quantity), 0) FROM group_members "
                                 "WHERE status IN ('held', 'paid')").fetchone()
    (quota_used,) = conn.execute("SELECT quota_used FROM deals WHERE id = %s",
                                 (deal,)).fetchone()
    assert quota_used == held_units
    usage_off = conn.execute("""
        SELECT u.shopper_id FROM deal_usage u WHERE u.units <> (
            SELECT coalesce(sum(m.quantity), 0) FROM group_members m
            WHERE m.shopper_id = u.shopper_id AND m.status IN ('held', 'paid'))""").fetchall()
    assert usage_off == []
    received, available, reserved, sold = conn.execute(
        "SELECT received, available, reserved, sold FROM stock_levels").fetchone()
    assert reserved + sold == held_units
    assert received == available + reserved + sold
    mismatched = conn.execute("""
        SELECT m.id, m.status, o.status FROM group_members m JOIN orders o ON o.id = m.order_id
        WHERE NOT ((m.status = 'held' AND o.status = 'pending_payment')
                OR (m.status = 'paid' AND o.status IN ('paid', 'confirmed'))
                OR (m.status = 'released' AND o.status = 'cancelled')
                OR (m.status = 'refunded' AND o.status = 'refunded'))""").fetchall()
    assert mismatched == []
    stranded = conn.execute("""
        SELECT p.id FROM payments p JOIN orders o ON o.id = p.order_id
        WHERE p.status = 'succeeded' AND o.status NOT IN ('paid', 'confirmed')
          AND p.refunded_minor < p.amount_minor""").fetchall()
    assert stranded == []
