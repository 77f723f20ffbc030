"""Shopper sign-up and sign-in. Passwords are scrypt-hashed; tokens are stored hashed."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from pintuan.core.errors import Conflict, Unauthorized, ValidationFailed
from pintuan.core.ids import new_id, new_token
from pintuan.core.signing import digest
from pintuan.core.tx import Tx
from pintuan.shoppers import store
from pintuan.shoppers.store import ShopperRow, ShopperSessionRow

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
TOKEN_PREFIX = "pt_shp_"
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${key.hex()}"


def check_password(password: str, stored: str) -> bool:
    _, n, r, p, salt, key = stored.split("$")
    got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                         p=int(p), dklen=32)
    return hmac.compare_digest(got.hex(), key)


@dataclass(frozen=True)
class SignedIn:
    shopper: ShopperRow
    token: str


def _open_session(tx: Tx, shopper: ShopperRow) -> SignedIn:
    token = TOKEN_PREFIX + new_token(30)
    store.add(tx, ShopperSessionRow(
        token_hash=digest(token), shopper_id=shopper.id, merchant_id=shopper.merchant_id,
        created_at=tx.now(), expires_at=tx.now() + timedelta(days=tx.settings.session_days),
    ))
    return SignedIn(shopper=shopper, token=token)


def sign_up(tx: Tx, *, merchant_id: str, email: str, name: str, password: str) -> SignedIn:
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise ValidationFailed("email is not valid", code="bad_email")
    if not 8 <= len(password) <= 200:
        raise ValidationFailed("password must be 8-200 characters", code="bad_password")
    if store.by_email(tx, merchant_id, email) is not None:
        raise Conflict("an account with this email exists", code="email_taken")
    shopper = ShopperRow(id=new_id("shp"), merchant_id=merchant_id, email=email,
                         name=name.strip(), password_hash=hash_password(password),
                         created_at=tx.now())
    store.add(tx, shopper)
    try:
        tx.session.flush()
    except IntegrityError:
        raise Conflict("an account with this email exists", code="email_taken") from None
    return _open_session(tx, shopper)


def sign_in(tx: Tx, *, merchant_id: str, email: str, password: str) -> SignedIn:
    shopper = store.by_email(tx, merchant_id, email.strip().lower())
    if shopper is None or not check_password(password, shopper.password_hash):
        raise Unauthorized("wrong email or password", code="bad_credentials")
    return _open_session(tx, shopper)


def authenticate(tx: Tx, *, token: str) -> ShopperRow:
    row = store.session_by_hash(tx, digest(token)) if token.startswith(TOKEN_PREFIX) else None
    if row is None or row.expires_at <= tx.now():
        raise Unauthorized("invalid or expired shopper token", code="invalid_shopper_token")
    shopper = store.get(tx, row.merchant_id, row.shopper_id)
    if shopper is None:
        raise Unauthorized("invalid shopper token", code="invalid_shopper_token")
    return shopper


def authenticate_many(tx: Tx, *, token_hashes: set[str]) -> dict[str, tuple[str, str]]:
    """Many sessions in one lookup (a flash crowd): token hash -> (shopper id, merchant id)."""
    rows = store.live_sessions(tx, sorted(token_hashes), tx.now())
    return {h: (shopper_id, merchant_id) for h, shopper_id, merchant_id in rows}
