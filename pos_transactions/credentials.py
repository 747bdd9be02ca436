"""Credentials: random secrets, stored only as SHA-256 hashes, checked in constant time.

One secret serves every scheme: it is the HTTP Basic password and the ``Token``/``Bearer``
token.  A retailer may hold several credentials at once, so LucidRetail's can be rotated
(create the new one, paste it into LucidRetail, revoke the old) without downtime.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Credential
from .stores import existing_retailer


class Scope(StrEnum):
    FEED = "feed"  # read the transactions feed (LucidRetail)
    INGEST = "ingest"  # push sales (the POS)


@dataclass(frozen=True)
class NewCredential:
    username: str
    secret: str
    retailer_id: str
    scope: Scope


def hash_secret(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


# Compared against when a username is unknown, so both failures cost the same time.
_DECOY_HASH = hash_secret(secrets.token_urlsafe(32))

# Bounds a presented username or secret must meet before it reaches the database: the
# username column holds 64 characters (ours are "pt_" + 16 hex digits), secrets are 43;
# both are printable ASCII.  Anything else cannot match, so it is refused without a query
# (PostgreSQL would raise on a NUL rather than answer "no such row").
MAX_USERNAME_LENGTH = 64
MAX_SECRET_LENGTH = 256


def plausible(value: str, max_length: int) -> bool:
    """Whether `value` could be a stored username or an issued secret at all."""
    return 0 < len(value) <= max_length and value.isascii() and value.isprintable()


def create_credential(
    session: Session, retailer_id: str, scope: Scope = Scope.FEED
) -> NewCredential:
    existing_retailer(session, retailer_id)
    username = "pt_" + secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    session.add(
        Credential(
            username=username,
            secret_hash=hash_secret(secret),
            retailer_id=retailer_id,
            scope=scope.value,
            created_at=_now(),
        )
    )
    return NewCredential(username, secret, retailer_id, scope)


def revoke_credential(session: Session, username: str) -> bool:
    """Revoke by username; False when there is no such live credential."""
    credential = session.scalar(
        select(Credential).where(Credential.username == username, Credential.revoked_at.is_(None))
    )
    if credential is None:
        return False
    credential.revoked_at = _now()
    return True


def check_password(session: Session, username: str, password: str) -> Credential | None:
    if not (plausible(username, MAX_USERNAME_LENGTH) and plausible(password, MAX_SECRET_LENGTH)):
        return None
    credential = session.scalar(
        select(Credential).where(Credential.username == username, Credential.revoked_at.is_(None))
    )
    stored = credential.secret_hash if credential is not None else _DECOY_HASH
    matches = hmac.compare_digest(stored, hash_secret(password))
    return credential if matches and credential is not None else None


def check_token(session: Session, token: str) -> Credential | None:
    """Look the token up by its hash (an index seek reveals nothing: the hash of a 256-bit
    secret cannot be steered), then compare in constant time all the same."""
    if not plausible(token, MAX_SECRET_LENGTH):
        return None
    digest = hash_secret(token)
    credential = session.scalar(
        select(Credential).where(Credential.secret_hash == digest, Credential.revoked_at.is_(None))
    )
    if credential is None or not hmac.compare_digest(credential.secret_hash, digest):
        return None
    return credential


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
