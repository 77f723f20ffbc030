"""Merchant staff: accounts with a role, console sign-in, and what each role may do."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from pintuan.core.errors import Conflict, Forbidden, Unauthorized, ValidationFailed
from pintuan.core.ids import new_id, new_token
from pintuan.core.signing import digest
from pintuan.core.tx import Tx
from pintuan.shoppers.service import EMAIL, check_password, hash_password
from pintuan.web import store
from pintuan.web.store import StaffRow, StaffSessionRow

TOKEN_PREFIX = "pt_stf_"


class Role(enum.StrEnum):
    OWNER = "owner"        # everything, API keys and webhooks included
    OPERATOR = "operator"  # runs the shop: catalog, deals, orders and refunds
    ANALYST = "analyst"    # reads everything, changes nothing


class Action(enum.StrEnum):
    READ = "read"
    OPERATE = "operate"
    DEVELOP = "develop"


ALLOWED: dict[Role, frozenset[Action]] = {
    Role.OWNER: frozenset(Action),
    Role.OPERATOR: frozenset({Action.READ, Action.OPERATE}),
    Role.ANALYST: frozenset({Action.READ}),
}


def check(role: str, action: Action) -> None:
    if action not in ALLOWED[Role(role)]:
        raise Forbidden(f"the {role} role may not do this", code="role_forbidden")


@dataclass(frozen=True)
class StaffSignedIn:
    staff: StaffRow
    token: str


def create(tx: Tx, *, merchant_id: str, email: str, name: str, password: str,
           role: Role) -> StaffRow:
    email = email.strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise ValidationFailed("email is not valid", code="bad_email")
    if not 8 <= len(password) <= 200:
        raise ValidationFailed("password must be 8-200 characters", code="bad_password")
    if store.staff_by_email(tx, email) is not None:
        raise Conflict("a staff account with this email exists", code="email_taken")
    row = StaffRow(id=new_id("stf"), merchant_id=merchant_id, email=email, name=name.strip(),
                   role=role.value, password_hash=hash_password(password), created_at=tx.now())
    store.add(tx, row)
    try:
        tx.session.flush()
    except IntegrityError:
        raise Conflict("a staff account with this email exists", code="email_taken") from None
    return row


def sign_in(tx: Tx, *, email: str, password: str) -> StaffSignedIn:
    row = store.staff_by_email(tx, email.strip().lower())
    if row is None or not check_password(password, row.password_hash):
        raise Unauthorized("wrong email or password", code="bad_credentials")
    token = TOKEN_PREFIX + new_token(30)
    store.add(tx, StaffSessionRow(
        token_hash=digest(token), staff_id=row.id, merchant_id=row.merchant_id,
        created_at=tx.now(), expires_at=tx.now() + timedelta(days=tx.settings.session_days)))
    return StaffSignedIn(staff=row, token=token)


def authenticate(tx: Tx, *, token: str) -> StaffRow:
    found = store.staff_session(tx, digest(token)) if token.startswith(TOKEN_PREFIX) else None
    if found is None or found.expires_at <= tx.now():
        raise Unauthorized("please sign in", code="invalid_staff_session")
    row = store.get_staff(tx, found.staff_id)
    if row is None:
        raise Unauthorized("please sign in", code="invalid_staff_session")
    return row


def sign_out(tx: Tx, *, token: str) -> None:
    store.delete_staff_session(tx, digest(token))


DEMO_OWNER = "owner@demo-tea.example"


def demo_owner(tx: Tx, *, merchant_id: str) -> str:
    """The demo brand's owner login, with a fresh password each time; the password."""
    password = new_token(9)
    row = store.staff_by_email(tx, DEMO_OWNER)
    if row is None:
        create(tx, merchant_id=merchant_id, email=DEMO_OWNER, name="Demo owner",
               password=password, role=Role.OWNER)
    else:
        row.password_hash = hash_password(password)
    return password
