"""The client against the fake LucidRetail served for real: tokens, retries, errors."""

import logging
import time

import pytest

from pos_transactions.lucid.caseids import case_ids_for_package
from pos_transactions.lucid.client import (
    ClientCredentials,
    LucidRetailClient,
    LucidRetailError,
    Secret,
    StaticToken,
)
from pos_transactions.lucid.fake_server import Fault

from .conftest import CLIENT_ID, CLIENT_SECRET, FAST_HTTP, STATIC_TOKEN, ManualClock

PACKAGE = "1A4060300002C35000000101"
LOOKUP = f"/api/v1.2/package-uids/{PACKAGE}/caseids/"


def test_the_token_is_fetched_once_and_sent_as_bearer(fake, lucid_client):
    case_ids_for_package(lucid_client, PACKAGE)
    case_ids_for_package(lucid_client, PACKAGE)
    assert len(fake.calls_to("/o/token/")) == 1
    sent = {call.authorization for call in fake.calls_to(LOOKUP)}
    assert len(sent) == 1 and sent.pop().startswith("Bearer ")


def test_the_token_is_renewed_shortly_before_it_expires(fake, fake_url):
    fake.seed["token_lifetime"] = 600
    clock = ManualClock()
    credentials = ClientCredentials(CLIENT_ID, Secret(CLIENT_SECRET))
    with LucidRetailClient(fake_url, credentials, FAST_HTTP, clock=clock) as client:
        case_ids_for_package(client, PACKAGE)
        clock.now += 539
        case_ids_for_package(client, PACKAGE)
        assert len(fake.calls_to("/o/token/")) == 1
        clock.now += 2  # 541 s: within the last minute of the token's 600 s
        case_ids_for_package(client, PACKAGE)
    assert len(fake.calls_to("/o/token/")) == 2
    assert len(fake.calls_to(LOOKUP)) == 3  # renewed before use: no call was refused


def test_a_401_fetches_a_new_token_once_and_retries(fake, lucid_client):
    case_ids_for_package(lucid_client, PACKAGE)
    fake.expire_tokens()
    assert case_ids_for_package(lucid_client, PACKAGE)
    assert len(fake.calls_to("/o/token/")) == 2
    assert len(fake.calls_to(LOOKUP)) == 3  # ok, 401, ok


def test_a_second_401_is_an_error_naming_call_and_status(fake, lucid_client):
    refused = Fault(status=401, body={"detail": "Authentication credentials were not provided."})
    fake.fail_next(LOOKUP, refused, refused)
    with pytest.raises(LucidRetailError) as raised:
        case_ids_for_package(lucid_client, PACKAGE)
    assert raised.value.status == 401
    assert str(raised.value) == (
        f"LucidRetail caseids_for_package_uid (GET {LOOKUP}) answered HTTP 401: "
        "Authentication credentials were not provided."
    )


def test_a_static_token_is_used_as_it_is(fake, fake_url):
    with LucidRetailClient(fake_url, StaticToken(Secret(STATIC_TOKEN)), FAST_HTTP) as client:
        assert case_ids_for_package(client, PACKAGE)
    assert fake.calls_to("/o/token/") == []
    assert fake.calls_to(LOOKUP)[0].authorization == f"Bearer {STATIC_TOKEN}"


def test_wrong_client_credentials_say_so_without_the_secret(fake_url, caplog):
    caplog.set_level(logging.DEBUG)
    credentials = ClientCredentials(CLIENT_ID, Secret("not-the-secret-xyz"))
    with LucidRetailClient(fake_url, credentials, FAST_HTTP) as client:
        with pytest.raises(LucidRetailError) as raised:
            case_ids_for_package(client, PACKAGE)
    assert str(raised.value) == (
        "LucidRetail token (POST /o/token/) answered HTTP 401: invalid_client"
    )
    assert "not-the-secret-xyz" not in caplog.text


def test_a_429_waits_as_long_as_retry_after_says(fake, lucid_client):
    fake.fail_next(
        LOOKUP,
        Fault(
            status=429,
            retry_after=1,
            body={"detail": "Request was throttled. Expected available in 1 seconds."},
        ),
    )
    started = time.monotonic()
    assert case_ids_for_package(lucid_client, PACKAGE)
    assert time.monotonic() - started >= 1
    assert len(fake.calls_to(LOOKUP)) == 2


def test_5xx_answers_are_retried_with_backoff(fake, lucid_client):
    fake.fail_next(LOOKUP, Fault(status=503), Fault(status=502))
    assert case_ids_for_package(lucid_client, PACKAGE)
    assert len(fake.calls_to(LOOKUP)) == 3


def test_5xx_answers_that_never_stop_end_in_an_error_with_the_status(fake, lucid_client):
    fake.fail_next(LOOKUP, *[Fault(status=500, body={"detail": "Server Error"})] * 4)
    with pytest.raises(LucidRetailError) as raised:
        case_ids_for_package(lucid_client, PACKAGE)
    assert (raised.value.status, raised.value.words) == (500, "Server Error")
    assert len(fake.calls_to(LOOKUP)) == 1 + FAST_HTTP.retries


def test_final_4xx_answers_are_not_retried(fake, lucid_client):
    fake.fail_next(LOOKUP, Fault(status=404, body={"detail": "Not found."}))
    with pytest.raises(LucidRetailError) as raised:
        case_ids_for_package(lucid_client, PACKAGE)
    assert (raised.value.status, raised.value.words) == (404, "Not found.")
    assert len(fake.calls_to(LOOKUP)) == 1


def test_a_dropped_connection_is_retried(fake, lucid_client):
    fake.fail_next(LOOKUP, Fault(drop=True))
    assert case_ids_for_package(lucid_client, PACKAGE)
    assert len(fake.calls_to(LOOKUP)) == 2


def test_connections_that_keep_dropping_end_in_an_error_without_a_status(fake, lucid_client):
    fake.fail_next(LOOKUP, *[Fault(drop=True)] * 4)
    with pytest.raises(LucidRetailError) as raised:
        case_ids_for_package(lucid_client, PACKAGE)
    assert raised.value.status is None
    assert str(raised.value).startswith(
        f"LucidRetail caseids_for_package_uid (GET {LOOKUP}) failed"
    )


def test_an_unreachable_lucidretail_is_a_clear_error():
    credentials = StaticToken(Secret(STATIC_TOKEN))
    with LucidRetailClient("http://127.0.0.1:9", credentials, FAST_HTTP) as client:
        with pytest.raises(LucidRetailError) as raised:
            case_ids_for_package(client, PACKAGE)
    assert raised.value.status is None
    assert "the connection failed" in str(raised.value)
