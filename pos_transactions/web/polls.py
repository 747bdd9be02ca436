"""LucidRetail's polls of a retailer's feed, recorded off the hot path.

A finished poll (its response closed) becomes an entry in an in-process queue; a
background thread writes what has queued up about once a second, in one short
transaction per `BATCH_SIZE` entries, and prunes old rows on the way.  A poll therefore
costs an append to a queue, never a database write, and recording can never fail or slow
it: a write that fails is logged and the entries dropped (the activity list is for a
person, not an audit trail).  Each gunicorn worker has its own queue and thread, started
after the fork by its first poll and ended after `IDLE_EXIT` seconds without one.
"""

import logging
import queue
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import Flask, Response, current_app, g, request
from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from ..auth import auth
from ..credentials import now_utc
from ..db import make_engine
from .models import PollRecord

log = logging.getLogger(__name__)
FLUSH_INTERVAL = 1.0  # seconds between writes at most
BATCH_SIZE = 200  # rows per INSERT
IDLE_EXIT = 30.0  # seconds without a poll before the thread ends (the next poll starts it)
KEEP_PER_RETAILER = 1000
KEEP_FOR = timedelta(days=30)
FEED_ENDPOINT = "api.transactions"
_EXTENSION = "pos_transactions.polls"


@dataclass
class Poll:
    retailer_id: str
    polled_at: datetime
    start_date: str | None
    end_date: str | None
    status: int
    transactions: int | None = None  # what it was served (the request log's exact count)

    def row(self) -> dict:
        return {
            "retailer_id": self.retailer_id,
            "polled_at": self.polled_at,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "status": self.status,
            "transactions": self.transactions,
        }


def unpooled(engine: Engine) -> Engine:
    """An engine like `engine` that keeps no connection open between writes: the writer
    runs about once a second at most, and a pooled connection would outlive the
    application's own engine (disposed at shutdown) on the writer's thread."""
    return make_engine(engine.url.render_as_string(hide_password=False), poolclass=NullPool)


class Recorder:
    """The queue of one process and the thread that empties it into `engine`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = unpooled(engine)
        self.entries: queue.SimpleQueue[Poll] = queue.SimpleQueue()
        self.waiting = threading.Event()  # set when an entry is queued
        self.lock = threading.Lock()  # guards `thread`
        self.writing = threading.Lock()  # held from draining the queue to its rows' commit
        self.thread: threading.Thread | None = None

    def add(self, poll: Poll) -> None:
        self.entries.put(poll)
        if not self.waiting.is_set():  # the cheap checks first: this runs once per poll
            self.waiting.set()
        thread = self.thread
        if thread is not None and thread.is_alive():
            return
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="poll-recorder", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        while True:
            if not self.waiting.wait(IDLE_EXIT):
                with self.lock:  # cleared before the look, so `add` sees one or the other
                    self.thread = None
                    if self.entries.empty():
                        return
                    self.thread = threading.current_thread()
                continue
            time.sleep(FLUSH_INTERVAL)  # let a second's polls gather into one write
            self.waiting.clear()
            self.flush()

    def _drain(self) -> list[Poll]:
        drained = []
        while True:
            try:
                drained.append(self.entries.get_nowait())
            except queue.Empty:
                return drained

    def flush(self) -> None:
        """Write what is queued, `BATCH_SIZE` rows a statement.  The page calls it too, so
        that once it returns every poll this process finished is in the table."""
        with self.writing:
            batch = self._drain()
            for first in range(0, len(batch), BATCH_SIZE):
                self.write(batch[first : first + BATCH_SIZE])

    def write(self, batch: list[Poll]) -> None:
        try:
            with self.engine.begin() as connection:
                rows = [poll.row() for poll in batch]
                connection.execute(PollRecord.__table__.insert(), rows)
                for retailer_id in {poll.retailer_id for poll in batch}:
                    connection.execute(prune(retailer_id, now_utc()))
        except SQLAlchemyError as error:
            log.info("%d poll(s) not recorded (%s)", len(batch), type(error).__name__)
        except Exception:  # never let the recorder die on an entry: it serves every poll
            log.exception("poll recording failed")


def prune(retailer_id: str, now: datetime):
    """Delete the retailer's polls older than `KEEP_FOR` or beyond the newest
    `KEEP_PER_RETAILER`."""
    newest = (
        select(PollRecord.id)
        .where(PollRecord.retailer_id == retailer_id)
        .order_by(PollRecord.id.desc())
        .limit(KEEP_PER_RETAILER)
    )
    return delete(PollRecord).where(
        PollRecord.retailer_id == retailer_id,
        (PollRecord.polled_at < now - KEEP_FOR) | PollRecord.id.not_in(newest.scalar_subquery()),
    )


def recent_polls(session: Session, retailer_id: str, limit: int = 20) -> list[PollRecord]:
    """The retailer's newest polls, newest first."""
    return list(
        session.scalars(
            select(PollRecord)
            .where(PollRecord.retailer_id == retailer_id)
            .order_by(PollRecord.id.desc())
            .limit(limit)
        )
    )


def record_feed_poll(response: Response) -> Response:
    """After a feed request whose caller authenticated: queue it once the body is sent,
    with the number of transactions the request's `Exchange` counted as they went out."""
    if request.endpoint != FEED_ENDPOINT or auth.current_user() is None:
        return response
    recorder: Recorder = current_app.extensions[_EXTENSION]
    poll = Poll(
        retailer_id=auth.current_user().retailer_id,
        polled_at=now_utc(),
        start_date=_shown_bound(request.args.get("start_date")),
        end_date=_shown_bound(request.args.get("end_date")),
        status=response.status_code,
    )
    exchange = g.get("exchange")
    response.call_on_close(
        lambda: recorder.add(replace(poll, transactions=exchange and exchange.transactions_served))
    )
    return response


def _shown_bound(value: str | None) -> str | None:
    """A window bound as asked, cut to what the column holds (it is shown, never parsed)."""
    return None if value is None else value[:64]


def recorder_of(app: Flask) -> Recorder:
    return app.extensions[_EXTENSION]


def init_app(app: Flask, engine: Engine) -> None:
    app.extensions[_EXTENSION] = Recorder(engine)
    app.after_request(record_feed_poll)
