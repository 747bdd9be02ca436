"""One request as the operator sees it, reported once its response is closed.

`Exchange` is filled in as the request goes: begun before the view, completed from the
response (status, retailer, what was served or written), and reported to the listeners
(the request log, the metrics) when the WSGI server closes the response — for the streamed
feed that is after its last byte, so the duration and the count of transactions are real.
"""

import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, g, request

from ..auth import auth
from ..version import service_version

REQUEST_ID_HEADER = "X-Request-ID"
VERSION_HEADER = "X-Service-Version"
FEED_ENDPOINT = "api.transactions"
PUSH_ENDPOINT = "api.push_sales"
SUMMARY_KEYS = ("created", "updated", "unchanged", "stale")  # a push's answer
MAX_PATH_LOGGED = 512
_PLAIN_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

# The request id of the request this thread is serving, for every log line it writes: a
# context variable rather than flask.g, because a streamed body outlives the request context.
current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


@dataclass
class Exchange:
    """What the request log and the metrics report of one request."""

    request_id: str
    method: str
    path: str
    endpoint: str | None
    started: float
    status: int | None = None
    retailer_id: str | None = None
    feed: Any = None  # the feed's stream (feed.FeedStream), which counts what it sends
    sales: dict | None = None
    adapter: str | None = None

    @property
    def transactions_served(self) -> int | None:
        """How many transactions the feed sent (once the response is closed: exact)."""
        return None if self.feed is None else self.feed.transactions


Listener = Callable[[Exchange, float], None]


def request_id_from(value: str | None) -> str:
    """The caller's X-Request-ID when short and plain, else a fresh one.

    The id is copied into every log line and echoed in a header, so nothing that could
    forge a line (CR/LF), bloat it, or smuggle other characters is taken as it came.
    """
    if value is not None and _PLAIN_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def init_app(app: Flask, listeners: list[Listener]) -> None:
    version = service_version()

    @app.after_request
    def complete(response: Response) -> Response:
        exchange = _complete(response)
        response.headers[REQUEST_ID_HEADER] = exchange.request_id
        response.headers[VERSION_HEADER] = version
        response.call_on_close(lambda: _finish(exchange, listeners))
        return response

    # First of the before-request functions registered after this, so the clock and the id
    # start before anything (a rate limiter, say) can answer for the view.
    app.before_request_funcs.setdefault(None, []).insert(0, _begin)


def _begin() -> None:
    exchange = Exchange(
        request_id=request_id_from(request.headers.get(REQUEST_ID_HEADER)),
        method=request.method,
        path=request.path[:MAX_PATH_LOGGED],
        endpoint=request.endpoint,
        started=time.perf_counter(),
    )
    g.exchange = exchange
    current_request_id.set(exchange.request_id)


def _complete(response: Response) -> Exchange:
    if "exchange" not in g:  # answered before any before-request function ran
        _begin()
    exchange: Exchange = g.exchange
    exchange.status = response.status_code
    caller = auth.current_user()
    exchange.retailer_id = getattr(caller, "retailer_id", None)
    if exchange.endpoint == FEED_ENDPOINT and response.status_code < 300:
        exchange.feed = g.get("feed_stream")
    elif exchange.endpoint == PUSH_ENDPOINT and response.status_code == 201:
        summary = response.get_json(silent=True) or {}
        exchange.sales = {key: summary.get(key) for key in SUMMARY_KEYS}
        exchange.adapter = g.get("push_adapter") or request.args.get("adapter")
    return exchange


def _finish(exchange: Exchange, listeners: list[Listener]) -> None:
    seconds = time.perf_counter() - exchange.started
    for listener in listeners:
        listener(exchange, seconds)
    current_request_id.set(None)
