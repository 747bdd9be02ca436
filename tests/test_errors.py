"""Rule 11: every error is JSON with an "error" message, and never a stack trace."""

import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from pos_transactions.db import make_engine
from pos_transactions.errors import database_was_busy, error_response


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/v1/nothing-here", 404),
        ("get", "/", 404),
        ("post", "/api/v1/transactions/", 405),
        ("delete", "/api/v1/transactions", 405),
        ("get", "/api/v1/sales/", 405),
    ],
)
def test_http_errors_are_json(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response.is_json and isinstance(response.json["error"], str)


def test_405_says_which_methods_are_allowed(client):
    assert "GET" in client.post("/api/v1/transactions/").headers["Allow"]


def test_an_unexpected_error_is_a_500_without_a_trace(app, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals at /srv/app.py line 12")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.json["error"] and "internals" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_an_unreachable_database_is_a_503(app, tmp_path):
    from sqlalchemy.orm import sessionmaker

    working = app.extensions["pos_transactions.read_sessions"]
    broken = make_engine(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'db.sqlite3'}")
    app.extensions["pos_transactions.read_sessions"] = sessionmaker(broken)
    response = app.test_client().get(
        "/api/v1/transactions/", headers={"Authorization": "Token whatever"}
    )
    app.extensions["pos_transactions.read_sessions"] = working
    assert response.status_code == 503 and response.json["error"]
    assert int(response.headers["Retry-After"]) > 0
    assert "missing" not in response.get_data(as_text=True)


def test_error_shape(app):
    with app.test_request_context():
        response = error_response(418, "short and stout", parameter="pot")
    assert response.status_code == 418
    assert response.json == {"error": "short and stout", "status": 418, "parameter": "pot"}


def locked(message: str, sqlstate: str | None = None) -> OperationalError:
    original = sqlite3.OperationalError(message)
    if sqlstate:
        original.sqlstate = sqlstate
    return OperationalError("UPDATE sale ...", {}, original)


@pytest.mark.parametrize(
    ("error", "busy"),
    [
        (locked("database is locked"), True),
        (locked("database table is locked"), True),
        (locked("canceling statement due to lock timeout", "55P03"), True),
        (locked("deadlock detected", "40P01"), True),
        (locked("could not serialize access", "40001"), True),
        (locked("unable to open database file"), False),
        (locked("connection refused", "08006"), False),
    ],
)
def test_a_busy_database_is_told_from_an_unavailable_one(error, busy):
    assert database_was_busy(error) is busy


@pytest.mark.parametrize(
    ("message", "logged", "said"),
    [
        ("database is locked", "database busy: OperationalError", "busy"),
        ("unable to open database file", "database unavailable: OperationalError", "unavailable"),
    ],
)
def test_a_database_503_says_when_to_retry_and_logs_which(app, caplog, message, logged, said):
    @app.get("/database")
    def database():
        raise locked(message)

    response = app.test_client().get("/database")
    assert response.status_code == 503 and said in response.json["error"]
    assert int(response.headers["Retry-After"]) > 0
    assert logged in caplog.text
