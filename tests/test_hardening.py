"""Hardened responses: nosniff and no-store everywhere, Retry-After on every 503, no redirect
built from Host, OPTIONS and HEAD answered as a JSON API should."""

import pytest
from werkzeug.exceptions import ServiceUnavailable

from pos_transactions.credentials import Scope

FEED = "/api/v1/transactions/?start_date=2021-03-10&end_date=2021-03-13"

ODD_PATHS = [
    "/api/v1//transactions/",
    "//api/v1/transactions/",
    "/api//v1/sales/",
    "/api/v1/transactions//",
    "/api/v1/./transactions/",
    "/api/v1/transactions/..",
    "/api/v1/transactions/%2e%2e/",
    "/api/v1",
    "/api/v1/",
    "/API/V1/TRANSACTIONS/",
]


@pytest.fixture
def store(load):
    return load("rules.json")


def assert_hardened(response) -> None:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_feed_is_never_cached_nor_sniffed(client, store, token_headers):
    response = client.get(FEED, headers=token_headers(store))
    assert response.status_code == 201
    assert_hardened(response)


def test_a_push_answer_is_never_cached_nor_sniffed(client, store, token_headers):
    response = client.post("/api/v1/sales/", json=[], headers=token_headers(store, Scope.INGEST))
    assert response.status_code == 201
    assert_hardened(response)


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("get", FEED, {}, 401),
        ("get", "/api/v1/transactions/?start_date=nope", {"auth": True}, 400),
        ("get", "/nothing", {}, 404),
        ("post", "/api/v1/transactions/", {}, 405),
        ("post", "/api/v1/sales/", {"auth": True, "data": "not json"}, 400),
    ],
)
def test_every_error_is_never_cached_nor_sniffed(
    client, store, token_headers, method, path, kwargs, status
):
    kwargs = dict(kwargs)  # the table's own dict is shared by both databases' runs
    if kwargs.pop("auth", False):
        scope = Scope.INGEST if method == "post" else Scope.FEED
        kwargs["headers"] = token_headers(store, scope)
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status and response.is_json
    assert_hardened(response)


def test_every_503_says_when_to_retry(app):
    @app.get("/unavailable")
    def unavailable():
        raise ServiceUnavailable()

    response = app.test_client().get("/unavailable")
    assert response.status_code == 503 and response.is_json
    assert int(response.headers["Retry-After"]) > 0
    assert_hardened(response)


@pytest.mark.parametrize("path", ODD_PATHS)
@pytest.mark.parametrize("method", ["get", "post", "options", "head"])
def test_no_redirect_is_built_from_host(client, path, method):
    response = getattr(client, method)(path, headers={"Host": "evil.example"})
    assert response.status_code < 300 or response.status_code >= 400
    assert "Location" not in response.headers
    assert "evil.example" not in response.get_data(as_text=True)
    if method != "head":
        assert response.is_json


def test_a_doubled_slash_is_a_json_404(client):
    response = client.get("/api/v1//transactions/", headers={"Host": "evil.example"})
    assert response.status_code == 404 and response.is_json and response.json["error"]


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/v1/transactions/", ["GET", "HEAD", "OPTIONS"]),
        ("/api/v1/transactions", ["GET", "HEAD", "OPTIONS"]),
        ("/api/v1/sales/", ["OPTIONS", "POST"]),
        ("/api/v1/cases/", ["OPTIONS", "POST"]),
        ("/api/v1/cases", ["OPTIONS", "POST"]),
    ],
)
def test_options_answers_json_without_credentials(client, path, allowed):
    response = client.options(path)
    assert response.status_code == 200 and response.is_json
    assert response.json == {"allow": allowed}
    assert response.headers["Allow"] == ", ".join(allowed)
    assert_hardened(response)


def test_options_on_an_unknown_path_is_a_json_404(client):
    response = client.options("/api/v1/nothing")
    assert response.status_code == 404 and response.is_json


def test_head_on_the_feed_is_an_authenticated_get_without_a_body(app, client, store, token_headers):
    response = client.head(FEED, headers=token_headers(store))
    assert response.status_code == 201 and response.data == b""
    assert response.mimetype == "application/json"
    assert_hardened(response)
    assert app.extensions["pos_transactions.engine"].pool.checkedout() == 0  # given back
    unauthenticated = client.head(FEED)
    assert unauthenticated.status_code == 401 and unauthenticated.data == b""
    assert "Token" in unauthenticated.headers["WWW-Authenticate"]
