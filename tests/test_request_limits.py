"""Every pushed body is bounded and read strictly before anything parses it: size (chunked
too), nesting depth, duplicate keys, UTF-8; each refusal a JSON 4xx that says what."""

import io
import json

import pytest

from pos_transactions.credentials import Scope
from pos_transactions.db import new_session
from pos_transactions.json_body import MAX_DEPTH, BodyError, nested_deeper_than, parse_strict_json
from pos_transactions.models import Sale

from conftest import read_json


def stored_sales(app) -> int:
    with app.app_context(), new_session() as session:
        return session.query(Sale).count()


@pytest.fixture
def send(client, load, tmp_path, token_headers):
    """Post raw bytes to the push endpoint as a push-only retailer's POS."""
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(read_json("rules.json") | {"sales": []}))
    ingest = token_headers(load(path), Scope.INGEST)

    def send(body: bytes, headers: dict | None = None, **kwargs):
        kwargs.setdefault("content_type", "application/json")
        headers = ingest | (headers or {})
        return client.post("/api/v1/sales/", data=body, headers=headers, **kwargs)

    return send


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize(
    ("raw", "limit", "deeper"),
    [
        (b"[]", 1, False),
        (b"[[]]", 1, True),
        (b"[{}, {}, []]", 2, False),
        (b'[{"a": [1, {"b": []}]}]', 5, False),
        (b'[{"a": [1, {"b": []}]}]', 4, True),
        (b'["[[[[", "]]]]", "\\"[[["]', 1, False),  # brackets inside strings do not nest
        (b"{}" * 1000, 1, False),
        (nested(MAX_DEPTH), MAX_DEPTH, False),
        (nested(MAX_DEPTH + 1), MAX_DEPTH, True),
        (nested(10_000), MAX_DEPTH, True),
        (b"[" * 100, MAX_DEPTH, True),  # never closed: deeper than allowed all the same
        (b"[" * 3 + nested(5), MAX_DEPTH, False),  # unbalanced but shallow: the parser's to name
        (b"]]" + b"[" * 40, MAX_DEPTH, True),
        (b"[1, 2", MAX_DEPTH, False),
        (b"", MAX_DEPTH, False),
    ],
)
def test_nesting_depth(raw, limit, deeper):
    assert nested_deeper_than(raw, limit) is deeper


@pytest.mark.parametrize(
    ("raw", "phrase"),
    [
        (b'[{"id": "S-1", "id": "S-2"}]', "repeats the key 'id'"),
        (b'[{"lines": [{"sku": "A", "quantity": 1, "quantity": 2}]}]', "'quantity'"),
        (b'{"k' + b"x" * 200 + b'": 1, "k' + b"x" * 200 + b'": 2}', "xxx...'"),
        (nested(10_000), f"deeper than {MAX_DEPTH} levels"),
        (b'["caf\xe9"]', "not UTF-8 (byte 5)"),
        (b"\xff\xfe[]", "not UTF-8"),
        (b"[" + b"1" * 5000 + b"]", "not valid JSON"),
        (b"[1, 2", "not valid JSON"),
        (b"[" * 10_000 + b"1", f"deeper than {MAX_DEPTH} levels"),
        (b"[NaN-ish]", "not valid JSON"),
    ],
)
def test_what_the_reader_refuses(raw, phrase):
    with pytest.raises(BodyError) as refused:
        parse_strict_json(raw)
    assert refused.value.status == 400 and phrase in refused.value.message


def test_a_lone_surrogate_escape_is_read_for_the_validator_to_judge():
    assert parse_strict_json(b'[{"id": "\\ud800"}]') == [{"id": "\ud800"}]


def test_the_same_key_in_different_objects_is_fine():
    assert parse_strict_json(b'[{"id": "S-1"}, {"id": "S-2"}]') == [{"id": "S-1"}, {"id": "S-2"}]


def test_a_body_nested_10000_deep_is_a_400_naming_the_depth(app, send):
    response = send(nested(10_000))
    assert response.status_code == 400 and response.is_json
    assert f"deeper than {MAX_DEPTH} levels" in response.json["error"]


def test_a_duplicate_key_is_a_400_naming_it_and_writes_nothing(app, send):
    sales = json.dumps(read_json("push-sales.json"))
    twice = sales.replace('"status": "completed"', '"status": "voided", "status": "completed"', 1)
    assert twice != sales
    response = send(twice.encode())
    assert response.status_code == 400 and "'status'" in response.json["error"]
    assert stored_sales(app) == 0


def test_invalid_utf8_is_a_400(send):
    response = send(b'[{"id": "\xc3\x28"}]')
    assert response.status_code == 400 and "UTF-8" in response.json["error"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_json_body_is_read_whatever_its_content_type(send, content_type):
    response = send(json.dumps(read_json("push-sales.json")).encode(), content_type=content_type)
    assert response.status_code == 201 and response.json["created"] == 4


def chunked(body: bytes) -> dict:
    """A body sent as gunicorn hands a chunked one over: no Content-Length, a stream the
    server ends (``wsgi.input_terminated``)."""
    return {
        "input_stream": io.BytesIO(body),
        "headers": {"Transfer-Encoding": "chunked"},
        "environ_overrides": {"wsgi.input_terminated": True},
    }


def test_a_chunked_body_over_the_limit_is_a_413(app, send):
    """werkzeug cuts a body without Content-Length at the limit, which then read as bad
    JSON; it must be a 413."""
    app.config["MAX_CONTENT_LENGTH"] = 500
    body = json.dumps(read_json("push-sales.json")).encode()
    assert len(body) > 500
    response = send(b"", **chunked(body))
    assert response.status_code == 413 and "smaller than 500 bytes" in response.json["error"]
    assert stored_sales(app) == 0


def test_a_chunked_body_under_the_limit_is_read(app, send):
    body = json.dumps(read_json("push-sales.json")).encode()
    app.config["MAX_CONTENT_LENGTH"] = len(body) + 1
    response = send(b"", **chunked(body))
    assert response.status_code == 201 and response.json["created"] == 4


def test_a_declared_length_over_the_limit_is_a_413_naming_the_limit(app, send):
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = send(b"[" + b" " * 200 + b"]")
    assert response.status_code == 413 and "smaller than 100 bytes" in response.json["error"]


@pytest.mark.parametrize(
    ("raw", "deeper"),
    [
        (b'["\\"[[", "\\\\", [[]]]', True),  # an escaped quote does not end the string
        (b'["\\\\", "[[[[", []]', False),  # an escaped backslash does not escape the quote
        (b'[{"\\u005b": "\\n[["}]', False),
    ],
)
def test_escapes_inside_strings_do_not_confuse_the_depth(raw, deeper):
    assert json.loads(raw) is not None  # every case is valid JSON
    assert nested_deeper_than(raw, 2) is deeper
