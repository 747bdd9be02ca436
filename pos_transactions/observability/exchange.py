"""One request as the operator sees it, reported once its response is closed.

`Exchange` is filled in as the request goes: begun before the view, completed from the
response (status, retailer, what was served or written), and reported to the listeners
(the request log, the metrics) when the WSGI server closes the response — for the streamed
feed that is after its last byte, so the duration and the count of transactions are real.
"""

import re
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from threading import Lock

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
# Every feed object opens with this key (feed.transaction_object) and no value can hold the
# text (ids and LucidIDs are plain characters), so counting it counts transactions exactly.
_OBJECT_START = '{"transacted_on"'

# The request id of the request this thread is serving, for every log line it writes: a
# context variable rather than flask.g, because a streamed body outlives the request context.
current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


@dataclass
class Exchange:
    request_id: str
    method: str
    path: str
    endpoint: str | None
    started: float
    status: int | None = None
    retailer_id: str | None = None
    transactions_served: int | None = None
    sales: dict | None = None
    adapter: str | None = None


Listener = Callable[[Exchange, float], None]


def request_id_from(value: str | None) -> str:
    """The caller's X-Request-ID when short and plain, else a fresh one.

    The id is copied into every log line and echoed in a header, so nothing that could
    forge a line (CR/LF), bloat it, or smuggle other characters is taken as it came.
    """
    if value is not None and _PLAIN_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class TransactionCounter:
    """Counts the transactions in the feed's chunks, remembering the last few big ones.

    Counting scans the chunk (about 0.3 ms for a busy store's day).  The daily poll's day
    comes from the worker's hot days as the very same string object each time, so its count
    is kept by identity (holding the string, so its id cannot be reused): a repeated poll
    scans only its small edges.  At most `KEPT` chunks are held, and only big ones.
    """

    KEPT = 4
    BIG = 64 * 1024

    def __init__(self) -> None:
        self.kept: OrderedDict[int, tuple[str, int]] = OrderedDict()
        self.lock = Lock()

    def count(self, chunk: str) -> int:
        if len(chunk) < self.BIG:
            return chunk.count(_OBJECT_START)
        with self.lock:
            kept = self.kept.get(id(chunk))
        if kept is not None and kept[0] is chunk:
            return kept[1]
        count = chunk.count(_OBJECT_START)
        with self.lock:
            self.kept[id(chunk)] = (chunk, count)
            while len(self.kept) > self.KEPT:
                self.kept.popitem(last=False)
        return count


count_transactions = TransactionCounter().count


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
    if exchange.endpoint == FEED_ENDPOINT and response.is_streamed and response.status_code < 300:
        exchange.transactions_served = 0
        response.response = _counted(response.response, exchange)
    elif exchange.endpoint == PUSH_ENDPOINT and response.status_code == 201:
        summary = response.get_json(silent=True) or {}
        exchange.sales = {key: summary.get(key) for key in SUMMARY_KEYS}
        exchange.adapter = g.get("push_adapter") or request.args.get("adapter")
    return exchange


def _counted(chunks: Iterator[str], exchange: Exchange) -> Iterator[str]:
    """The feed's body, unchanged, counting its transactions as they are sent.

    The server's close() reaches the feed's own generator, which gives its database
    connection back, whether the body was sent whole or the client went away.
    """
    try:
        for chunk in chunks:
            exchange.transactions_served += count_transactions(chunk)
            yield chunk
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def _finish(exchange: Exchange, listeners: list[Listener]) -> None:
    seconds = time.perf_counter() - exchange.started
    for listener in listeners:
        listener(exchange, seconds)
    current_request_id.set(None)
