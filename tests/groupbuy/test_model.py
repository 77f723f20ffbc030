"""Pure tests for pintuan.groupbuy.model: deal terms and the Group aggregate.

The centrepiece is a stateful test that drives random groups through opens, joins, payments,
declines, hold expiries, leaves, late payments, clock ticks and deadlines, while a side ledger
in the test keeps the money and the stock the way a service would: from the before/after diff
of member statuses around every operation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from pintuan.core.errors import Conflict, ValidationFailed
from pintuan.groupbuy.model import (
    MAX_TEAM,
    MAX_WINDOW,
    MIN_TEAM,
    DealTerms,
    Group,
    GroupStatus,
    Member,
    MemberStatus,
    Overflow,
    PayOutcome,
)

M = MemberStatus
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def terms(**overrides: object) -> DealTerms:
    base = DealTerms(
        team_size=3,
        list_price_minor=10_000,
        group_price_minor=6_000,
        leader_price_minor=5_000,
        join_window=timedelta(hours=24),
        starts_at=T0,
        ends_at=T0 + timedelta(days=7),
        per_order_limit=2,
        per_shopper_limit=4,
        quota=100,
        virtual_fill_min_paid=None,
        overflow=Overflow.REJECT,
    )
    return replace(base, **overrides)


def new_group(size: int = 3, *, threshold: int | None = None,
              window: timedelta = timedelta(hours=1), gid: str = "grp_1") -> Group:
    return Group(id=gid, size=size, status=GroupStatus.OPEN, opened_at=T0,
                 deadline_at=T0 + window, virtual_fill_min_paid=threshold)


def join(g: Group, n: int, *, minutes: int | None = None, quantity: int = 1) -> Member:
    """Member mem_<n> for shopper shp_<n>, joining n minutes after T0 by default."""
    at = T0 + timedelta(minutes=n if minutes is None else minutes)
    return g.claim_seat(member_id=f"mem_{n}", shopper_id=f"shp_{n}", quantity=quantity, now=at)


def state(g: Group) -> tuple[object, ...]:
    """Everything observable about a group, to check that an operation changed nothing."""
    return (g.status, g.closed_at, g.deadline_at, g.size,
            tuple((m.id, m.shopper_id, m.order_id, m.status, m.is_leader, m.quantity,
                   m.joined_at, m.paid_at) for m in g.members))


# =========================================================================================
# DealTerms
# =========================================================================================


def test_base_terms_are_valid():
    terms().validate()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"team_size": MIN_TEAM - 1}, "bad_team_size"),
        ({"team_size": 0}, "bad_team_size"),
        ({"team_size": MAX_TEAM + 1}, "bad_team_size"),
        ({"group_price_minor": 0, "leader_price_minor": None}, "bad_price"),
        ({"group_price_minor": -1, "leader_price_minor": None}, "bad_price"),
        ({"group_price_minor": 10_001}, "bad_price"),
        ({"leader_price_minor": -1}, "bad_price"),
        ({"leader_price_minor": 6_001}, "bad_price"),
        ({"ends_at": T0}, "bad_schedule"),
        ({"ends_at": T0 - timedelta(seconds=1)}, "bad_schedule"),
        ({"join_window": timedelta(0)}, "bad_join_window"),
        ({"join_window": timedelta(milliseconds=999)}, "bad_join_window"),
        ({"join_window": MAX_WINDOW + timedelta(seconds=1)}, "bad_join_window"),
        ({"join_window": timedelta(seconds=-5)}, "bad_join_window"),
        ({"per_order_limit": 0}, "bad_limits"),
        ({"per_order_limit": 5, "per_shopper_limit": 4}, "bad_limits"),
        ({"per_order_limit": 1, "per_shopper_limit": 0}, "bad_limits"),
        ({"quota": 0}, "bad_quota"),
        ({"quota": -3}, "bad_quota"),
        ({"virtual_fill_min_paid": 0}, "bad_virtual_fill"),
        ({"virtual_fill_min_paid": 3}, "bad_virtual_fill"),  # == team size
        ({"virtual_fill_min_paid": 4}, "bad_virtual_fill"),
        ({"virtual_fill_min_paid": -1}, "bad_virtual_fill"),
    ],
)
def test_validate_rejects_each_bad_field_with_its_code(overrides, code):
    with pytest.raises(ValidationFailed) as info:
        terms(**overrides).validate()
    assert info.value.code == code
    assert info.value.status == 422


@pytest.mark.parametrize(
    "overrides",
    [
        {"team_size": MIN_TEAM, "virtual_fill_min_paid": None},
        {"team_size": MAX_TEAM},
        {"group_price_minor": 10_000, "leader_price_minor": None},  # group price == list
        {"group_price_minor": 1, "leader_price_minor": 0},
        {"leader_price_minor": 0},
        {"leader_price_minor": 6_000},  # leader price == group price
        {"leader_price_minor": None},
        {"ends_at": T0 + timedelta(microseconds=1)},
        {"join_window": timedelta(seconds=1)},
        {"join_window": MAX_WINDOW},
        {"per_order_limit": 1, "per_shopper_limit": 1},
        {"per_order_limit": 4, "per_shopper_limit": 4},
        {"quota": 1},
        {"virtual_fill_min_paid": 1},
        {"virtual_fill_min_paid": 2},  # team size - 1
    ],
)
def test_validate_accepts_the_boundaries(overrides):
    terms(**overrides).validate()


@settings(max_examples=200, deadline=None)
@given(
    opened=st.integers(min_value=0, max_value=60 * 24 * 40),
    window=st.integers(min_value=1, max_value=int(MAX_WINDOW.total_seconds())),
    length=st.integers(min_value=1, max_value=60 * 24 * 40),
)
def test_deadline_for_never_outlives_the_deal(opened, window, length):
    t = terms(join_window=timedelta(seconds=window), ends_at=T0 + timedelta(minutes=length))
    opened_at = T0 + timedelta(minutes=opened)
    deadline = t.deadline_for(opened_at)
    assert deadline <= t.ends_at
    assert deadline <= opened_at + t.join_window
    assert deadline in (t.ends_at, opened_at + t.join_window)
    if opened_at + t.join_window <= t.ends_at:
        assert deadline == opened_at + t.join_window
    else:
        assert deadline == t.ends_at


def test_price_for_leader_and_members():
    t = terms(leader_price_minor=5_000, group_price_minor=6_000)
    assert t.price_for(leader=True) == 5_000
    assert t.price_for(leader=False) == 6_000
    free = terms(leader_price_minor=0)
    assert free.price_for(leader=True) == 0  # a free leader seat is not "no leader price"
    assert free.price_for(leader=False) == 6_000
    plain = terms(leader_price_minor=None)
    assert plain.price_for(leader=True) == 6_000
    assert plain.price_for(leader=False) == 6_000


def test_holds_seat():
    assert {s for s in MemberStatus if s.holds_seat} == {M.HELD, M.PAID, M.VIRTUAL}


# =========================================================================================
# Group: examples
# =========================================================================================


def test_first_seat_is_the_leaders():
    g = new_group()
    leader = join(g, 0)
    other = join(g, 1)
    assert leader.is_leader
    assert not other.is_leader
    assert g.leader is leader
    assert leader.status is M.HELD
    assert g.seats_taken == 2


def test_claim_seat_refusals():
    g = new_group(size=2)
    join(g, 0)
    with pytest.raises(Conflict) as info:
        g.claim_seat(member_id="mem_x", shopper_id="shp_0", quantity=1, now=T0)
    assert info.value.code == "already_member"
    join(g, 1)
    with pytest.raises(Conflict) as info:
        join(g, 2)
    assert info.value.code == "group_full"
    assert [m.id for m in g.members] == ["mem_0", "mem_1"]


def test_claim_seat_after_deadline_is_closed():
    g = new_group(window=timedelta(minutes=10))
    join(g, 0)
    with pytest.raises(Conflict) as info:
        join(g, 1, minutes=10)  # exactly at the deadline
    assert info.value.code == "group_closed"
    join(g, 2, minutes=9)


def test_a_shopper_who_left_can_rejoin_but_never_holds_two_seats():
    g = new_group()
    join(g, 0)
    join(g, 1)
    g.leave("mem_1", T0 + timedelta(minutes=2))
    again = g.claim_seat(member_id="mem_1b", shopper_id="shp_1", quantity=1,
                         now=T0 + timedelta(minutes=3))
    assert again.status is M.HELD
    assert sum(1 for m in g.members if m.shopper_id == "shp_1" and m.status.holds_seat) == 1
    with pytest.raises(Conflict):
        g.claim_seat(member_id="mem_1c", shopper_id="shp_1", quantity=1,
                     now=T0 + timedelta(minutes=4))


def test_pay_completes_when_every_seat_is_paid():
    g = new_group(size=3)
    for n in range(3):
        join(g, n)
    assert g.pay("mem_1", T0 + timedelta(minutes=5)) is PayOutcome.ACCEPTED
    assert g.pay("mem_0", T0 + timedelta(minutes=6)) is PayOutcome.ACCEPTED
    assert g.status is GroupStatus.OPEN
    assert g.pay("mem_2", T0 + timedelta(minutes=7)) is PayOutcome.COMPLETED
    assert g.status is GroupStatus.COMPLETED
    assert g.closed_at == T0 + timedelta(minutes=7)
    assert g.member("mem_1").paid_at == T0 + timedelta(minutes=5)


def test_full_but_unpaid_group_stays_open():
    g = new_group(size=2)
    join(g, 0)
    join(g, 1)
    assert g.pay("mem_0", T0 + timedelta(minutes=5)) is PayOutcome.ACCEPTED
    assert g.status is GroupStatus.OPEN
    assert not g.is_joinable(T0 + timedelta(minutes=5))


def test_late_payments_are_refunded_and_change_nothing():
    g = new_group(size=3)
    join(g, 0)
    join(g, 1)
    join(g, 2)
    g.pay("mem_0", T0 + timedelta(minutes=3))
    assert g.release("mem_1", T0 + timedelta(minutes=4))
    snap = state(g)
    assert g.pay("mem_1", T0 + timedelta(minutes=5)) is PayOutcome.REFUND  # released
    assert g.pay("mem_0", T0 + timedelta(minutes=5)) is PayOutcome.REFUND  # paid twice
    assert state(g) == snap
    g.leave("mem_0", T0 + timedelta(minutes=6))  # paid leader leaves -> refunded
    assert g.pay("mem_0", T0 + timedelta(minutes=7)) is PayOutcome.REFUND  # refunded
    assert g.settle(g.deadline_at, new_member_id=["v"] * 3)
    assert g.status is GroupStatus.FAILED
    snap = state(g)
    assert g.pay("mem_2", g.deadline_at) is PayOutcome.REFUND  # closed group
    assert state(g) == snap


def test_leadership_passes_to_the_earliest_paid_member_when_the_leader_leaves():
    g = new_group(size=5)
    for n in range(5):
        join(g, n)
    # mem_1 is earlier but unpaid; mem_2 and mem_4 paid (in joining order)
    g.pay("mem_2", T0 + timedelta(minutes=10))
    g.pay("mem_4", T0 + timedelta(minutes=11))
    g.leave("mem_0", T0 + timedelta(minutes=12))
    assert g.member("mem_0").status is M.RELEASED
    assert not g.member("mem_0").is_leader
    assert g.leader is g.member("mem_2")
    assert [m.id for m in g.members if m.is_leader] == ["mem_2"]
    # the paid leader leaves too: refunded, leadership to the next paid member
    g.leave("mem_2", T0 + timedelta(minutes=13))
    assert g.member("mem_2").status is M.REFUNDED
    assert g.leader is g.member("mem_4")
    assert g.status is GroupStatus.OPEN


def test_leadership_passes_to_the_earliest_held_member_without_payers():
    g = new_group(size=4)
    for n in range(4):
        join(g, n)
    assert g.release("mem_0", T0 + timedelta(minutes=10))  # the leader's hold expires
    assert g.leader is g.member("mem_1")
    g.leave("mem_1", T0 + timedelta(minutes=11))
    assert g.leader is g.member("mem_2")


def test_leadership_tie_on_join_time():
    g = new_group(size=3)
    join(g, 0)
    join(g, 2, minutes=1)
    join(g, 1, minutes=1)  # same instant as mem_2
    g.leave("mem_0", T0 + timedelta(minutes=2))
    assert g.leader is not None
    assert g.leader.id == "mem_1"  # ties broken by id: deterministic


def test_non_leader_leaving_keeps_the_leader():
    g = new_group()
    join(g, 0)
    join(g, 1)
    g.leave("mem_1", T0 + timedelta(minutes=5))
    assert g.leader is g.member("mem_0")


def test_an_emptied_group_fails():
    g = new_group()
    join(g, 0)
    join(g, 1)
    g.leave("mem_1", T0 + timedelta(minutes=5))
    assert g.status is GroupStatus.OPEN
    g.leave("mem_0", T0 + timedelta(minutes=6))
    assert g.status is GroupStatus.FAILED
    assert g.closed_at == T0 + timedelta(minutes=6)
    assert g.seats_taken == 0


def test_an_emptied_group_fails_when_the_last_hold_expires():
    g = new_group()
    join(g, 0)
    assert g.release("mem_0", T0 + timedelta(minutes=3))
    assert g.status is GroupStatus.FAILED
    assert g.closed_at == T0 + timedelta(minutes=3)
    with pytest.raises(Conflict) as info:
        join(g, 1, minutes=4)
    assert info.value.code == "group_closed"


def test_leave_refusals():
    g = new_group()
    join(g, 0)
    join(g, 1)
    g.leave("mem_1", T0 + timedelta(minutes=2))
    with pytest.raises(Conflict) as info:
        g.leave("mem_1", T0 + timedelta(minutes=3))
    assert info.value.code == "not_a_member"
    g.pay("mem_0", T0 + timedelta(minutes=3))
    join(g, 2)
    join(g, 3)
    g.pay("mem_2", T0 + timedelta(minutes=4))
    g.pay("mem_3", T0 + timedelta(minutes=4))
    assert g.status is GroupStatus.COMPLETED
    snap = state(g)
    with pytest.raises(Conflict) as info:
        g.leave("mem_2", T0 + timedelta(minutes=5))
    assert info.value.code == "group_closed"
    assert state(g) == snap


def test_release_only_lets_go_of_held_seats():
    g = new_group()
    join(g, 0)
    join(g, 1)
    g.pay("mem_1", T0 + timedelta(minutes=2))
    snap = state(g)
    assert g.release("mem_1", T0 + timedelta(minutes=3)) is False
    assert state(g) == snap
    assert g.release("mem_0", T0 + timedelta(minutes=3)) is True
    assert g.release("mem_0", T0 + timedelta(minutes=4)) is False


def test_settle_before_the_deadline_returns_false_and_changes_nothing():
    g = new_group(threshold=1)
    join(g, 0)
    g.pay("mem_0", T0 + timedelta(minutes=1))
    snap = state(g)
    assert g.settle(g.deadline_at - timedelta(microseconds=1), new_member_id=["v1", "v2"]) \
        is False
    assert state(g) == snap


def test_settle_fills_virtually_at_the_threshold():
    g = new_group(size=4, threshold=2)
    for n in range(4):
        join(g, n)
    g.pay("mem_1", T0 + timedelta(minutes=5))
    g.pay("mem_3", T0 + timedelta(minutes=6))
    assert g.settle(g.deadline_at, new_member_id=["v1", "v2", "v3", "v4"]) is True
    assert g.status is GroupStatus.COMPLETED
    assert g.closed_at == g.deadline_at
    assert [m.status for m in g.members] == [M.RELEASED, M.PAID, M.RELEASED, M.PAID,
                                             M.VIRTUAL, M.VIRTUAL]
    virtual = [m for m in g.members if m.status is M.VIRTUAL]
    assert [m.id for m in virtual] == ["v1", "v2"]
    assert all(m.shopper_id is None and m.quantity == 0 and not m.is_leader for m in virtual)
    assert g.seats_taken == 4
    assert g.leader is g.member("mem_1")  # the unpaid leader's seat went to the first payer


def test_settle_below_the_threshold_fails_and_refunds_every_payer():
    g = new_group(size=4, threshold=3)
    for n in range(4):
        join(g, n)
    g.pay("mem_1", T0 + timedelta(minutes=5))
    g.pay("mem_2", T0 + timedelta(minutes=6))
    later = g.deadline_at + timedelta(minutes=30)
    assert g.settle(later, new_member_id=["v1", "v2", "v3", "v4"]) is True
    assert g.status is GroupStatus.FAILED
    assert g.closed_at == later
    assert [m.status for m in g.members] == [M.RELEASED, M.REFUNDED, M.REFUNDED, M.RELEASED]


def test_settle_without_virtual_fill_fails():
    g = new_group(size=2, threshold=None)
    join(g, 0)
    g.pay("mem_0", T0 + timedelta(minutes=1))
    assert g.settle(g.deadline_at, new_member_id=["v1", "v2"]) is True
    assert g.status is GroupStatus.FAILED
    assert g.member("mem_0").status is M.REFUNDED


@pytest.mark.parametrize("threshold", [None, 1])
def test_settle_is_idempotent(threshold):
    g = new_group(size=3, threshold=threshold)
    join(g, 0)
    join(g, 1)
    g.pay("mem_0", T0 + timedelta(minutes=3))
    assert g.settle(g.deadline_at, new_member_id=["v1", "v2", "v3"]) is True
    snap = state(g)
    assert g.settle(g.deadline_at, new_member_id=["w1", "w2", "w3"]) is False
    assert g.settle(g.deadline_at + timedelta(days=1), new_member_id=["x1", "x2", "x3"]) is False
    assert state(g) == snap


def test_settle_on_a_completed_group_returns_false():
    g = new_group(size=2)
    join(g, 0)
    join(g, 1)
    g.pay("mem_0", T0 + timedelta(minutes=3))
    g.pay("mem_1", T0 + timedelta(minutes=3))
    snap = state(g)
    assert g.settle(g.deadline_at, new_member_id=["v1", "v2"]) is False
    assert state(g) == snap


def test_member_lookups():
    g = new_group()
    a = join(g, 0)
    a.order_id = "ord_a"
    assert g.member("mem_0") is a
    assert g.member_for_order("ord_a") is a
    assert g.member_for_order("ord_zzz") is None
    assert g.seat_of("shp_0") is a
    assert g.seat_of("shp_9") is None
    g.leave("mem_0", T0 + timedelta(minutes=1))
    assert g.seat_of("shp_0") is None


# =========================================================================================
# Group: stateful
# =========================================================================================

SHOPPERS = [f"shp_{i}" for i in range(6)]
DEAL_ENDS = T0 + timedelta(minutes=25)
LEGAL = {(M.HELD, M.PAID), (M.HELD, M.RELEASED), (M.PAID, M.REFUNDED)}


class GroupBuying(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = T0
        self.groups: list[Group] = []
        self.terms: dict[str, DealTerms] = {}
        self.seq: dict[str, int] = {}          # member id -> order of joining
        self.amount: dict[str, int] = {}       # member id -> order amount (minor units)
        self.next_seq = 0
        self.next_virtual = 0
        # side ledger
        self.captured = 0
        self.refunded = 0
        self.reserved = 0
        self.refunds = Counter[str]()          # PAID -> REFUNDED refunds per member
        self.late_refunds = Counter[str]()     # REFUND outcomes per member
        self.ever_paid: set[str] = set()
        self.declined: set[str] = set()

    # --- helpers ---------------------------------------------------------------------------

    def _member_id(self) -> str:
        mid = f"mem_{self.next_seq:05d}"
        self.seq[mid] = self.next_seq
        self.next_seq += 1
        return mid

    def _real_members(self) -> list[tuple[Group, Member]]:
        return [(g, m) for g in self.groups for m in g.members if m.status is not M.VIRTUAL]

    def _held(self) -> list[tuple[Group, Member]]:
        return [(g, m) for g, m in self._real_members() if m.status is M.HELD]

    def _not_held(self) -> list[tuple[Group, Member]]:
        return [(g, m) for g, m in self._real_members() if m.status is not M.HELD]

    def _account(self, g: Group, before: dict[str, MemberStatus], *,
                 accepted: str | None = None) -> None:
        """Book the consequences of a status diff, like a service's commit step."""
        ids = [m.id for m in g.members]
        assert len(ids) == len(set(ids))
        assert set(before) <= set(ids), "members are never removed"
        for m in g.members:
            old, new = before.get(m.id), m.status
            if old is None:
                assert new in (M.HELD, M.VIRTUAL)
                if new is M.HELD:
                    self.reserved += m.quantity
                else:
                    assert m.quantity == 0
                    assert m.shopper_id is None
                continue
            if old is new:
                continue
            assert (old, new) in LEGAL, f"illegal transition {old} -> {new} of {m.id}"
            if (old, new) == (M.HELD, M.PAID):
                assert m.id == accepted, "only an accepted payment makes a member paid"
            elif (old, new) == (M.HELD, M.RELEASED):
                self.reserved -= m.quantity
            else:  # PAID -> REFUNDED
                self.refunded += self.amount[m.id]
                self.reserved -= m.quantity
                self.refunds[m.id] += 1

    def _expected_heir(self, g: Group) -> Member | None:
        holders = [m for m in g.members if m.status in (M.HELD, M.PAID)]
        paid = [m for m in holders if m.status is M.PAID]
        pool = paid or holders
        return min(pool, key=lambda m: self.seq[m.id]) if pool else None

    def _check_departure(self, g: Group, gone: Member, was_leader: bool,
                         leader_before: Member | None) -> None:
        assert not gone.is_leader
        if not was_leader:
            assert g.leader is leader_before
            assert g.status is GroupStatus.OPEN
            return
        heir = self._expected_heir(g)
        if heir is None:
            assert g.status is GroupStatus.FAILED
            assert g.closed_at == self.now
            assert g.leader is None
        else:
            assert g.status is GroupStatus.OPEN
            assert g.leader is heir

    # --- rules -----------------------------------------------------------------------------

    @precondition(lambda self: self.now < DEAL_ENDS and len(self.groups) < 3)
    @rule(
        size=st.integers(min_value=MIN_TEAM, max_value=5),
        threshold=st.one_of(st.none(), st.integers(min_value=1, max_value=2),
                            st.integers(min_value=1, max_value=4)),
        window=st.integers(min_value=1, max_value=1200),
        leader_price=st.one_of(st.none(), st.integers(min_value=0, max_value=600)),
        shopper=st.sampled_from(SHOPPERS),
        quantity=st.integers(min_value=1, max_value=3),
    )
    def open_group(self, size, threshold, window, leader_price, shopper, quantity):
        if threshold is not None and threshold >= size:
            threshold = size - 1
        t = terms(team_size=size, list_price_minor=1_000, group_price_minor=600,
                  leader_price_minor=leader_price, join_window=timedelta(seconds=window),
                  starts_at=T0, ends_at=DEAL_ENDS, per_order_limit=3, per_shopper_limit=3,
                  virtual_fill_min_paid=threshold)
        t.validate()
        g = Group(id=f"grp_{len(self.groups)}", size=size, status=GroupStatus.OPEN,
                  opened_at=self.now, deadline_at=t.deadline_for(self.now),
                  virtual_fill_min_paid=threshold)
        assert g.deadline_at <= DEAL_ENDS
        assert g.is_joinable(self.now)
        mid = self._member_id()
        leader = g.claim_seat(member_id=mid, shopper_id=shopper, quantity=quantity, now=self.now)
        assert leader.is_leader
        assert leader.status is M.HELD
        assert g.leader is leader
        self.amount[mid] = t.price_for(leader=True) * quantity
        self.groups.append(g)
        self.terms[g.id] = t
        self._account(g, {})

    def _open(self) -> list[Group]:
        return [g for g in self.groups
                if g.status is GroupStatus.OPEN and self.now < g.deadline_at]

    @precondition(lambda self: self._open())
    @rule(data=st.data(), shopper=st.sampled_from(SHOPPERS),
          quantity=st.integers(min_value=1, max_value=3))
    def join_open_group(self, data, shopper, quantity):
        self._join(data.draw(st.sampled_from(self._open()), label="group"), shopper, quantity)

    @precondition(lambda self: self._open())
    @rule(data=st.data(),
          shoppers=st.lists(st.sampled_from(SHOPPERS), min_size=2, max_size=5),
          quantity=st.integers(min_value=1, max_value=3))
    def share_link_goes_round(self, data, shoppers, quantity):
        """Several shoppers join one group in a burst, at the same instant."""
        g = data.draw(st.sampled_from(self._open()), label="group")
        for shopper in shoppers:
            self._join(g, shopper, quantity)

    @precondition(lambda self: self.groups)
    @rule(data=st.data(), shopper=st.sampled_from(SHOPPERS),
          quantity=st.integers(min_value=1, max_value=3))
    def join(self, data, shopper, quantity):
        """Join any group, closed ones included."""
        self._join(data.draw(st.sampled_from(self.groups), label="group"), shopper, quantity)

    def _join(self, g: Group, shopper: str, quantity: int) -> None:
        before = {m.id: m.status for m in g.members}
        snap = state(g)
        leader_before = g.leader
        if g.status is not GroupStatus.OPEN or self.now >= g.deadline_at:
            expected = "group_closed"
        elif any(m.shopper_id == shopper and m.status.holds_seat for m in g.members):
            expected = "already_member"
        elif sum(m.status.holds_seat for m in g.members) >= g.size:
            expected = "group_full"
        else:
            expected = None
        assert g.is_joinable(self.now) is (
            g.status is GroupStatus.OPEN and self.now < g.deadline_at
            and sum(m.status.holds_seat for m in g.members) < g.size)
        mid = self._member_id()
        if expected is not None:
            with pytest.raises(Conflict) as info:
                g.claim_seat(member_id=mid, shopper_id=shopper, quantity=quantity, now=self.now)
            assert info.value.code == expected
            assert state(g) == snap
            return
        m = g.claim_seat(member_id=mid, shopper_id=shopper, quantity=quantity, now=self.now)
        assert g.members[-1] is m
        assert (m.id, m.shopper_id, m.quantity, m.status, m.joined_at, m.paid_at) == (
            mid, shopper, quantity, M.HELD, self.now, None)
        assert m.is_leader is (leader_before is None)
        assert g.leader is (leader_before or m)
        self.amount[mid] = self.terms[g.id].price_for(leader=m.is_leader) * quantity
        self._account(g, before)

    @precondition(lambda self: self._held())
    @rule(data=st.data())
    def pay(self, data):
        self._pay(*data.draw(st.sampled_from(self._held()), label="member"))

    @precondition(lambda self: self._held())
    @rule(data=st.data())
    def newest_member_pays(self, data):
        """The latest joiner of a group pays straight away (so earlier seats may still be
        unpaid when the leadership has to pass)."""
        g = data.draw(st.sampled_from(sorted({g.id for g, _ in self._held()})), label="group")
        self._pay(*max(((x, m) for x, m in self._held() if x.id == g),
                       key=lambda xm: self.seq[xm[1].id]))

    def _pay(self, g: Group, m: Member) -> None:
        before = {x.id: x.status for x in g.members}
        assert g.status is GroupStatus.OPEN  # only open groups have held seats
        completes = g.paid_count + 1 == g.size
        outcome = g.pay(m.id, self.now)
        self.captured += self.amount[m.id]
        self.ever_paid.add(m.id)
        assert outcome is (PayOutcome.COMPLETED if completes else PayOutcome.ACCEPTED)
        assert m.status is M.PAID
        assert m.paid_at == self.now
        if completes:
            assert g.status is GroupStatus.COMPLETED
            assert g.closed_at == self.now
        else:
            assert g.status is GroupStatus.OPEN
        self._account(g, before, accepted=m.id)

    @precondition(lambda self: self._not_held())
    @rule(data=st.data())
    def late_payment(self, data):
        """Money for a seat that is gone (released, refunded, paid already, group closed)."""
        g, m = data.draw(st.sampled_from(self._not_held()), label="member")
        before = {x.id: x.status for x in g.members}
        snap = state(g)
        outcome = g.pay(m.id, self.now)
        self.captured += self.amount[m.id]
        assert outcome is PayOutcome.REFUND
        self.refunded += self.amount[m.id]  # the money goes straight back
        self.late_refunds[m.id] += 1
        assert state(g) == snap
        self._account(g, before)

    @precondition(lambda self: self._held())
    @rule(data=st.data())
    def payment_declined(self, data):
        """The provider declines: the model is not told, and the held seat stays."""
        g, m = data.draw(st.sampled_from(self._held()), label="member")
        self.declined.add(m.id)
        assert m.status is M.HELD
        assert g.seat_of(m.shopper_id) is m

    @precondition(lambda self: self._real_members())
    @rule(data=st.data())
    def hold_expires(self, data):
        g, m = data.draw(st.sampled_from(self._real_members()), label="member")
        before = {x.id: x.status for x in g.members}
        snap = state(g)
        was_held, was_leader, leader_before = m.status is M.HELD, m.is_leader, g.leader
        released = g.release(m.id, self.now)
        assert released is was_held
        if not was_held:
            assert state(g) == snap
            return
        assert m.status is M.RELEASED
        self._check_departure(g, m, was_leader, leader_before)
        self._account(g, before)

    def _open_leaders(self) -> list[tuple[Group, Member]]:
        """Leaders of open groups who have somebody to pass the leadership to."""
        return [(g, m) for g, m in self._real_members()
                if g.status is GroupStatus.OPEN and m.is_leader and g.seats_taken >= 2]

    @precondition(lambda self: self._open_leaders())
    @rule(data=st.data())
    def leader_leaves(self, data):
        self._leave(*data.draw(st.sampled_from(self._open_leaders()), label="leader"))

    @precondition(lambda self: self._real_members())
    @rule(data=st.data())
    def leave(self, data):
        self._leave(*data.draw(st.sampled_from(self._real_members()), label="member"))

    def _leave(self, g: Group, m: Member) -> None:
        before = {x.id: x.status for x in g.members}
        snap = state(g)
        old, was_leader, leader_before = m.status, m.is_leader, g.leader
        if g.status is not GroupStatus.OPEN or old not in (M.HELD, M.PAID):
            with pytest.raises(Conflict) as info:
                g.leave(m.id, self.now)
            assert info.value.code == ("group_closed" if g.status is not GroupStatus.OPEN
                                       else "not_a_member")
            assert state(g) == snap
            return
        g.leave(m.id, self.now)
        assert m.status is (M.RELEASED if old is M.HELD else M.REFUNDED)
        self._check_departure(g, m, was_leader, leader_before)
        self._account(g, before)

    @rule(seconds=st.integers(min_value=0, max_value=300))
    def tick(self, seconds):
        self.now += timedelta(seconds=seconds)

    @precondition(lambda self: any(g.deadline_at > self.now for g in self.groups))
    @rule(data=st.data())
    def tick_to_a_deadline(self, data):
        """Land the clock exactly on a deadline: joins there are closed, settles are due."""
        ahead = sorted({g.deadline_at for g in self.groups if g.deadline_at > self.now})
        self.now = data.draw(st.sampled_from(ahead), label="deadline")

    def _due(self) -> list[Group]:
        return [g for g in self.groups
                if g.status is GroupStatus.OPEN and self.now >= g.deadline_at]

    @precondition(lambda self: self._due())
    @rule(data=st.data())
    def deadline_timer(self, data):
        """The deadline timer fires for a group that is due."""
        self._settle(data.draw(st.sampled_from(self._due()), label="group"))

    @precondition(lambda self: self.groups)
    @rule(data=st.data())
    def deadline(self, data):
        """Settle is called on any group: early, due, or already closed."""
        self._settle(data.draw(st.sampled_from(self.groups), label="group"))

    def _settle(self, g: Group) -> None:
        before = {m.id: m.status for m in g.members}
        snap = state(g)
        paid_before = [m for m in g.members if m.status is M.PAID]
        leader_before = g.leader
        ids = [f"vrt_{self.next_virtual + i:05d}" for i in range(g.size)]
        self.next_virtual += g.size
        due = g.status is GroupStatus.OPEN and self.now >= g.deadline_at
        settled = g.settle(self.now, new_member_id=ids)
        assert settled is due
        if not due:
            assert state(g) == snap
            return
        assert g.closed_at == self.now
        for m in g.members:
            if before.get(m.id) is M.HELD:
                assert m.status is M.RELEASED
        threshold = g.virtual_fill_min_paid
        virtual = [m for m in g.members if m.status is M.VIRTUAL]
        if threshold is not None and len(paid_before) >= threshold:
            assert g.status is GroupStatus.COMPLETED
            assert all(m.status is M.PAID for m in paid_before)
            assert [m.id for m in virtual] == ids[: g.size - len(paid_before)]
            assert all(m.joined_at == self.now and not m.is_leader for m in virtual)
            if leader_before is not None and leader_before.status is M.PAID:
                assert g.leader is leader_before
            else:
                assert g.leader is min(paid_before, key=lambda m: self.seq[m.id])
        else:
            assert g.status is GroupStatus.FAILED
            assert virtual == []
            assert all(m.status is M.REFUNDED for m in paid_before)
        self._account(g, before)

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def seats(self):
        for g in self.groups:
            holders = [m for m in g.members if m.status.holds_seat]
            assert g.seats_taken == len(holders)
            assert g.seats_taken <= g.size
            assert g.paid_count == sum(1 for m in g.members if m.status is M.PAID)

    @invariant()
    def one_seat_per_shopper(self):
        for g in self.groups:
            shoppers = [m.shopper_id for m in g.members
                        if m.status.holds_seat and m.shopper_id is not None]
            assert len(shoppers) == len(set(shoppers))

    @invariant()
    def group_statuses(self):
        for g in self.groups:
            statuses = Counter(m.status for m in g.members)
            if g.status is GroupStatus.OPEN:
                assert g.closed_at is None
                assert statuses[M.VIRTUAL] == 0
                assert statuses[M.PAID] < g.size
            else:
                assert g.closed_at is not None
                assert statuses[M.HELD] == 0
            if g.status is GroupStatus.COMPLETED:
                assert statuses[M.PAID] + statuses[M.VIRTUAL] == g.size
                if statuses[M.VIRTUAL]:
                    assert g.virtual_fill_min_paid is not None
                    assert statuses[M.PAID] >= g.virtual_fill_min_paid
            if g.status is GroupStatus.FAILED:
                assert statuses[M.PAID] == 0
                assert statuses[M.VIRTUAL] == 0
                for m in g.members:
                    if m.id in self.ever_paid:
                        assert self.refunds[m.id] == 1, f"{m.id} refunded {self.refunds[m.id]}x"

    @invariant()
    def refunded_exactly_once(self):
        for _, m in self._real_members():
            assert self.refunds[m.id] == (1 if m.status is M.REFUNDED else 0)
            if m.status in (M.PAID, M.REFUNDED):
                assert m.id in self.ever_paid
                assert m.paid_at is not None

    @invariant()
    def money_conserved(self):
        paid = sum(self.amount[m.id] for _, m in self._real_members() if m.status is M.PAID)
        assert self.captured - self.refunded == paid

    @invariant()
    def stock_conserved(self):
        holding = {GroupStatus.OPEN: (M.HELD, M.PAID), GroupStatus.COMPLETED: (M.PAID,),
                   GroupStatus.FAILED: ()}
        expected = sum(m.quantity for g in self.groups for m in g.members
                       if m.status in holding[g.status])
        assert self.reserved == expected
        assert self.reserved >= 0

    @invariant()
    def leadership(self):
        for g in self.groups:
            leaders = [m for m in g.members if m.is_leader]
            assert len(leaders) <= 1
            if any(m.status.holds_seat for m in g.members):
                assert len(leaders) == 1
                assert leaders[0].status in (M.HELD, M.PAID)
                assert g.leader is leaders[0]


GroupBuying.TestCase.settings = settings(max_examples=200, stateful_step_count=40,
                                         deadline=None)
TestGroupBuying = GroupBuying.TestCase
