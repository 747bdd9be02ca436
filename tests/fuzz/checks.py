"""What every answer of the service must be, whatever was sent: the fuzz tests' oracle."""

import json
import logging
from typing import Any

from werkzeug.test import TestResponse

ABSURD = 10**7  # no sale of a real store holds this many items, nor a line this many units


def json_body(response: TestResponse) -> Any:
    """The body parsed as JSON; fails saying what came back instead."""
    text = response.get_data(as_text=True)
    assert response.mimetype == "application/json", (
        f"{response.status_code} answered {response.mimetype}: {text[:200]!r}"
    )
    try:
        return json.loads(text)
    except ValueError:
        raise AssertionError(f"{response.status_code} body is not JSON: {text[:200]!r}") from None


class UnhandledErrors(logging.Handler):
    """Keeps the exceptions the app logs as unhandled (pos_transactions.errors), so that a
    500 fails the test with its real cause: hypothesis then tells one bug from another by
    where each was raised, and the report shows the service's own traceback."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.seen.append(record.exc_info[1])


UNHANDLED = UnhandledErrors()
logging.getLogger("pos_transactions.errors").addHandler(UNHANDLED)


def check_not_a_server_error(response: TestResponse) -> None:
    causes, UNHANDLED.seen[:] = list(UNHANDLED.seen), []
    if response.status_code >= 500 and causes:
        causes[-1].add_note(f"(the service answered {response.status_code} with this)")
        raise causes[-1]
    assert response.status_code < 500, (
        f"{response.status_code}: {response.get_data(as_text=True)[:300]!r}"
    )


def check_error(response: TestResponse, statuses: set[int]) -> dict:
    """A JSON error of one of `statuses`, in the one shape every error has."""
    check_not_a_server_error(response)
    text = response.get_data(as_text=True)[:300]
    assert response.status_code in statuses, f"{response.status_code}: {text!r}"
    body = json_body(response)
    assert isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"]
    assert body.get("status") == response.status_code
    return body


def check_feed(transactions: Any) -> None:
    """A feed document: a list of six-field transactions with sane counts."""
    assert isinstance(transactions, list)
    for transaction in transactions:
        assert isinstance(transaction["total_items_count"], int)
        assert 0 < transaction["total_items_count"] < ABSURD, transaction
        assert transaction["transacted_on"].endswith("Z")
