"""A small fake 3PP that keeps the contract, or breaks one rule of it on request.

Served for real on loopback (`serve_in_thread`), so `pos-transactions conformance` meets
real HTTP.  It serves the Retail Transactions feed and a Receive-Case webhook from a
handful of transactions placed around its clock's "yesterday"; `breaks` names the rules
it breaks (see BREAKAGES).
"""

import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from dateutil.parser import isoparse
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

from pos_transactions.lucid_id import ALPHABET, LENGTH

TOKEN = "fake-3pp-token"
FEED = "/api/v1/transactions/"
WEBHOOK = "/api/v1/cases/"
_LUCID_ID = re.compile(f"[{re.escape(ALPHABET)}]{{{LENGTH}}}")
BREAKAGES = frozenset(
    {
        "status-200",
        "extra-field",
        "url-item",
        "non-iso-time",
        "wrong-default-window",
        "exclusive-bounds",
        "unstable-ids",
        "bad-token-accepted",
        "bad-window-accepted",
        "webhook-accepts-malformed",
        "webhook-refuses-good",
        "webhook-missing",
    }
)
# (days before today, time of day, LucidIDs, total items): two sales yesterday (one at its
# very first instant), one the day before (what a wrong default window would serve), one
# five days back.
SALES = [
    (1, timedelta(0), ["NwEHp8jwjHQKn4dEXTLJbn"], 1),
    (1, timedelta(hours=18, minutes=30, microseconds=250000), ["6D2SHtS6rsN2G4zi5sHA5w"], 3),
    (2, timedelta(hours=12), ["c7cdcS6m6nVnvguBThkRGP", "aDsuyAjdxV3jzUsyZD4t4X"], 2),
    (5, timedelta(hours=9), ["mivB2ts9JCaVjMXczbVJjv"], 4),
]


@dataclass
class Fake3pp:
    clock: Callable[[], datetime]
    breaks: frozenset[str] = frozenset()
    with_sales: bool = True
    cases: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        assert self.breaks <= BREAKAGES, self.breaks - BREAKAGES

    def today(self) -> datetime:
        return self.clock().replace(hour=0, minute=0, second=0, microsecond=0)

    def sales(self) -> list[tuple[datetime, list[str], int, str]]:
        if not self.with_sales:
            return []
        return [
            (self.today() - timedelta(days=days) + at, ids, count, f"T-{n}")
            for n, (days, at, ids, count) in enumerate(SALES)
        ]


def create_fake_app(fake: Fake3pp) -> Flask:
    app = Flask(__name__)

    def authorised() -> bool:
        given = request.headers.get("Authorization", "")
        return "bad-token-accepted" in fake.breaks or given == f"Token {TOKEN}"

    @app.get(FEED)
    def transactions():
        if not authorised():
            return jsonify({"error": "unauthorised"}), 401
        start, end = fake.today() - timedelta(days=1), fake.today()
        if "wrong-default-window" in fake.breaks:
            start, end = start - timedelta(days=1), end - timedelta(days=1)
        try:
            if "start_date" in request.args:
                start = isoparse(request.args["start_date"]).astimezone(UTC)
            if "end_date" in request.args:
                end = isoparse(request.args["end_date"]).astimezone(UTC)
        except ValueError:
            if "bad-window-accepted" not in fake.breaks:
                return jsonify({"error": "bad window"}), 400
        exclusive = "exclusive-bounds" in fake.breaks
        chosen = [
            sale
            for sale in fake.sales()
            if (start < sale[0] < end) or (not exclusive and start <= sale[0] <= end)
        ]
        answer = jsonify([transaction(fake, *sale) for sale in chosen])
        answer.status_code = 200 if "status-200" in fake.breaks else 201
        return answer

    @app.post(WEBHOOK)
    def receive_case():
        if "webhook-missing" in fake.breaks:
            return jsonify({"error": "not found"}), 404
        if not authorised():
            return jsonify({"error": "unauthorised"}), 401
        document = request.get_json(silent=True)
        good = isinstance(document, dict) and isinstance(document.get("uuid"), str)
        items = document.get("items", []) if good else []
        good = good and all(_LUCID_ID.fullmatch(str(item.get("lucid_id"))) for item in items)
        if "webhook-accepts-malformed" in fake.breaks:
            good = True
        if "webhook-refuses-good" in fake.breaks:
            good = False
        if not good:
            return jsonify({"uuid": ["required, with valid LucidIDs"]}), 400
        fake.cases.append(document)
        return jsonify({"case": document["uuid"]}), 201

    return app


def transaction(fake: Fake3pp, moment: datetime, ids: list[str], count: int, sale_id: str):
    if "non-iso-time" in fake.breaks:
        transacted_on = moment.strftime("%m/%d/%Y %H:%M:%S")
    else:
        transacted_on = moment.replace(tzinfo=None).isoformat() + "Z"
    document = {
        "transacted_on": transacted_on,
        "items": [f"https://qr.lcdg.io/{i}" for i in ids] if "url-item" in fake.breaks else ids,
        "total_items_count": count,
        "transaction_id": str(uuid.uuid4()) if "unstable-ids" in fake.breaks else sale_id,
        "consumer_id": "consumer-1",
        "budtender_id": None,
    }
    if "extra-field" in fake.breaks:
        document["order_id"] = sale_id
    return document


@contextmanager
def serve_in_thread(fake: Fake3pp) -> Iterator[str]:
    """Serve the fake on a free loopback port in a background thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, create_fake_app(fake), threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
