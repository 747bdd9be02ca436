"""LucidID normalisation: whatever a POS captured at checkout, the feed reports one form.

LucidGreen's "uuid" type is a 22-character base57 ShortUUID (the `shortuuid` library's
default alphabet).  A LucidID's QR code holds ``https://qr.lcdg.io/<LucidID>``, so scanners
hand POS systems the whole URL; some POS systems store the id as a classic hyphenated UUID.
All of these become the bare 22-character id.  A CaseID URL labels a shipping case, not an
item, and is refused: LucidGreen writes them ``.../case/<id>``, ``.../collection/<id>`` and
``.../c/<id>``.
"""

import re
import uuid
from urllib.parse import urlsplit

import shortuuid

from .bounds import is_safe_text

ALPHABET = shortuuid.get_alphabet()
LENGTH = 22
_BASE57_ID = re.compile(f"[{re.escape(ALPHABET)}]{{{LENGTH}}}")
# https://host/<id> with a plain host name: what `_from_url` reads as the id, matched alone.
_PLAIN_QR_URL = re.compile(
    f"https?://[a-z0-9-]+(?:\\.[a-z0-9-]+)*/([{re.escape(ALPHABET)}]{{{LENGTH}}})"
)
_HYPHENATED_UUID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
# 57**22 exceeds 2**128, so some well-formed strings encode no UUID.  The alphabet is in
# ASCII order, so among 22-character ids string order is numeric order: one comparison
# with the largest UUID's id tells whether an id decodes (and costs no big-integer maths).
_LARGEST = shortuuid.encode(uuid.UUID(int=2**128 - 1))
# The path segment before the id in a CaseID URL, in every spelling LucidGreen's code uses.
CASE_ID_SEGMENTS = frozenset({"case", "collection", "c"})
# The longest captured value looked at: a QR URL with a long query string fits easily.
MAX_CAPTURED_LENGTH = 2_000


class InvalidLucidID(ValueError):
    """The value is not a LucidID in any form we accept.

    `reason` says why in one sentence; the message reads "not a LucidID: <reason>", so it
    stands alone and also follows the refused value ("'x' is not a LucidID: ...").
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"not a LucidID: {reason}")
        self.reason = reason


def normalise_lucid_id(value: object) -> str:
    """Return the 22-character base57 LucidID that `value` denotes, or raise InvalidLucidID.

    Nothing else escapes, whatever the value: its length is bounded before any parsing, and
    a URL the standard library cannot split is refused as one.
    """
    if not isinstance(value, str):
        raise InvalidLucidID(f"a LucidID must be a string, not {type(value).__name__}")
    if _BASE57_ID.fullmatch(value) and value <= _LARGEST:
        return value  # the common case, first: already a bare id
    if (scanned := _PLAIN_QR_URL.fullmatch(value)) and scanned[1] <= _LARGEST:
        return scanned[1]  # the next: a scanned QR code's URL, which `_from_url` accepts
    if len(value) > MAX_CAPTURED_LENGTH:
        raise InvalidLucidID(f"the value is longer than {MAX_CAPTURED_LENGTH:,} characters")
    text = value.strip()
    if not text:
        raise InvalidLucidID("a LucidID must not be empty")
    if not is_safe_text(text, MAX_CAPTURED_LENGTH):
        raise InvalidLucidID("the value holds a control character or invalid Unicode")
    if "/" in text:
        return _from_url(text)
    if _HYPHENATED_UUID.fullmatch(text):
        return shortuuid.encode(uuid.UUID(text))
    return _checked_base57(text)


def normalise_lucid_ids(values: list) -> list[str]:
    """Normalise every value and drop repeats, keeping the order of first appearance."""
    return list(dict.fromkeys(normalise_lucid_id(value) for value in values))


def _from_url(text: str) -> str:
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        hostname = parts.hostname
    except ValueError:  # "Invalid IPv6 URL" for a stray "[" or "]", a bad port
        raise InvalidLucidID("the value is not a well-formed URL") from None
    if parts.scheme.lower() not in ("http", "https") or not hostname:
        raise InvalidLucidID("a LucidID URL must be an http(s) URL with a host")
    segments = [segment for segment in parts.path.split("/") if segment]
    if not segments:
        raise InvalidLucidID("the URL has no LucidID at the end of its path")
    if len(segments) > 1 and segments[-2].lower() in CASE_ID_SEGMENTS:
        raise InvalidLucidID("a CaseID URL identifies a case, not an item's LucidID")
    if len(segments) > 1:
        raise InvalidLucidID("a LucidID URL has the id as its only path segment")
    return _checked_base57(segments[0])


def _checked_base57(text: str) -> str:
    if not _BASE57_ID.fullmatch(text) or text > _LARGEST:
        raise InvalidLucidID("expected a 22-character base57 id, its QR-code URL or a UUID")
    return text
