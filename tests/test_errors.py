"""Rule 11: every error is JSON with an "error" message, and never a stack trace."""

import pytest

from pos_transactions.db import make_engine
from pos_transactions.errors import error_response


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

    working = app.extensions["pos_transactions.sessions"]
    broken = make_engine(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'db.sqlite3'}")
    app.extensions["pos_transactions.sessions"] = sessionmaker(broken)
    response = app.test_client().get(
        "/api/v1/transactions/", headers={"Authorization": "Token whatever"}
    )
    app.extensions["pos_transactions.sessions"] = working
    assert response.status_code == 503 and response.json["error"]
    assert "missing" not in response.get_data(as_text=True)


def test_error_shape(app):
    with app.test_request_context():
        response = error_response(418, "short and stout", parameter="pot")
    assert response.status_code == 418
    assert response.json == {"error": "short and stout", "status": 418, "parameter": "pot"}
