"""Group buying rules, free of storage: deals, groups, seats.

A group is an aggregate. Every operation on it runs with the group locked, so these methods
see the whole truth and are the only place the rules live. The invariant the whole engine
keeps: a group never has more seat-holding members than its size.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pintuan.core.errors import Conflict, ValidationFailed

MIN_TEAM, MAX_TEAM = 2, 100
MAX_WINDOW = timedelta(days=30)


class Overflow(enum.StrEnum):
    """What joining a group that filled meanwhile does."""

    REJECT = "reject"
    JOIN_ANOTHER = "join_another"
    OPEN_NEW = "open_new"


class GroupStatus(enum.StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    FAILED = "failed"


class MemberStatus(enum.StrEnum):
    HELD = "held"          # seat held by an unpaid order
    PAID = "paid"
    RELEASED = "released"  # an unpaid seat let go (hold expired, left, group closed)
    REFUNDED = "refunded"  # a paid seat given back with the money (left, group failed)
    VIRTUAL = "virtual"    # filled by the merchant's virtual-fill policy, shown as such

    @property
    def holds_seat(self) -> bool:
        return self in (MemberStatus.HELD, MemberStatus.PAID, MemberStatus.VIRTUAL)


class PayOutcome(enum.StrEnum):
    ACCEPTED = "accepted"
    COMPLETED = "completed"
    REFUND = "refund"      # the seat is gone or the group closed: the money goes back


@dataclass(frozen=True)
class DealTerms:
    team_size: int
    list_price_minor: int
    group_price_minor: int
    leader_price_minor: int | None
    join_window: timedelta
    starts_at: datetime
    ends_at: datetime
    per_order_limit: int
    per_shopper_limit: int
    quota: int
    virtual_fill_min_paid: int | None
    overflow: Overflow

    def validate(self) -> None:
        def bad(msg: str, code: str) -> ValidationFailed:
            return ValidationFailed(msg, code=code)

        if not MIN_TEAM <= self.team_size <= MAX_TEAM:
            raise bad(f"team size must be {MIN_TEAM}-{MAX_TEAM}", "bad_team_size")
        if not 0 < self.group_price_minor <= self.list_price_minor:
            raise bad("group price must be positive and at most the list price", "bad_price")
        if self.leader_price_minor is not None and not (
            0 <= self.leader_price_minor <= self.group_price_minor
        ):
            raise bad("leader price must be between 0 and the group price", "bad_price")
        if self.ends_at <= self.starts_at:
            raise bad("a deal must end after it starts", "bad_schedule")
        if not timedelta(seconds=1) <= self.join_window <= MAX_WINDOW:
            raise bad("join window must be 1 second to 30 days", "bad_join_window")
        if not 1 <= self.per_order_limit <= self.per_shopper_limit:
            raise bad("per-order limit must be at least 1 and at most the per-shopper limit",
                      "bad_limits")
        if self.quota < 1:
            raise bad("quota must be at least 1", "bad_quota")
        if self.virtual_fill_min_paid is not None and not (
            1 <= self.virtual_fill_min_paid < self.team_size
        ):
            raise bad("virtual fill needs a threshold of 1 to team size - 1 paid members",
                      "bad_virtual_fill")

    def price_for(self, *, leader: bool) -> int:
        if leader and self.leader_price_minor is not None:
            return self.leader_price_minor
        return self.group_price_minor

    def deadline_for(self, opened_at: datetime) -> datetime:
        """A group's window never outlives its deal."""
        return min(opened_at + self.join_window, self.ends_at)


@dataclass
class Member:
    id: str
    shopper_id: str | None
    order_id: str | None
    status: MemberStatus
    is_leader: bool
    quantity: int
    joined_at: datetime
    paid_at: datetime | None = None


@dataclass
class Group:
    id: str
    size: int
    status: GroupStatus
    opened_at: datetime
    deadline_at: datetime
    virtual_fill_min_paid: int | None
    members: list[Member] = field(default_factory=list)
    closed_at: datetime | None = None

    @property
    def seats_taken(self) -> int:
        return sum(1 for m in self.members if m.status.holds_seat)

    @property
    def paid_count(self) -> int:
        return sum(1 for m in self.members if m.status is MemberStatus.PAID)

    @property
    def leader(self) -> Member | None:
        return next((m for m in self.members if m.is_leader), None)

    def is_joinable(self, now: datetime) -> bool:
        return (self.status is GroupStatus.OPEN and now < self.deadline_at
                and self.seats_taken < self.size)

    def member(self, member_id: str) -> Member:
        return next(m for m in self.members if m.id == member_id)

    def member_for_order(self, order_id: str) -> Member | None:
        return next((m for m in self.members if m.order_id == order_id), None)

    def seat_of(self, shopper_id: str) -> Member | None:
        return next((m for m in self.members
                     if m.shopper_id == shopper_id and m.status.holds_seat), None)

    def claim_seat(self, *, member_id: str, shopper_id: str, quantity: int,
                   now: datetime) -> Member:
        """Hold a seat for an unpaid order; the first seat of a group is its leader's."""
        if self.status is not GroupStatus.OPEN or now >= self.deadline_at:
            raise Conflict("this group is closed", code="group_closed")
        if self.seat_of(shopper_id) is not None:
            raise Conflict("you are already in this group", code="already_member")
        if self.seats_taken >= self.size:
            raise Conflict("this group is full", code="group_full")
        member = Member(id=member_id, shopper_id=shopper_id, order_id=None,
                        status=MemberStatus.HELD, is_leader=self.leader is None,
                        quantity=quantity, joined_at=now)
        self.members.append(member)
        return member

    def pay(self, member_id: str, now: datetime) -> PayOutcome:
        member = self.member(member_id)
        if self.status is not GroupStatus.OPEN or member.status is not MemberStatus.HELD:
            return PayOutcome.REFUND
        member.status = MemberStatus.PAID
        member.paid_at = now
        if self.paid_count == self.size:
            self.status = GroupStatus.COMPLETED
            self.closed_at = now
            return PayOutcome.COMPLETED
        return PayOutcome.ACCEPTED

    def release(self, member_id: str, now: datetime) -> bool:
        """An unpaid seat is let go (its hold expired or its order was cancelled). A group
        left with nobody in it fails."""
        member = self.member(member_id)
        if member.status is not MemberStatus.HELD:
            return False
        member.status = MemberStatus.RELEASED
        self._pass_leadership(member, now=now)
        return True

    def leave(self, member_id: str, now: datetime) -> None:
        """A member leaves an open group; a paid member is refunded. An empty group fails."""
        member = self.member(member_id)
        if self.status is not GroupStatus.OPEN:
            raise Conflict("members can only leave an open group", code="group_closed")
        if member.status is MemberStatus.HELD:
            member.status = MemberStatus.RELEASED
        elif member.status is MemberStatus.PAID:
            member.status = MemberStatus.REFUNDED
        else:
            raise Conflict("you are not in this group", code="not_a_member")
        self._pass_leadership(member, now=now)

    def _pass_leadership(self, member: Member, *, now: datetime | None) -> None:
        if not member.is_leader:
            return
        member.is_leader = False
        heirs = sorted((m for m in self.members if m.status.holds_seat),
                       key=lambda m: (m.status is not MemberStatus.PAID, m.joined_at, m.id))
        if heirs:
            heirs[0].is_leader = True
        elif now is not None:
            self.status = GroupStatus.FAILED
            self.closed_at = now

    def settle(self, now: datetime, *, new_member_id: list[str]) -> bool:
        """At the deadline: fill virtually when allowed, else fail. False before the deadline
        or when already settled. Unpaid seats are let go either way; in a failed group every
        paid member is to be refunded. new_member_id supplies ids for virtual seats."""
        if self.status is not GroupStatus.OPEN or now < self.deadline_at:
            return False
        for m in self.members:
            if m.status is MemberStatus.HELD:
                m.status = MemberStatus.RELEASED
                self._pass_leadership(m, now=None)
        threshold = self.virtual_fill_min_paid
        if threshold is not None and self.paid_count >= threshold:
            for i in range(self.size - self.paid_count):
                self.members.append(Member(
                    id=new_member_id[i], shopper_id=None, order_id=None,
                    status=MemberStatus.VIRTUAL, is_leader=False, quantity=0, joined_at=now))
            self.status = GroupStatus.COMPLETED
        else:
            for m in self.members:
                if m.status is MemberStatus.PAID:
                    m.status = MemberStatus.REFUNDED
            self.status = GroupStatus.FAILED
        self.closed_at = now
        return True
