"""The Package-UID export: the polling rules, the file's shape, and the whole fetch against
the fake (202 then 200, every documented refusal, an expired pre-signed URL)."""

import json
from datetime import date, timedelta

import pytest

from pos_transactions.lucid.client import (
    ClientCredentials,
    LucidRetailClient,
    LucidRetailError,
    Secret,
)
from pos_transactions.lucid.export import (
    MalformedExport,
    PollSchedule,
    fetch_export,
    grown_delay,
    next_wait,
    parse_export,
    request_export_url,
)
from pos_transactions.lucid.fake_server import Fault
from pos_transactions.lucid.registry import RegistryRow

from .conftest import DATA, FAST_HTTP, FAST_POLLS, ManualClock

DEFAULT = PollSchedule()


def test_the_defaults_are_the_documented_worst_case():
    assert (DEFAULT.deadline, DEFAULT.first_delay, DEFAULT.max_delay) == (1800, 5, 60)


@pytest.mark.parametrize(
    ("delay", "elapsed", "wait"),
    [
        (5, 0, 5),
        (60, 100, 60),
        (60, 1790, 10),  # never past the deadline: the last poll is at the deadline
        (60, 1800, None),
        (5, 2000, None),
    ],
)
def test_next_wait(delay, elapsed, wait):
    assert next_wait(DEFAULT, delay, elapsed) == wait


@pytest.mark.parametrize(("delay", "grown"), [(5, 10), (20, 40), (40, 60), (60, 60)])
def test_delays_grow_to_at_most_a_minute(delay, grown):
    assert grown_delay(DEFAULT, delay) == grown


def test_a_processing_export_is_polled_with_backoff_until_ready(fake, lucid_client):
    fake.seed["export_processing_polls"] = 5
    clock, progress = ManualClock(), []
    url = request_export_url(lucid_client, None, DEFAULT, progress.append, clock.sleep, clock)
    assert url.startswith(lucid_client.base_url + "/cdn/")
    assert clock.sleeps == [5, 10, 20, 40, 60]
    assert len(progress) == 5 and "still processing" in progress[0]


def test_polling_gives_up_after_a_last_poll_at_the_deadline(fake, lucid_client):
    fake.seed["export_processing_polls"] = 1000
    clock = ManualClock()
    schedule = PollSchedule(deadline=100)
    with pytest.raises(LucidRetailError) as raised:
        request_export_url(lucid_client, None, schedule, lambda _: None, clock.sleep, clock)
    assert clock.sleeps == [5, 10, 20, 40, 25]
    assert len(fake.calls_to("/api/v1.2/package-uids-export/")) == 6
    assert raised.value.status == 202
    assert "still processing after 100 s (the deadline)" in str(raised.value)


@pytest.mark.parametrize(
    ("export_date", "client_id", "status", "meaning"),
    [
        (date(2021, 3, 8), "audit-demo-client", 404, "is not available for that day"),
        (date.today() + timedelta(days=2), "audit-demo-client", 400, "date is in the future"),
        (date(2021, 3, 9), "audit-demo-client", 422, "failed to produce"),
        (None, "no-export-client", 428, "not associated with a dispensary, or"),
        (None, "unlinked-client", 428, "not associated with a dispensary, or"),
    ],
)
def test_each_documented_refusal_has_its_own_message(
    fake, fake_url, export_date, client_id, status, meaning
):
    seeded = next(c for c in fake.seed["clients"] if c["client_id"] == client_id)
    credentials = ClientCredentials(client_id, Secret(seeded["client_secret"]))
    with LucidRetailClient(fake_url, credentials, FAST_HTTP) as client:
        with pytest.raises(LucidRetailError) as raised:
            request_export_url(client, export_date, FAST_POLLS, lambda _: None)
    assert raised.value.status == status
    assert meaning in str(raised.value)
    assert f"answered HTTP {status}" in str(raised.value)


def test_the_export_is_downloaded_without_authorization(fake, lucid_client):
    contents = fetch_export(lucid_client, date(2021, 3, 10), FAST_POLLS, lambda _: None)
    assert (contents.packages, contents.cases, contents.lucid_ids) == (3, 4, 28)
    downloads = fake.calls_to("/cdn/")
    assert len(downloads) == 1 and downloads[0].authorization is None


def test_an_expired_url_is_replaced_by_a_fresh_one_once(fake, lucid_client):
    fake.fail_next("/cdn/", Fault(expire=True))
    progress = []
    contents = fetch_export(lucid_client, None, FAST_POLLS, progress.append)
    assert contents.packages == 3
    assert len(fake.calls_to("/cdn/")) == 2
    assert any("asking for a fresh one" in line for line in progress)


def test_a_url_that_expires_again_is_an_error(fake, lucid_client):
    fake.seed["export_url_lifetime"] = 0
    with pytest.raises(LucidRetailError) as raised:
        fetch_export(lucid_client, None, FAST_POLLS, lambda _: None)
    assert raised.value.status == 403
    assert "Request has expired" in str(raised.value)
    assert len(fake.calls_to("/cdn/")) == 2


def test_a_download_cut_short_is_an_error(fake, lucid_client):
    fake.fail_next("/cdn/", Fault(truncate=True))
    with pytest.raises(LucidRetailError) as raised:
        fetch_export(lucid_client, None, FAST_POLLS, lambda _: None)
    assert raised.value.status is None
    assert "export download" in str(raised.value)


def test_parse_export_flattens_and_normalises():
    contents = parse_export(json.loads((DATA / "export-valid.json").read_text()))
    assert (contents.packages, contents.cases, contents.lucid_ids) == (3, 3, 3)
    assert contents.rows == [
        RegistryRow("1A4060300002C35000000101", "7PP7KW5hBLyZAHdySKLCNb", "QCDHWTRqYTtXuCCsBWXowu"),
        RegistryRow("1A4060300002C35000000101", "7PP7KW5hBLyZAHdySKLCNb", "mMkYATx9jmKe7b6KLHk6gK"),
        RegistryRow("1A4060300002C35000000101", "Uu6C8us7XhXdC5idHChFKd", "5vHqLc9etTWW3AVrEJvBez"),
        RegistryRow("1A4060300002C35000000102", "SwsjSKRLMU6dpqsvBa7kTd", "5vHqLc9etTWW3AVrEJvBez"),
    ]


@pytest.mark.parametrize(
    ("data", "problems"), json.loads((DATA / "export-malformed.json").read_text())
)
def test_parse_export_names_what_is_wrong(data, problems):
    with pytest.raises(MalformedExport) as raised:
        parse_export(data)
    for problem in problems:
        assert problem in str(raised.value)
