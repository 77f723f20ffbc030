"""Shopper sign-up and sign-in. Passwords are scrypt-hashed; tokens are stored hashed."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from pintuan.core.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from pintuan.core.ids import new_id, new_token
from pintuan.core.signing import digest
from pintuan.core.tx import Tx
from pintuan.merchants import service as merchants
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


PHONE_TAKEN = "an account with this phone number exists"


def _free_phone(tx: Tx, merchant_id: str, raw: str, shopper_id: str | None) -> str | None:
    """The number in E.164, refused when another account of this store has it: one account
    per phone, as per email, so a second account cannot hide behind the same number."""
    phone = merchants.phone_number(tx, merchant_id, raw)
    other = store.by_phone(tx, merchant_id, phone) if phone else None
    if other is not None and other.id != shopper_id:
        raise Conflict(PHONE_TAKEN, code="phone_taken")
    return phone


def _save(tx: Tx, shopper: ShopperRow, phone: str | None) -> None:
    """Write the account with this phone inside a savepoint, so a concurrent twin's email or
    phone is told apart. The change is made inside it: opening one flushes what is pending."""
    try:
        with tx.session.begin_nested():
            shopper.phone = phone
            store.add(tx, shopper)
            tx.session.flush()
    except IntegrityError:
        if phone and store.by_phone(tx, shopper.merchant_id, phone) is not None:
            raise Conflict(PHONE_TAKEN, code="phone_taken") from None
        raise Conflict("an account with this email exists", code="email_taken") from None


def sign_up(tx: Tx, *, merchant_id: str, email: str, name: str, password: str,
            phone: str | None = None) -> SignedIn:
    """A new account; ``phone`` is optional, written in any common way (see core.phone)."""
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise ValidationFailed("email is not valid", code="bad_email")
    if not 8 <= len(password) <= 200:
        raise ValidationFailed("password must be 8-200 characters", code="bad_password")
    if store.by_email(tx, merchant_id, email) is not None:
        raise Conflict("an account with this email exists", code="email_taken")
    number = _free_phone(tx, merchant_id, phone or "", None)
    shopper = ShopperRow(id=new_id("shp"), merchant_id=merchant_id, email=email,
                         name=name.strip(), password_hash=hash_password(password),
                         created_at=tx.now())
    _save(tx, shopper, number)
    return _open_session(tx, shopper)


def profile(tx: Tx, *, merchant_id: str, shopper_id: str) -> ShopperRow:
    shopper = store.get(tx, merchant_id, shopper_id)
    if shopper is None:
        raise NotFound(f"no shopper {shopper_id}", code="shopper_not_found")
    return shopper


def update_profile(tx: Tx, *, merchant_id: str, shopper_id: str, name: str | None,
                   phone: str | None) -> ShopperRow:
    """Change what is given: None keeps a field; a blank phone removes the number."""
    shopper = profile(tx, merchant_id=merchant_id, shopper_id=shopper_id)
    if name is not None:
        if not name.strip():
            raise ValidationFailed("a name cannot be blank", code="bad_name")
        shopper.name = name.strip()
    if phone is not None:
        _save(tx, shopper, _free_phone(tx, merchant_id, phone, shopper.id))
    return shopper


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
