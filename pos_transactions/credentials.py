"""Credentials: random secrets, stored only as SHA-256 hashes, checked in constant time.

One secret serves every scheme: it is the HTTP Basic password and the ``Token``/``Bearer``
token.  A retailer may hold several credentials at once, so LucidRetail's can be rotated
(create the new one, paste it into LucidRetail, revoke the old) without downtime; each
carries an optional label and when it was last used, so a person can tell which is which.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Connection, bindparam, or_, select, update
from sqlalchemy.orm import Session

from .models import Credential
from .stores import existing_retailer

log = logging.getLogger(__name__)
USE_RESOLUTION = timedelta(seconds=60)  # last use is recorded at most this often


class Scope(StrEnum):
    FEED = "feed"  # read the transactions feed (LucidRetail)
    INGEST = "ingest"  # push sales (the POS)


@dataclass(frozen=True)
class NewCredential:
    username: str
    secret: str
    retailer_id: str
    scope: Scope
    label: str | None = None


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
    session: Session, retailer_id: str, scope: Scope = Scope.FEED, label: str | None = None
) -> NewCredential:
    """A new credential; `label` says, in a person's words, who holds it."""
    existing_retailer(session, retailer_id)
    username = "pt_" + secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    session.add(
        Credential(
            username=username,
            secret_hash=hash_secret(secret),
            retailer_id=retailer_id,
            scope=scope.value,
            created_at=now_utc(),
            label=label or None,
        )
    )
    return NewCredential(username, secret, retailer_id, scope, label or None)


def list_credentials(session: Session, retailer_id: str) -> list[Credential]:
    """The retailer's credentials, revoked ones included, oldest first."""
    existing_retailer(session, retailer_id)
    return list(
        session.scalars(
            select(Credential)
            .where(Credential.retailer_id == retailer_id)
            .order_by(Credential.created_at, Credential.id)
        )
    )


def use_is_due(last_used_at: datetime | None, now: datetime) -> bool:
    """Whether a successful authentication should record its use: at most once per
    `USE_RESOLUTION` per credential, so a poll costs no write."""
    return last_used_at is None or now - last_used_at >= USE_RESOLUTION


@dataclass(frozen=True)
class CredentialUse:
    credential_id: int
    at: datetime


_RECORD_USE = (
    update(Credential)
    .where(
        Credential.id == bindparam("credential_id"),
        or_(Credential.last_used_at.is_(None), Credential.last_used_at <= bindparam("due_before")),
    )
    .values(last_used_at=bindparam("used_at"))
)


def write_uses(connection: Connection, uses: list[CredentialUse]) -> None:
    """Record that credentials authenticated (a batch of `DeferredWrites`).

    Knowing when a credential was last used is for a person rotating it, never a reason to
    fail or hold up a request, so a request only queues its use (`auth`) and this runs on
    the writer's thread.  The condition keeps concurrent workers from recording the same
    minute twice; rows are updated in id order, one lock order for every writer.
    """
    connection.execute(
        _RECORD_USE,
        [
            {
                "credential_id": use.credential_id,
                "due_before": use.at - USE_RESOLUTION,
                "used_at": use.at,
            }
            for use in sorted(uses, key=lambda use: (use.credential_id, use.at))
        ],
    )


def revoke_credential(session: Session, username: str) -> bool:
    """Revoke by username; False when there is no such live credential."""
    credential = session.scalar(
        select(Credential).where(Credential.username == username, Credential.revoked_at.is_(None))
    )
    if credential is None:
        return False
    credential.revoked_at = now_utc()
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


def now_utc() -> datetime:
    """Now as stored: naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)
