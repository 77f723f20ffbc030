"""Token buckets in front of the buy path."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pintuan.flashsale.gate import Buckets


def test_a_bucket_allows_a_burst_then_the_rate():
    b = Buckets(rate=2, burst=4)
    assert [b.allow("x", now=0.0) for _ in range(5)] == [True] * 4 + [False]
    assert b.allow("x", now=0.5) is True
    assert b.allow("x", now=0.5) is False
    assert b.allow("y", now=0.5) is True
    assert all(Buckets(rate=0, burst=0).allow("x", now=0.0) for _ in range(100))


@given(st.lists(st.floats(0, 0.5), min_size=1, max_size=200), st.integers(1, 20))
def test_never_more_than_burst_plus_rate_times_elapsed(gaps, rate):
    b, now, allowed = Buckets(rate=rate, burst=2 * rate), 0.0, 0
    for gap in gaps:
        now += gap
        allowed += b.allow("k", now=now)
    assert allowed <= 2 * rate + rate * now + 1e-9
