"""Rules 1-10 through the HTTP API, on SQLite and PostgreSQL."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from pos_transactions.db import new_session
from pos_transactions.pseudonym import pseudonym
from pos_transactions.sales import pseudonym_key

from conftest import DATA, BufferedClient, read_json

RETAILER = "rules-store"
EXPECTED = read_json("rules-expected.json")
FIELDS = {
    "transacted_on",
    "items",
    "total_items_count",
    "transaction_id",
    "consumer_id",
    "budtender_id",
}


@pytest.fixture
def feed(client, load, token_headers):
    """GET the feed of the rules store with query parameters; returns the response."""
    load("rules.json")
    headers = token_headers(RETAILER)

    def get(query: str = "", path: str = "/api/v1/transactions/"):
        return client.get(path + query, headers=headers)

    return get


def window_query(start: str, end: str, start_name="start_date", end_name="end_date") -> str:
    return f"?{start_name}={start}&{end_name}={end}"


START, END = EXPECTED["window"]["start_date"], EXPECTED["window"]["end_date"]
EXPECTED_QUERY = window_query(START, END)


def key_of(app) -> bytes:
    with app.app_context(), new_session() as session:
        return pseudonym_key(session)


def test_transactions_follow_the_rules(app, feed):
    response = feed(EXPECTED_QUERY)
    assert response.status_code == 201
    assert response.mimetype == "application/json"
    key = key_of(app)

    def alias(kind: str, native: str | None) -> str | None:
        return native and pseudonym(key, RETAILER, kind, native)

    wanted = [
        {
            "transacted_on": sale["transacted_on"],
            "items": sale["items"],
            "total_items_count": sale["total_items_count"],
            "transaction_id": alias("sale", sale["sale"]),
            "consumer_id": alias("customer", sale["customer"]),
            "budtender_id": alias("employee", sale["employee"]),
        }
        for sale in EXPECTED["feed"]
    ]
    # ties at the same instant come in transaction_id order
    wanted.sort(key=lambda sale: (sale["transacted_on"], sale["transaction_id"]))
    assert response.json == wanted


def test_each_transaction_has_exactly_the_six_fields(feed):
    for transaction in feed(EXPECTED_QUERY).json:
        assert set(transaction) == FIELDS
        assert transaction["transacted_on"].endswith("Z")


def test_slash_and_no_slash_both_answer_directly(feed):
    with_slash = feed(EXPECTED_QUERY)
    without = feed(EXPECTED_QUERY, path="/api/v1/transactions")
    assert (with_slash.status_code, without.status_code) == (201, 201)
    assert with_slash.data == without.data


def test_aliases_name_the_same_window(feed):
    aliased = window_query(START, END, "start_datetime", "end_datetime")
    assert feed(aliased).json == feed(EXPECTED_QUERY).json


def test_an_unencoded_plus_in_an_offset_still_parses(feed):
    # 2021-03-11T05:30:00+05:30 is midnight UTC; a raw "+" in a query string is a space
    query = "?start_date=2021-03-11T05:30:00+05:30&end_date=2021-03-12"
    assert feed(query).json == feed(EXPECTED_QUERY).json


@pytest.mark.parametrize(
    ("start", "end", "sales"),
    [
        # both bounds inclusive, to the microsecond
        ("2021-03-10T23:59:59.999999Z", "2021-03-10T23:59:59.999999Z", 1),
        ("2021-03-12T00:00:00.000001Z", "2021-03-12T00:00:00.000001Z", 1),
        ("2021-03-11T12:00:00Z", "2021-03-11T12:00:00Z", 2),
        ("2021-03-11T12:00:00.000001Z", "2021-03-11T18:29:59.999999Z", 0),
        ("2021-03-10", "2021-03-13", 6),
    ],
)
def test_bounds_are_inclusive(feed, start, end, sales):
    assert len(feed(window_query(start, end)).json) == sales


def test_unreported_sales_never_appear(feed):
    body = feed("?start_date=2000-01-01&end_date=2100-01-01").get_data(as_text=True)
    assert "WjG5owvCAhRwSSTi7rkor7" not in body  # voided sale's LucidID
    assert len(json.loads(body)) == 6  # 8 sales: one voided, one without LucidIDs


def test_raw_customer_and_employee_ids_never_leave(feed):
    body = feed("?start_date=2000-01-01&end_date=2100-01-01").get_data(as_text=True)
    store = json.loads((DATA / "rules.json").read_text())
    for sale in store["sales"]:
        for raw in (sale["customer_id"], sale["employee_id"], sale["id"]):
            if raw:
                assert raw not in body


def test_the_same_customer_has_the_same_consumer_id(feed):
    first, second = feed(window_query("2021-03-11T12:00:00Z", "2021-03-11T12:00:00Z")).json
    assert first["consumer_id"] == second["consumer_id"] is not None
    assert first["transaction_id"] != second["transaction_id"]


def test_no_customer_or_employee_is_null(feed):
    transactions = feed(EXPECTED_QUERY).json
    assert any(t["consumer_id"] is None for t in transactions)
    assert any(t["budtender_id"] is None for t in transactions)


class FrozenClock(datetime):
    """`datetime` whose now() is one fixed instant, so a test run across midnight UTC sees
    the same "yesterday" when it places its sales as the request does when it reads them."""

    frozen = datetime.now(UTC)

    @classmethod
    def now(cls, tz=None):
        return cls.frozen if tz is None else cls.frozen.astimezone(tz)


def test_default_window_is_yesterday_utc(client, load, token_headers, tmp_path, monkeypatch):
    """Sales placed just inside and just outside yesterday (UTC) of the real clock."""
    monkeypatch.setattr(FrozenClock, "frozen", datetime.now(UTC))
    monkeypatch.setattr("pos_transactions.api.datetime", FrozenClock)
    today = FrozenClock.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    store = read_json("rules.json")
    template = store["sales"][0]
    moments = {
        "before": today - timedelta(days=1, microseconds=1),
        "first": today - timedelta(days=1),
        "last": today,
        "after": today + timedelta(microseconds=1),
    }
    store["sales"] = [
        template | {"id": name, "completed_at": moment.isoformat()}
        for name, moment in moments.items()
    ]
    path = tmp_path / "relative.json"
    path.write_text(json.dumps(store))
    load(path)
    response = client.get("/api/v1/transactions/", headers=token_headers(RETAILER))
    times = [transaction["transacted_on"] for transaction in response.json]
    assert times == [
        moments["first"].strftime("%Y-%m-%dT%H:%M:%SZ"),
        moments["last"].strftime("%Y-%m-%dT%H:%M:%SZ"),
    ]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("?start_date=yesterday", "start_date"),
        ("?end_datetime=2021-13-01", "end_datetime"),
        ("?start_date=2021-03-12&end_date=2021-03-11", "start_date"),
        ("?start_date=2021-03-11&start_datetime=2021-03-12", "start_date"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter(feed, query, parameter):
    response = feed(query)
    assert response.status_code == 400
    assert response.json["parameter"] == parameter
    assert parameter in response.json["error"]


def test_unknown_parameters_are_ignored(feed):
    assert feed(EXPECTED_QUERY + "&page=2&format=xml").json == feed(EXPECTED_QUERY).json


def test_success_status_can_be_200(database_url, load, credential):
    from pos_transactions import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "FEED_SUCCESS_STATUS": 200})
    app.test_client_class = BufferedClient
    load("rules.json")
    token = credential(RETAILER)[1]
    response = app.test_client().get(
        "/api/v1/transactions/" + EXPECTED_QUERY, headers={"Authorization": f"Token {token}"}
    )
    status, transactions = response.status_code, response.json  # read before disposing
    app.extensions["pos_transactions.engine"].dispose()
    assert status == 200 and len(transactions) == 4


def test_ids_persist_across_restarts_and_reloads(database_url, feed, load):
    from pos_transactions import create_app

    before = feed(EXPECTED_QUERY).json
    restarted = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with restarted.app_context():
        load("rules.json")
    after = feed(EXPECTED_QUERY).json
    restarted.extensions["pos_transactions.engine"].dispose()
    assert after == before


def test_a_reloaded_changed_sale_replaces_the_old(feed, load, tmp_path):
    store = read_json("rules.json")
    for sale in store["sales"]:
        if sale["id"] == "S-1":
            sale["status"] = "voided"
        if sale["id"] == "S-4":
            sale["lines"][0]["lucid_ids"] = ["Tm4aLgauqGEpTLS4yCy7Bd"]
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(store))
    before = feed(EXPECTED_QUERY).json
    load(path)
    after = feed(EXPECTED_QUERY).json
    assert len(after) == len(before)  # S-1 left, S-4 came in
    assert "Kz4tXgS7aCZQbYYH86PGVi" not in {i for t in after for i in t["items"]}
    assert ["Tm4aLgauqGEpTLS4yCy7Bd"] in [t["items"] for t in after]
