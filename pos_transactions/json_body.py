"""Reading a pushed JSON body strictly and within bounds, before anything else looks at it.

A body is refused (as a `BodyError` carrying the status to answer) when it is larger than
the configured size, also when it comes chunked without a ``Content-Length``; when it is
not UTF-8; when it nests deeper than `MAX_DEPTH`; when any object repeats a key (a repeated
key is a mistake to report, not a value to guess); or when it is not valid JSON.  The depth
is measured before parsing and without recursion, so a body nested 10,000 deep costs a
linear scan, not a ``RecursionError``.

The body is read as JSON whatever its ``Content-Type`` says (``curl -d`` sends
``application/x-www-form-urlencoded`` unless told otherwise); only when it cannot be read
does the error also say that it was not sent as ``application/json``, in case that is why.
"""

import json
import re
from typing import Any

from flask import Request

from .bounds import shown

# Deep enough for every POS's native record (a Square order nests 7 levels), far below
# where any recursive code on the way (the json module, marshmallow, adapters) could fail.
MAX_DEPTH = 32

_ESCAPE = re.compile(rb"\\.", re.DOTALL)  # a backslash and what it escapes
_QUOTES_AND_BRACKETS = bytes(byte for byte in range(256) if byte not in b'"[]{}')
_STRING = re.compile(rb'"[^"]*"')  # once escapes are gone, a string is quote to quote
# Both kinds of bracket made one: depth is all that is measured.
_ONE_BRACKET = bytes.maketrans(b"{}", b"[]")
_SHOWN_KEY_LENGTH = 64


class BodyError(Exception):
    """The body cannot be read; `status` is the answer (400, or 413 for too large)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def read_body(request: Request, max_bytes: int) -> bytes:
    """The raw body, at most `max_bytes`.

    werkzeug refuses a declared ``Content-Length`` over the limit, but it silently cuts a
    chunked body at the limit; a chunked body that reaches the limit is therefore refused
    too (its end cannot be told from a cut), so it must stay below it.
    """
    too_large = BodyError(413, f"the body must be smaller than {max_bytes} bytes")
    if request.content_length is not None and request.content_length > max_bytes:
        raise too_large
    body = request.get_data(cache=False)
    if request.content_length is None and len(body) >= max_bytes:
        raise too_large
    return body


def nested_deeper_than(raw: bytes, limit: int) -> bool:
    """Whether arrays and objects in `raw` nest deeper than `limit`.

    Escapes, then everything but quotes and brackets, then strings are dropped (in that
    order, so a bracket or an escaped quote inside a string never counts); then every pass
    deletes the innermost ``[]`` pairs (one nesting level, since non-overlapping replacement
    never joins newly adjacent brackets); whatever survives `limit` passes was deeper.  A
    pass that deletes nothing leaves only unbalanced brackets (closers, then openers): too
    many openers are too deep, and the rest is left to the JSON parser to name.  All of it
    runs at C speed.
    """
    unescaped = _ESCAPE.sub(b"", raw) if b"\\" in raw else raw
    quoted = unescaped.translate(None, _QUOTES_AND_BRACKETS)
    brackets = _STRING.sub(b"", quoted).translate(_ONE_BRACKET)
    for _ in range(limit):
        if not brackets:
            return False
        fewer = brackets.replace(b"[]", b"")
        if fewer == brackets:
            return brackets.count(b"[") > limit
        brackets = fewer
    return bool(brackets)


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                shown = key if len(key) <= _SHOWN_KEY_LENGTH else key[:_SHOWN_KEY_LENGTH] + "..."
                raise BodyError(400, f"the body repeats the key {shown!r} in one object")
            seen.add(key)
    return found


SALES = "a JSON array of native sale records"


def parse_strict_json(raw: bytes, max_depth: int = MAX_DEPTH, expected: str = SALES) -> Any:
    """`raw` as JSON, refusing what a lenient parser would guess about (see the module);
    `expected` says what the body should be, for the error when it is not JSON."""
    not_json = f"the body must be {expected}; it is not valid JSON"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BodyError(400, f"the body is not UTF-8 (byte {error.start})") from None
    if nested_deeper_than(raw, max_depth):
        raise BodyError(400, f"the body nests arrays and objects deeper than {max_depth} levels")
    try:
        return json.loads(text, object_pairs_hook=_object_without_duplicates)
    except json.JSONDecodeError as error:
        raise BodyError(400, f"{not_json}: {error.msg} at character {error.pos}") from None
    except ValueError as error:  # e.g. an integer beyond Python's digit limit
        raise BodyError(400, f"{not_json}: {error}") from None


def read_json_array(request: Request, max_bytes: int) -> list:
    """The body as a JSON array, whatever its ``Content-Type`` says."""
    raw = read_body(request, max_bytes)
    try:
        body = parse_strict_json(raw)
    except BodyError as error:
        raise BodyError(error.status, error.message + content_type_hint(request)) from None
    if not isinstance(body, list):
        message = "the body must be a JSON array of native sale records"
        raise BodyError(400, message + content_type_hint(request))
    return body


def content_type_hint(request: Request) -> str:
    """A clause for an unreadable body's error naming the content type it was sent as,
    when that is not JSON; empty when it was."""
    if request.is_json:
        return ""
    if not request.mimetype:
        return " (it was sent without a Content-Type; send JSON as application/json)"
    return f" (it was sent as {shown(request.mimetype)}; send JSON as application/json)"
