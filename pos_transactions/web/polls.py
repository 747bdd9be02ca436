"""LucidRetail's polls of a retailer's feed, recorded off the hot path.

A finished poll (its response closed) is queued and written with others about once a
second (`deferred_writes`), old rows pruned on the way.  A poll therefore costs an append
to a queue, never a database write, and recording can never fail or slow it: a write that
fails is logged and the entries dropped (the activity list is for a person, not an audit
trail).
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import Flask, Response, current_app, g, request
from sqlalchemy import Connection, Engine, delete, select
from sqlalchemy.orm import Session

from ..auth import auth
from ..credentials import now_utc
from ..deferred_writes import DeferredWrites
from .models import PollRecord

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


def write_polls(connection: Connection, batch: list[Poll]) -> None:
    """Insert a batch of polls and prune the polled retailers' old ones."""
    connection.execute(PollRecord.__table__.insert(), [poll.row() for poll in batch])
    for retailer_id in {poll.retailer_id for poll in batch}:
        connection.execute(prune(retailer_id, now_utc()))


Recorder = DeferredWrites[Poll]


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
    app.extensions[_EXTENSION] = DeferredWrites(engine, write_polls, "poll-recorder")
    app.after_request(record_feed_poll)
