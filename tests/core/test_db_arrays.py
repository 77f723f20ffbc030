"""``db.text_array``: any strings survive the trip as a ``text[]`` parameter."""

from __future__ import annotations

import psycopg
from hypothesis import given, settings
from hypothesis import strategies as st

from pintuan.core.db import text_array
from tests.databases import ADMIN_URL

AWKWARD = ["", "NULL", "null", "a,b", "{x}", 'say "hi"', "back\\slash", "\\\"", " pad ",
           "中文", "shp_01JABC"]


def _round_trip(values: list[str]) -> list[str]:
    with psycopg.connect(ADMIN_URL) as conn:
        row = conn.execute("SELECT %(a)s::text[]", {"a": text_array(values)}).fetchone()
    assert row is not None
    return list(row[0])


def test_awkward_strings_come_back_as_sent() -> None:
    assert _round_trip(AWKWARD) == AWKWARD
    assert _round_trip([]) == []


# What a text column can hold: UTF-8 (no lone surrogates) without NUL.
STORABLE = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"))


@settings(max_examples=60, deadline=None)
@given(st.lists(STORABLE, max_size=8))
def test_any_strings_come_back_as_sent(values: list[str]) -> None:
    assert _round_trip(values) == values
