"""The client's small rules, table-driven: error words, token refresh margin, base URLs."""

import pytest

from pos_transactions.lucid.client import (
    Secret,
    describe_failure,
    lucidretail_words,
    normalise_base_url,
    refresh_margin,
)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"detail": "Request was throttled."}', "Request was throttled."),
        (b'{"error": "Export is not available."}', "Export is not available."),
        (
            b'{"error": "invalid_client", "error_description": "bad secret"}',
            "invalid_client (bad secret)",
        ),
        (
            b'{"case_uuid": ["This field is required."], "sku": ["Too long.", "Bad."]}',
            "case_uuid: This field is required.; sku: Too long. Bad.",
        ),
        (b'["One.", "Two."]', "One. Two."),
        (b"<Error><Code>AccessDenied</Code></Error>", "<Error><Code>AccessDenied</Code></Error>"),
        (b"", "(no message)"),
        (b"x" * 400, "x" * 299 + "…"),
    ],
)
def test_lucidretail_words_reads_drf_bodies(body, words):
    assert lucidretail_words(body) == words


@pytest.mark.parametrize(
    ("call", "status", "message"),
    [
        (
            "caseids_import (POST /x/)",
            400,
            "LucidRetail caseids_import (POST /x/) answered HTTP 400: no",
        ),
        ("token (POST /o/token/)", None, "LucidRetail token (POST /o/token/) failed: no"),
    ],
)
def test_describe_failure_names_call_status_and_words(call, status, message):
    assert describe_failure(call, status, "no") == message


@pytest.mark.parametrize(
    ("expires_in", "margin"), [(36000, 60.0), (600, 60.0), (300, 30.0), (10, 1.0)]
)
def test_tokens_are_renewed_shortly_before_expiry(expires_in, margin):
    assert refresh_margin(expires_in) == margin


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("https://retail.lucidgreen.io/", "https://retail.lucidgreen.io"),
        ("http://127.0.0.1:8090", "http://127.0.0.1:8090"),
        (" https://retail-test.lucidgreen.io/prefix/ ", "https://retail-test.lucidgreen.io/prefix"),
    ],
)
def test_base_urls_are_normalised(url, normalised):
    assert normalise_base_url(url) == normalised


@pytest.mark.parametrize(
    "url", ["retail.lucidgreen.io", "ftp://retail.lucidgreen.io", "https://h/?a=1", "https://"]
)
def test_bad_base_urls_are_refused(url):
    with pytest.raises(ValueError):
        normalise_base_url(url)


def test_a_secret_never_prints_its_value():
    secret = Secret("s3cr3t-value")
    assert "s3cr3t" not in repr(secret) + str(secret) + f"{secret}"
    assert secret.reveal() == "s3cr3t-value"
