"""The HTTP API: the transactions feed LucidRetail polls, and the push endpoint a POS feeds.

Views stay thin: parse the request, call the module that owns the rule, shape the answer.
"""

from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, g, request

from .adapter import InvalidOptions
from .auth import auth, current_retailer_id
from .credentials import Scope
from .db import new_session, read_connection
from .errors import error_response
from .feed import stream_feed
from .json_body import BodyError, read_json_array
from .models import Retailer
from .stores import InvalidStore, push_adapter, read_sales, write_checked
from .window import WindowError, parse_window
from .write_retry import write_attempts

api = Blueprint("api", __name__)


@api.errorhandler(WindowError)
def bad_window(error: WindowError):
    return error_response(400, error.message, parameter=error.parameter)


@api.errorhandler(BodyError)
def unreadable_body(error: BodyError):
    return error_response(error.status, error.message)


@api.errorhandler(InvalidStore)
def invalid_sales(error: InvalidStore):
    problems = [{"record": problem.record, "reason": problem.reason} for problem in error.problems]
    return error_response(
        400, f"{len(problems)} invalid record(s); nothing was written", invalid_records=problems
    )


@api.get("/transactions/")
@api.get("/transactions")
@auth.login_required(role=Scope.FEED.value)
def transactions():
    """The retailer's reported sales in the window, oldest first, streamed."""
    window = parse_window(request.args.to_dict(flat=False), now=datetime.now(UTC))
    connection = read_connection()
    try:
        stream = stream_feed(connection, current_retailer_id(), window)
    except Exception:
        connection.close()
        raise
    g.feed_stream = stream  # counts what it sends, for the request log and metrics

    def body():
        try:
            yield from stream
        finally:
            connection.close()

    response = Response(
        body(), status=current_app.config["FEED_SUCCESS_STATUS"], mimetype="application/json"
    )
    # Also on closing the response, read or not: a HEAD request never reads the body.
    response.call_on_close(connection.close)
    return response


@api.post("/sales/")
@api.post("/sales")
@auth.login_required(role=Scope.INGEST.value)
def push_sales():
    """Upsert a JSON array of native records, all or nothing; answer what changed."""
    records = read_json_array(request, current_app.config["MAX_CONTENT_LENGTH"])
    limit = current_app.config["MAX_PUSH_RECORDS"]
    if len(records) > limit:
        return error_response(413, f"at most {limit} records per request; send the rest separately")
    retailer_id = current_retailer_id()
    for attempt in write_attempts():  # a push racing another of the same sales is retried
        with attempt, new_session() as session, session.begin():
            retailer = session.get(Retailer, retailer_id)
            g.push_adapter = request.args.get("adapter") or retailer.adapter  # log, metrics
            try:
                adapter = push_adapter(retailer, request.args.get("adapter"))
            except (LookupError, InvalidOptions) as error:
                return error_response(400, str(error), parameter="adapter")
            sales = read_sales(adapter, records, "request body")
            summary = write_checked(session, retailer_id, sales, "request body")
    return {
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "stale": summary.stale,
    }, 201
