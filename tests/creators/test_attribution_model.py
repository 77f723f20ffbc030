"""The attribution rules and creator facts as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pintuan.core.errors import ValidationFailed
from pintuan.creators.attribution import (
    Click,
    CodeUse,
    Decision,
    Party,
    Rules,
    Source,
    decide,
    self_referral,
    strongest,
)
from pintuan.creators.model import (
    AttributionModel,
    Precedence,
    device_class,
    is_koc,
    normal_code,
    tier_for,
)

NOW = datetime(2026, 11, 11, tzinfo=UTC)
WINDOW = timedelta(days=30)


def click(creator: str, ago: timedelta, n: int = 0) -> Click:
    return Click(click_id=f"clk_{creator}{n}", creator_id=creator, at=NOW - ago)


def test_last_and_first_click():
    clicks = [click("a", timedelta(days=3)), click("b", timedelta(days=1))]
    assert decide(Rules(), now=NOW, clicks=clicks, code=None, bound_to=None).creator_id == "b"
    first = Rules(model=AttributionModel.FIRST_CLICK)
    assert decide(first, now=NOW, clicks=clicks, code=None, bound_to=None).creator_id == "a"


def test_window_is_inclusive_at_both_edges():
    rules = Rules(window=WINDOW)
    edge = [click("a", WINDOW)]
    assert decide(rules, now=NOW, clicks=edge, code=None, bound_to=None).creator_id == "a"
    past = [click("a", WINDOW + timedelta(microseconds=1))]
    assert decide(rules, now=NOW, clicks=past, code=None, bound_to=None) is None
    future = [Click("clk_f", "a", NOW + timedelta(seconds=1))]
    assert decide(rules, now=NOW, clicks=future, code=None, bound_to=None) is None


def test_first_click_ignores_clicks_that_left_the_window():
    rules = Rules(model=AttributionModel.FIRST_CLICK)
    clicks = [click("old", WINDOW + timedelta(days=1)), click("a", timedelta(days=2)),
              click("b", timedelta(days=1))]
    assert decide(rules, now=NOW, clicks=clicks, code=None, bound_to=None).creator_id == "a"


def test_code_precedence_and_binding():
    clicks = [click("a", timedelta(hours=1))]
    code = CodeUse("TEA", "b")
    made = decide(Rules(), now=NOW, clicks=clicks, code=code, bound_to=None)
    assert (made.creator_id, made.source, made.code) == ("b", Source.CODE, "TEA")
    link_first = Rules(precedence=Precedence.LINK_BEATS_CODE)
    assert decide(link_first, now=NOW, clicks=clicks, code=code, bound_to=None).creator_id == "a"
    assert decide(link_first, now=NOW, clicks=[], code=code, bound_to=None).creator_id == "b"
    bound = Rules(bind_once=True)
    made = decide(bound, now=NOW, clicks=clicks, code=code, bound_to="c")
    assert (made.creator_id, made.source) == ("c", Source.BINDING)
    assert decide(Rules(), now=NOW, clicks=clicks, code=None, bound_to="c").creator_id == "a"


def test_strongest_across_programs_is_order_independent():
    binding = ("prg_2", Decision("c", Source.BINDING, NOW))
    code = ("prg_1", Decision("b", Source.CODE, NOW))
    late = ("prg_3", Decision("a", Source.CLICK, NOW))
    early = ("prg_4", Decision("d", Source.CLICK, NOW - timedelta(hours=1)))
    for ordering in ([binding, code, late, early], [early, late, code, binding]):
        assert strongest(ordering) == binding
    assert strongest([early, late]) == late
    assert strongest([]) is None


@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 40 * 24)), max_size=8),
       st.sampled_from(list(AttributionModel)))
def test_a_click_decision_is_always_a_click_in_the_window(raw, model):
    clicks = [click(cr, timedelta(hours=h), n) for n, (cr, h) in enumerate(raw)]
    made = decide(Rules(model=model), now=NOW, clicks=clicks, code=None, bound_to=None)
    inside = [k for k in clicks if NOW - WINDOW <= k.at <= NOW]
    if not inside:
        assert made is None
        return
    chosen = next(k for k in clicks if k.click_id == made.click_id)
    times = [k.at for k in inside]
    assert chosen.at == (max(times) if model is AttributionModel.LAST_CLICK else min(times))


def test_self_referral_by_account_email_and_phone():
    me = Party("shp_1", "a@x.cn", "+8613800000000")
    assert self_referral(me, Party("shp_1", "b@x.cn", None)) == ["self_referral_id"]
    assert self_referral(me, Party("shp_2", "a@x.cn", "+8613800000000")) == [
        "self_referral_email", "self_referral_phone"]
    assert self_referral(me, Party("shp_2", None, "+8613800000001")) == []
    assert self_referral(Party(None, None, None), Party("shp_2", None, None)) == []


def test_tiers_at_their_boundaries():
    cases = {0: "nano", 4_999: "nano", 5_000: "micro", 19_999: "micro", 20_000: "mid",
             99_999: "mid", 100_000: "macro", 1_000_000: "macro", 1_000_001: "mega"}
    assert {n: tier_for(n).value for n in cases} == cases
    assert is_koc(50_000)
    assert not is_koc(50_001)
    assert is_koc(9, koc_max=10)
    with pytest.raises(ValidationFailed):
        tier_for(-1)


def test_codes_and_devices():
    assert normal_code(" lily-Tea ") == "LILY-TEA"
    for bad in ("ab", "has space", "x" * 40, "emoji😀"):
        with pytest.raises(ValidationFailed):
            normal_code(bad)
    assert device_class("Mozilla/5.0 (iPad; CPU OS 17_0)") == "tablet"
    assert device_class("Googlebot/2.1") == "bot"
    assert device_class("") == "unknown"
