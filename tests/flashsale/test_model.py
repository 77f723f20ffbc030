"""Flash-sale rules without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pintuan.core.errors import DomainError
from pintuan.flashsale.model import (
    DailySession,
    Limits,
    Slot,
    check_slots,
    countdown,
    daily_slots,
    limit_scopes,
    live_slot,
    per_second,
    prior_lowest,
    take_in_order,
)

T0 = datetime(2026, 11, 1, tzinfo=UTC)
history_st = st.lists(st.tuples(st.integers(0, 60 * 24 * 40), st.integers(1, 10_000)),
                      max_size=12, unique_by=lambda x: x[0])


@given(history_st, st.integers(1, 30), st.integers(0, 60 * 24 * 40))
def test_prior_lowest_is_the_minimum_price_in_force_during_the_window(raw, days, at_min):
    history = sorted((T0 + timedelta(minutes=m), p) for m, p in raw)
    before = T0 + timedelta(minutes=at_min)
    got = prior_lowest(history, current=99_999, before=before, days=days)
    start = before - timedelta(days=days)
    # brute force: the price in force when the window opens and after each change in it
    moments = [start] + [at for at, _ in history if start < at <= before]
    in_force = [max(((at, p) for at, p in history if at <= t), default=None) for t in moments]
    prices = [p for x in in_force if x is not None for p in [x[1]]]
    assert got == (min(prices) if prices else 99_999)


@given(st.lists(st.integers(1, 5), max_size=30), st.integers(0, 60))
def test_take_in_order_takes_the_longest_prefix_that_fits(quantities, units):
    k = take_in_order(quantities, units)
    assert sum(quantities[:k]) <= units
    assert k == len(quantities) or sum(quantities[:k + 1]) > units


@given(st.integers(1, 20), st.lists(st.integers(0, 23), min_size=1, max_size=4, unique=True),
       st.integers(1, 59))
def test_daily_slots_never_overlap_and_count_days_times_sessions(days, hours, minutes):
    slots = daily_slots(first_day=date(2026, 11, 11), days=days, timezone="Asia/Shanghai",
                        sessions=[DailySession(time(h), minutes) for h in hours])
    assert len(slots) == days * len(hours)
    assert check_slots(slots, T0) == slots


def test_live_slot_and_countdown():
    a = Slot(T0, T0 + timedelta(hours=1))
    b = Slot(T0 + timedelta(hours=2), T0 + timedelta(hours=3))
    slots = [("a", a), ("b", b)]
    assert live_slot(slots, T0 + timedelta(minutes=1)) == "a"
    for at, code in ((T0 - timedelta(seconds=1), "slot_not_started"),
                     (T0 + timedelta(minutes=90), "slot_not_started"),
                     (T0 + timedelta(hours=3), "event_ended")):
        with pytest.raises(DomainError) as err:
            live_slot(slots, at)
        assert err.value.code == code
    assert countdown(b, T0 + timedelta(hours=1)) == 3600
    assert countdown(b, T0 + timedelta(hours=2, minutes=30)) == 1800
    assert countdown(a, T0 + timedelta(hours=5)) == 0


@pytest.mark.parametrize(("limits", "ok"), [((1, 1, 1), True), ((1, 2, 5), True),
                                            ((0, 1, 1), False), ((2, 1, 3), False),
                                            ((1, 3, 2), False)])
def test_limits_are_ordered(limits, ok):
    if ok:
        Limits(*limits).validate()
    else:
        with pytest.raises(DomainError):
            Limits(*limits).validate()


@given(st.lists(st.integers(0, 10_000), max_size=60))
def test_per_second_counts_every_event_once_in_its_second(millis):
    times = [T0 + timedelta(milliseconds=ms) for ms in millis]
    series = per_second(times)
    assert sum(n for _, n in series) == len(times)
    assert [at for at, _ in series] == sorted({t.replace(microsecond=0) for t in times})


@given(st.integers(1, 3), st.integers(1, 5), st.integers(0, 4),
       st.lists(st.tuples(st.integers(0, 2), st.integers(1, 3)), max_size=12))
def test_the_scopes_counted_refuse_exactly_what_both_limits_would(slots, per_slot, extra, buys):
    """Buys (slot, units) in slot order, each admitted or refused: counted against the scopes
    ``limit_scopes`` names, the same answers as against the slot's and the event's limits."""
    per_event = per_slot + extra
    full: dict[str, int] = {}
    fewer: dict[str, int] = {}
    for slot, units in sorted((min(s, slots - 1), u) for s, u in buys):
        both = [(f"slot{slot}", per_slot), ("event", per_event)]
        named = limit_scopes(slot_id=f"slot{slot}", event_id="event", slots=slots,
                             per_slot=per_slot, per_event=per_event)
        answers = []
        for scopes, usage in ((both, full), (named, fewer)):
            ok = all(usage.get(scope, 0) + units <= limit for scope, limit in scopes)
            if ok:
                for scope, _ in scopes:
                    usage[scope] = usage.get(scope, 0) + units
            answers.append(ok)
        assert answers[0] == answers[1]
    if slots == 1 or extra == 0:
        assert set(fewer) <= {"event"}
