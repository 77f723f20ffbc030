"""Groups as shoppers and merchants see them: progress, members (names masked), time left."""

from __future__ import annotations

from pintuan.core.tx import Tx
from pintuan.groupbuy import store
from pintuan.groupbuy.model import MemberStatus
from pintuan.groupbuy.schemas import GroupOut, MemberOut
from pintuan.groupbuy.store import GroupRow, MemberRow
from pintuan.shoppers import store as shoppers

SHOWN = {MemberStatus.HELD.value, MemberStatus.PAID.value, MemberStatus.VIRTUAL.value}


def mask(name: str) -> str:
    """Show a first character only, as group pages do: 张** / A**."""
    return (name[:1] or "?") + "**"


def share_url(tx: Tx, row: GroupRow) -> str:
    return f"{tx.settings.public_url.rstrip('/')}/g/{row.share_token}"


def group_out(tx: Tx, row: GroupRow, member_rows: list[MemberRow] | None = None) -> GroupOut:
    members = store.members(tx, row.id) if member_rows is None else member_rows
    names = shoppers.names(tx, [m.shopper_id for m in members if m.shopper_id])
    return _view(tx, row, members, names)


def group_outs(tx: Tx, rows: list[GroupRow]) -> list[GroupOut]:
    """Several groups with two queries in all (members, then names)."""
    by_group = store.members_of(tx, [r.id for r in rows])
    names = shoppers.names(tx, sorted({m.shopper_id for ms in by_group.values() for m in ms
                                       if m.shopper_id}))
    return [_view(tx, r, by_group[r.id], names) for r in rows]


def _view(tx: Tx, row: GroupRow, members: list[MemberRow], names: dict[str, str]) -> GroupOut:
    shown = [m for m in members if m.status in SHOWN]
    left = max(0, int((row.deadline_at - tx.now()).total_seconds()))
    return GroupOut(
        id=row.id, deal_id=row.deal_id, status=row.status, size=row.size,
        seats_taken=row.seats_taken, seats_left=max(0, row.size - row.seats_taken),
        paid_count=row.paid_count,
        virtual_seats=sum(1 for m in shown if m.status == MemberStatus.VIRTUAL.value),
        opened_at=row.opened_at, deadline_at=row.deadline_at,
        seconds_left=left if row.status == "open" else 0, closed_at=row.closed_at,
        share_url=share_url(tx, row), version=row.version,
        members=[MemberOut(
            id=m.id,
            name="Virtual seat" if m.shopper_id is None else mask(names.get(m.shopper_id, "")),
            status=m.status, is_leader=m.is_leader,
            is_virtual=m.status == MemberStatus.VIRTUAL.value, joined_at=m.joined_at,
            paid_at=m.paid_at) for m in shown],
    )
