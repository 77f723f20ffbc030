"""Pure tests for pintuan.core.money: exact allocation, currency safety, bps rounding."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from pintuan.core.errors import ValidationFailed
from pintuan.core.money import CURRENCY_EXPONENTS, Money, check_currency

FAST = settings(max_examples=200, deadline=None)

currencies = st.sampled_from(sorted(CURRENCY_EXPONENTS))
amounts = st.integers(min_value=-(10**12), max_value=10**12)
weight_lists = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=20).filter(
    lambda ws: sum(ws) > 0
)


def half_away_from_zero(value: Fraction) -> int:
    """The reference rounding: to the nearest integer, ties away from zero."""
    magnitude = math.floor(abs(value) + Fraction(1, 2))
    return magnitude if value >= 0 else -magnitude


# --- allocate ------------------------------------------------------------------------------


@FAST
@given(minor=amounts, weights=weight_lists, currency=currencies)
@example(minor=-1, weights=[1, 1, 1], currency="CNY")
@example(minor=-100, weights=[1, 1, 1], currency="CNY")
@example(minor=10**12, weights=[0, 10**6, 1], currency="JPY")
def test_allocate_parts_sum_exactly_to_the_whole(minor, weights, currency):
    parts = Money(minor, currency).allocate(weights)
    assert len(parts) == len(weights)
    assert all(p.currency == currency for p in parts)
    assert sum(p.minor for p in parts) == minor


@FAST
@given(minor=amounts, weights=weight_lists)
@example(minor=-7, weights=[1, 2, 4])
def test_allocate_is_proportional_within_one_minor_unit(minor, weights):
    total = sum(weights)
    parts = Money(minor, "CNY").allocate(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Fraction(minor * weight, total)
        assert abs(part.minor - exact) < 1, (part, exact)
        # never pushed away from the exact share by more than rounding can explain:
        assert math.floor(exact) <= part.minor <= math.ceil(exact)


@FAST
@given(minor=amounts, weights=weight_lists)
def test_allocate_gives_nothing_to_zero_weights_and_keeps_sign(minor, weights):
    parts = Money(minor, "USD").allocate(weights)
    for part, weight in zip(parts, weights, strict=True):
        if weight == 0:
            assert part.minor == 0
        if minor >= 0:
            assert part.minor >= 0
        else:
            assert part.minor <= 0


@FAST
@given(minor=st.integers(min_value=0, max_value=10**12), weights=weight_lists)
def test_allocate_is_symmetric_under_negation(minor, weights):
    positive = Money(minor, "EUR").allocate(weights)
    negative = Money(-minor, "EUR").allocate(weights)
    assert [p.minor for p in negative] == [-p.minor for p in positive]


def test_allocate_gives_remainders_to_earlier_parts_on_ties():
    assert [p.minor for p in Money(100, "CNY").allocate([1, 1, 1])] == [34, 33, 33]
    assert [p.minor for p in Money(-100, "CNY").allocate([1, 1, 1])] == [-34, -33, -33]
    assert [p.minor for p in Money(5, "CNY").allocate([1, 1, 1, 1])] == [2, 1, 1, 1]


def test_allocate_gives_remainders_to_largest_fractional_share():
    # exact shares 1.4, 2.8, 0.8 -> floors 1, 2, 0 with one unit left: the .8 parts, earlier first
    assert [p.minor for p in Money(5, "CNY").allocate([7, 14, 4])] == [1, 3, 1]


@pytest.mark.parametrize("weights", [[], [0], [0, 0, 0], [-1, 2], [3, -1, 1], [1, -1]])
def test_allocate_rejects_bad_weights(weights):
    with pytest.raises(ValidationFailed):
        Money(100, "CNY").allocate(weights)


@FAST
@given(
    minor=amounts,
    weights=st.lists(st.integers(min_value=-(10**6), max_value=10**6), min_size=1, max_size=10),
)
def test_allocate_raises_exactly_when_weights_are_bad(minor, weights):
    bad = any(w < 0 for w in weights) or sum(weights) == 0
    if bad:
        with pytest.raises(ValidationFailed):
            Money(minor, "CNY").allocate(weights)
    else:
        assert sum(p.minor for p in Money(minor, "CNY").allocate(weights)) == minor


# --- currency ------------------------------------------------------------------------------


@FAST
@given(a=amounts, b=amounts, c1=currencies, c2=currencies)
def test_mixing_currencies_raises(a, b, c1, c2):
    assume(c1 != c2)
    x, y = Money(a, c1), Money(b, c2)
    for op in (lambda: x + y, lambda: x - y, lambda: x < y, lambda: x <= y):
        with pytest.raises(ValidationFailed) as info:
            op()
        assert info.value.code == "currency_mismatch"


@FAST
@given(a=amounts, b=amounts, c=currencies, k=st.integers(min_value=-1000, max_value=1000))
def test_same_currency_arithmetic(a, b, c, k):
    x, y = Money(a, c), Money(b, c)
    assert x + y == Money(a + b, c)
    assert x - y == Money(a - b, c)
    assert x * k == Money(a * k, c)
    assert (x < y) is (a < b)
    assert (x <= y) is (a <= b)
    assert x.is_negative is (a < 0)


def test_unsupported_currency_is_rejected():
    with pytest.raises(ValidationFailed) as info:
        Money(1, "XXX")
    assert info.value.code == "unsupported_currency"
    with pytest.raises(ValidationFailed):
        check_currency("cny")
    assert check_currency("CNY") == "CNY"


@pytest.mark.parametrize("minor", [1.0, 1.5, True, False, "1", None])
def test_money_minor_must_be_an_int(minor):
    with pytest.raises(TypeError):
        Money(minor, "CNY")


def test_format_uses_the_currency_exponent():
    assert Money(12345, "CNY").format() == "123.45 CNY"
    assert Money(-5, "USD").format() == "-0.05 USD"
    assert Money(0, "EUR").format() == "0.00 EUR"
    assert Money(1000, "JPY").format() == "1000 JPY"
    assert Money(-7, "KRW").format() == "-7 KRW"


# --- bps -----------------------------------------------------------------------------------


@FAST
@given(minor=amounts, basis_points=st.integers(min_value=0, max_value=20_000), c=currencies)
@example(minor=1, basis_points=5_000, c="CNY")
@example(minor=-1, basis_points=5_000, c="CNY")
@example(minor=-3, basis_points=5_000, c="CNY")
@example(minor=5, basis_points=1_000, c="CNY")
@example(minor=-5, basis_points=1_000, c="CNY")
def test_bps_rounds_half_away_from_zero(minor, basis_points, c):
    got = Money(minor, c).bps(basis_points)
    assert got.currency == c
    assert got.minor == half_away_from_zero(Fraction(minor * basis_points, 10_000))


@pytest.mark.parametrize(
    ("minor", "basis_points", "expected"),
    [
        (1, 5_000, 1),      # 0.5 -> 1
        (-1, 5_000, -1),    # -0.5 -> -1
        (3, 5_000, 2),      # 1.5 -> 2
        (-3, 5_000, -2),    # -1.5 -> -2
        (5, 1_000, 1),      # 0.5 -> 1
        (4, 1_000, 0),      # 0.4 -> 0
        (-4, 1_000, 0),     # -0.4 -> 0
        (6, 1_000, 1),      # 0.6 -> 1
        (-6, 1_000, -1),    # -0.6 -> -1
        (10_000, 250, 250),
        (12_345, 0, 0),
        (12_345, 10_000, 12_345),
    ],
)
def test_bps_examples(minor, basis_points, expected):
    assert Money(minor, "CNY").bps(basis_points).minor == expected


@FAST
@given(minor=amounts, basis_points=st.integers(min_value=-20_000, max_value=-1))
@example(minor=1, basis_points=-5_000)   # -0.5 must round to -1, not 0
@example(minor=-1, basis_points=-5_000)  # 0.5 must round to 1
def test_bps_with_negative_basis_points_also_rounds_half_away_from_zero(minor, basis_points):
    # The docstring promises "amount times basis_points / 10,000, rounded half away from
    # zero" with no restriction on the sign of basis_points.
    got = Money(minor, "CNY").bps(basis_points)
    assert got.minor == half_away_from_zero(Fraction(minor * basis_points, 10_000))
