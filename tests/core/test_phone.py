"""Phone numbers normalise to E.164; every spelling of one number gives the same string."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pintuan.core.errors import ValidationFailed
from pintuan.core.phone import check_region, normalise, optional

# Mainland mobile numbers: 11 digits, 1 then an operator digit 3-9 (China Mobile, Unicom,
# Telecom, Broadnet and virtual operators all sit under 13x-19x).
MOBILE_PREFIXES = ["130", "133", "135", "138", "139", "150", "158", "177", "180", "186", "189",
                   "199"]
mobiles = st.builds(lambda p, rest: p + rest, st.sampled_from(MOBILE_PREFIXES),
                    st.text("0123456789", min_size=8, max_size=8))
separators = st.sampled_from(["", " ", "-", " - ", "."])
country_forms = st.sampled_from(["", "+86", "+86 ", "0086", "0086 ", "86", "+86-", "(+86) "])


def _spelled(number: str, sep: str, country: str) -> str:
    return country + sep.join([number[:3], number[3:7], number[7:]])


@given(mobiles, separators, country_forms)
def test_every_spelling_of_a_mainland_mobile_is_one_e164_number(number, sep, country):
    assert normalise(_spelled(number, sep, country), region="CN") == "+86" + number


@given(mobiles, separators)
def test_without_a_region_a_mainland_mobile_needs_its_country_code(number, sep):
    assert normalise("+86 " + _spelled(number, sep, ""), region=None) == "+86" + number
    assert normalise("0086" + number, region=None) == "+86" + number
    with pytest.raises(ValidationFailed) as raised:
        normalise(_spelled(number, sep, ""), region=None)
    assert raised.value.code == "bad_phone"


@given(mobiles, separators, country_forms)
def test_normalising_is_idempotent(number, sep, country):
    once = normalise(_spelled(number, sep, country))
    assert normalise(once) == once
    assert normalise(once, region=None) == once
    assert normalise(once, region="US") == once


def test_international_numbers_with_a_plus():
    assert normalise("+1 (650) 253-0000") == "+16502530000"
    assert normalise("+44 20 7946 0958", region=None) == "+442079460958"
    assert normalise("+852 5123 4567", region="CN") == "+85251234567"
    assert normalise("(650) 253-0000", region="US") == "+16502530000"
    assert normalise("010 6552 9988") == "+861065529988"


@pytest.mark.parametrize("bad", [
    "", "   ", "hello", "12345", "+999 123", "138 0000 000", "138 0000 00000", "+86 100 0000 0000",
    "+1 650 253 0000 ext. 12", "1" * 40, "138\x000000000", "+86 138 0000 0000\n1",
])
def test_garbage_is_refused_with_a_stable_code(bad):
    with pytest.raises(ValidationFailed) as raised:
        normalise(bad)
    assert (raised.value.status, raised.value.code) == (422, "bad_phone")


@given(st.text(max_size=40))
def test_any_text_normalises_or_is_refused_with_bad_phone(text):
    codes = []
    try:
        got = normalise(text)
    except ValidationFailed as e:
        codes.append(e.code)
        got = None
    if got is None:
        assert codes == ["bad_phone"]
    else:
        assert got.startswith("+")
        assert got[1:].isdigit()
        assert len(got) <= 16
        assert normalise(got) == got


def test_optional_and_regions():
    assert optional(None) is None
    assert optional("  ") is None
    assert optional("13800000000") == "+8613800000000"
    assert check_region(" cn ") == "CN"
    assert check_region(None) is None
    for bad in ("XX", "China", ""):
        with pytest.raises(ValidationFailed) as raised:
            check_region(bad)
        assert raised.value.code == "bad_phone_region"
