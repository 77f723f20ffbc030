"""Pure tests for pintuan.core.ids: prefixed, time-sortable, unique identifiers."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from pintuan.core.ids import _ALPHABET, _b32, lowest, new_id, new_token

FAST = settings(max_examples=200, deadline=None)

MAX_MS = 2**48 - 1  # a ULID timestamp is 48 bits of milliseconds
millis = st.integers(min_value=0, max_value=MAX_MS)
prefixes = st.sampled_from(["ord", "grp", "mem", "sbx_evt", "re", "x"])

# Crockford base32: no I, L, O, U
CROCKFORD = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def body(identifier: str) -> str:
    return identifier.rsplit("_", 1)[1]


def decode(text: str) -> int:
    value = 0
    for ch in text:
        value = value * 32 + _ALPHABET.index(ch)
    return value


def test_alphabet_is_crockford_in_ascending_order():
    # lexicographic order of bodies equals numeric order only if the alphabet is sorted
    assert list(_ALPHABET) == sorted(_ALPHABET)
    assert set(_ALPHABET) == CROCKFORD
    assert len(_ALPHABET) == 32


@FAST
@given(data=st.data(), length=st.integers(min_value=1, max_value=40))
def test_base32_digits_decode_back_to_the_value(data, length):
    value = data.draw(st.integers(min_value=0, max_value=32**length - 1))
    digits = _b32(value, length)
    assert len(digits) == length
    assert decode(digits) == value


@FAST
@given(prefix=prefixes, ms=millis)
def test_prefix_is_kept_and_body_is_a_26_char_ulid(prefix, ms):
    identifier = new_id(prefix, ms=ms)
    assert identifier.startswith(prefix + "_")
    assert identifier[: len(prefix)] == prefix
    b = identifier[len(prefix) + 1 :]
    assert len(b) == 26
    assert set(b) <= CROCKFORD


@FAST
@given(ms=millis)
def test_body_encodes_the_timestamp_in_the_top_48_bits(ms):
    assert decode(body(new_id("ord", ms=ms))) >> 80 == ms


@FAST
@given(a=millis, b=millis, prefix=prefixes)
def test_ids_sort_by_creation_time(a, b, prefix):
    x, y = new_id(prefix, ms=a), new_id(prefix, ms=b)
    if a < b:
        assert x < y
    elif a > b:
        assert x > y
    else:
        assert x[: len(prefix) + 1 + 10] == y[: len(prefix) + 1 + 10]  # same time part


@FAST
@given(stamps=st.lists(millis, min_size=2, max_size=30, unique=True))
def test_sorting_ids_sorts_by_time(stamps):
    ids = {new_id("evt", ms=ms): ms for ms in stamps}
    assert [ids[i] for i in sorted(ids)] == sorted(stamps)


def test_default_timestamp_is_now():
    before = int(time.time() * 1000)
    identifier = new_id("ord")
    after = int(time.time() * 1000)
    assert before <= decode(body(identifier)) >> 80 <= after


def test_ids_are_unique_even_within_one_millisecond():
    same_ms = [new_id("ord", ms=1_700_000_000_000) for _ in range(5_000)]
    assert len(set(same_ms)) == len(same_ms)
    now = [new_id("ord") for _ in range(5_000)]
    assert len(set(now)) == len(now)


def test_random_part_varies():
    randoms = {decode(body(new_id("ord", ms=0))) & ((1 << 80) - 1) for _ in range(200)}
    assert len(randoms) == 200


def test_tokens_are_unique_url_safe_and_sized():
    tokens = [new_token() for _ in range(1_000)]
    assert len(set(tokens)) == len(tokens)
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert all(set(t) <= allowed for t in tokens)
    assert all(len(t) == 32 for t in tokens)  # 24 bytes -> 32 base64 chars
    assert len(new_token(16)) == 22


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DATETIME_MS = st.integers(min_value=0, max_value=253402300799999)  # to the end of year 9999


@FAST
@given(made=DATETIME_MS, since=DATETIME_MS, micros=st.integers(0, 999), prefix=prefixes)
def test_lowest_bounds_exactly_the_ids_made_since_a_time(made, since, micros, prefix):
    at = EPOCH + timedelta(milliseconds=since, microseconds=micros)
    assert (new_id(prefix, ms=made) >= lowest(prefix, at)) == (made >= since)
