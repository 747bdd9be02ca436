"""Rules 2-4: the window's parameters, the values they accept and their defaults."""

import time
from datetime import UTC, datetime

import pytest

from pos_transactions.window import WindowError, default_window, parse_instant, parse_window

NOW = datetime(2021, 4, 3, 15, 42, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "utc"),
    [
        ("2021-03-11T12:00:00Z", datetime(2021, 3, 11, 12)),
        ("2021-03-11T12:00:00+05:30", datetime(2021, 3, 11, 6, 30)),
        ("2021-03-11T12:00:00 05:30", datetime(2021, 3, 11, 6, 30)),  # "+" arrived as a space
        ("2021-03-11T12:00:00-08:00", datetime(2021, 3, 11, 20)),
        ("2021-03-11T12:00:00", datetime(2021, 3, 11, 12)),  # no offset: UTC
        ("2021-03-11T12:00:00.123456Z", datetime(2021, 3, 11, 12, 0, 0, 123456)),
        ("2021-03-11T12:00Z", datetime(2021, 3, 11, 12)),
        # ISO-8601's basic format, wherever the extended one is accepted
        ("20210311", datetime(2021, 3, 11)),
        ("20210311T120000Z", datetime(2021, 3, 11, 12)),
        ("20210311T120000+0100", datetime(2021, 3, 11, 11)),
        ("20210311T120000 0530", datetime(2021, 3, 11, 6, 30)),
        ("20210311T1200-08", datetime(2021, 3, 11, 20)),
        ("20210311T120000.5", datetime(2021, 3, 11, 12, 0, 0, 500000)),
        ("2021-03-11", datetime(2021, 3, 11)),  # a date alone: midnight UTC
        (" 2021-03-11 ", datetime(2021, 3, 11)),
    ],
)
def test_values_parse_to_utc(value, utc):
    assert parse_instant(value, "start_date") == utc


@pytest.mark.parametrize(
    "value",
    [
        "",
        "yesterday",
        "2021-13-01",
        "2021-02-30",
        "2021-03",
        "2021",
        "1615464000",
        "202103",  # basic format needs the whole date
        "2021031",
        "20211301",
        "20210311T",
        "20210311T1",
        "2021-03-11T25:00:00Z",
        "2021-03-11T12:00:00+99:00",
        "2021-03-11T12:00:00 PST",
        "11/03/2021",
    ],
)
def test_other_values_are_refused_naming_the_parameter(value):
    with pytest.raises(WindowError) as refused:
        parse_instant(value, "end_datetime")
    assert refused.value.parameter == "end_datetime"
    assert "end_datetime" in refused.value.message


def test_default_is_yesterday_midnight_to_today_midnight_utc():
    window = default_window(NOW)
    assert (window.start, window.end) == (datetime(2021, 4, 2), datetime(2021, 4, 3))


def test_default_is_measured_in_utc_whatever_the_clock_zone():
    from zoneinfo import ZoneInfo

    late_in_la = datetime(2021, 4, 2, 20, 0, tzinfo=ZoneInfo("America/Los_Angeles"))  # 03:00Z
    assert default_window(late_in_la).end == datetime(2021, 4, 3)


@pytest.mark.parametrize(
    ("args", "start", "end"),
    [
        ({}, datetime(2021, 4, 2), datetime(2021, 4, 3)),
        ({"start_date": ["2021-03-01"]}, datetime(2021, 3, 1), datetime(2021, 4, 3)),
        (
            {"end_datetime": ["2021-04-02T12:00:00Z"]},
            datetime(2021, 4, 2),
            datetime(2021, 4, 2, 12),
        ),
        (
            {"start_datetime": ["2021-03-01"], "end_date": ["2021-03-02"]},
            datetime(2021, 3, 1),
            datetime(2021, 3, 2),
        ),
        (
            {"start_date": ["2021-03-01"], "start_datetime": ["2021-03-01T00:00:00Z"]},
            datetime(2021, 3, 1),
            datetime(2021, 4, 3),
        ),  # same instant twice: no conflict
        (
            {"start_date": ["2021-03-01"], "end_date": ["2021-03-01"]},
            datetime(2021, 3, 1),
            datetime(2021, 3, 1),
        ),
        ({"limit": ["10"], "format": ["xml"]}, datetime(2021, 4, 2), datetime(2021, 4, 3)),
    ],
)
def test_window_from_parameters(args, start, end):
    window = parse_window(args, NOW)
    assert (window.start, window.end) == (start, end)


@pytest.mark.parametrize(
    ("args", "parameter", "phrase"),
    [
        (
            {"start_date": ["2021-03-01"], "start_datetime": ["2021-03-02"]},
            "start_date",
            "different",
        ),
        ({"end_date": ["2021-03-01"], "end_datetime": ["2021-03-02"]}, "end_date", "different"),
        ({"end_date": ["2021-03-01", "2021-03-02"]}, "end_date", "different"),
        ({"start_date": ["2021-03-02"], "end_date": ["2021-03-01"]}, "start_date", "later"),
        ({"start_date": ["2021-04-03T00:00:01Z"]}, "start_date", "later"),  # after default end
        ({"end_date": ["soon"]}, "end_date", "ISO-8601"),
    ],
)
def test_window_errors(args, parameter, phrase):
    with pytest.raises(WindowError) as refused:
        parse_window(args, NOW)
    assert refused.value.parameter == parameter
    assert phrase in refused.value.message


@pytest.fixture
def new_york_clock(monkeypatch):
    """The process's local timezone set to New York for one test, then restored."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    assert time.timezone != 0  # the zone really changed
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    ("value", "utc"),
    [
        ("2021-03-11T12:00:00", datetime(2021, 3, 11, 12)),
        ("2021-03-11T12:00", datetime(2021, 3, 11, 12)),
        ("2021-03-11", datetime(2021, 3, 11)),
        ("2021-03-11T12:00:00Z", datetime(2021, 3, 11, 12)),
        ("2021-03-11T12:00:00-05:00", datetime(2021, 3, 11, 17)),
    ],
)
def test_values_without_offset_are_utc_whatever_the_process_timezone(new_york_clock, value, utc):
    assert parse_instant(value, "start_date") == utc


@pytest.mark.parametrize(
    ("value", "parameter"),
    [
        ("0001-01-01T00:00:00+01:00", "start_date"),  # before datetime.min in UTC
        ("9999-12-31T23:59:59-01:00", "end_datetime"),  # after datetime.max in UTC
        ("9999-12-31T23:59:59.999999", "end_date"),  # no UTC day after it to split at
        ("9999-12-31", "start_date"),
        ("0001-01-01", "start_date"),  # no UTC day before it
    ],
)
def test_instants_beyond_what_utc_can_hold_are_out_of_range(value, parameter):
    with pytest.raises(WindowError) as refused:
        parse_instant(value, parameter)
    assert refused.value.parameter == parameter
    assert refused.value.message == (
        f"{parameter} is out of range: it must lie between 0001-01-02 and 9999-12-30"
    )


@pytest.mark.parametrize("value", ["0001-01-02", "9999-12-30T23:59:59.999999"])
def test_the_range_ends_are_windows_the_feed_can_serve(client, load, token_headers, value):
    """A window at either end of the range is served (an empty list), not a 500."""
    retailer_id = load("rules.json")
    response = client.get(
        f"/api/v1/transactions/?start_date={value}&end_date={value}",
        headers=token_headers(retailer_id),
    )
    assert response.status_code == 201
    assert response.json == []


@pytest.mark.parametrize(
    "value",
    [
        "2021-03-11\x00",
        "2021-03-11T12:00:00Z\x00",
        "\x002021-03-11",
        "2021-03-11\x1f",  # str.strip() would drop it
        "\x1c2021-03-11",
        "2021-03-11\t",
        "2021-03-11\ud800",
        "٢٠٢١-٠٣-١١",  # other scripts' digits
        "2021-03-11T12:00:00.123456789012345678901234567890123456789012345Z",
        "2021-03-11" + " " * 100,
    ],
)
def test_control_characters_and_odd_digits_are_refused(value):
    with pytest.raises(WindowError) as refused:
        parse_instant(value, "start_date")
    assert refused.value.parameter == "start_date" and "start_date" in refused.value.message


def test_a_window_parameter_with_a_nul_is_a_400(client, load, token_headers):
    headers = token_headers(load("rules.json"))
    response = client.get("/api/v1/transactions/?start_date=2021-03-11%00", headers=headers)
    assert response.status_code == 400
    assert response.json["parameter"] == "start_date"


def test_the_feed_takes_the_basic_format_as_the_extended_one(client, load, token_headers):
    headers = token_headers(load("rules.json"))
    basic = client.get(
        "/api/v1/transactions/?start_date=20210311&end_date=20210312T000000Z", headers=headers
    )
    extended = client.get(
        "/api/v1/transactions/?start_date=2021-03-11&end_date=2021-03-12T00:00:00Z",
        headers=headers,
    )
    assert basic.status_code == extended.status_code == 201
    assert basic.json == extended.json and len(basic.json) == 4
