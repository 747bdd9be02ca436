"""The integration page's users: made by ``create-user`` with a one-time link to set a
password, signed in with that password.  Passwords go through werkzeug's scrypt (slow on
purpose: a person's password, unlike our 256-bit tokens, can be guessed)."""

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..credentials import now_utc
from ..stores import existing_retailer
from .models import PasswordLink, WebUser

LINK_LIFETIME = timedelta(hours=24)
MIN_PASSWORD_LENGTH = 12


@cache
def decoy_hash() -> str:
    """Compared against when the email is unknown, so both failures cost one scrypt.  Made
    on the first sign-in, not at import: a scrypt hash takes 32 MiB for a moment, which a
    worker that only serves the feed never needs."""
    return generate_password_hash(secrets.token_urlsafe(16), method="scrypt")


class UserError(ValueError):
    """A user that cannot be made as asked (a taken email, an unknown retailer)."""


def normal_email(email: str) -> str:
    """Emails compare without case or surrounding space."""
    return email.strip().lower()


def plausible_email(email: str) -> bool:
    local, at, domain = normal_email(email).partition("@")
    return bool(local and at and "." in domain) and len(email) <= 254 and email.isprintable()


def create_user(session: Session, retailer_id: str, email: str) -> WebUser:
    """A user of `retailer_id` without a password yet (``issue_link`` gives it one)."""
    existing_retailer(session, retailer_id)
    if not plausible_email(email):
        raise UserError(f"{email!r} is not an email address")
    if session.scalar(select(WebUser).where(WebUser.email == normal_email(email))):
        raise UserError(f"a user with the email {normal_email(email)} already exists")
    user = WebUser(email=normal_email(email), retailer_id=retailer_id, created_at=now_utc())
    session.add(user)
    session.flush()
    return user


def _token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


def issue_link(session: Session, user: WebUser, now: datetime | None = None) -> str:
    """A new one-time token to set `user`'s password; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    moment = now or now_utc()
    expires_at = moment + LINK_LIFETIME
    session.add(PasswordLink(user_id=user.id, token_hash=_token_hash(token), expires_at=expires_at))
    return token


def link_is_usable(link: PasswordLink | None, now: datetime) -> bool:
    """A link works once, before it expires."""
    return link is not None and link.used_at is None and now < link.expires_at


def find_link(session: Session, token: str, now: datetime | None = None) -> PasswordLink | None:
    """The usable link `token` names, or None (unknown, used or expired alike)."""
    link = session.scalar(select(PasswordLink).where(PasswordLink.token_hash == _token_hash(token)))
    return link if link_is_usable(link, now or now_utc()) else None


def set_password(session: Session, link: PasswordLink, password: str) -> WebUser:
    """Use `link`: its user gets `password`; the link (and every other of the user's) is spent."""
    now = now_utc()
    user = session.get(WebUser, link.user_id)
    user.password_hash = generate_password_hash(password, method="scrypt")
    for other in session.scalars(
        select(PasswordLink).where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
    ):
        other.used_at = now
    return user


def authenticate(session: Session, email: str, password: str) -> WebUser | None:
    """The user these credentials name, or None; an unknown email costs the same scrypt."""
    user = session.scalar(select(WebUser).where(WebUser.email == normal_email(email)))
    stored = user.password_hash if user is not None and user.password_hash else decoy_hash()
    matches = check_password_hash(stored, password)
    return user if matches and user is not None and user.password_hash else None
