"""Pseudonymous ids: what LucidRetail sees instead of native sale, customer and staff ids.

A keyed hash (HMAC-SHA256) of the retailer, the kind of id and the native value: the same
input always gives the same id, across calls, restarts and re-loads, while the native value
(a phone number, an email, a patient card) cannot be recovered or guessed without the key.
The key is random, made once per deployment and kept in the database (`db.ensure_schema`).
"""

import hmac
import secrets
import uuid
from collections.abc import Callable
from hashlib import sha256

KEY_SETTING = "pseudonym_key"


def new_key() -> str:
    return secrets.token_hex(32)


def pseudonym(key: bytes, retailer_id: str, kind: str, native_id: str) -> str:
    """A UUID-shaped id for `native_id` of `kind` ("sale", "customer", "employee")."""
    message = "\x1f".join((retailer_id, kind, native_id)).encode()
    digest = hmac.new(key, message, sha256).digest()
    return str(uuid.UUID(bytes=digest[:16]))


def pseudonymiser(key: bytes) -> Callable[[str, str, str], str]:
    """`pseudonym` with the key's HMAC state computed once: a bulk write hashes hundreds of
    thousands of ids, and keying HMAC costs as much as hashing a short id.  Same ids."""
    keyed = hmac.new(key, digestmod=sha256)

    def pseudonym_of(retailer_id: str, kind: str, native_id: str) -> str:
        state = keyed.copy()
        state.update("\x1f".join((retailer_id, kind, native_id)).encode())
        digest = state.hexdigest()  # the first 32 hex digits are the UUID's, as uuid prints
        return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"

    return pseudonym_of
