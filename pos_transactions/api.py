"""The HTTP API: the transactions feed LucidRetail polls, and the push endpoint a POS feeds.

Views stay thin: parse the request, call the module that owns the rule, shape the answer.
"""

from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, g, request

from .adapter import InvalidOptions
from .auth import auth, current_retailer_id
from .credentials import Scope
from .db import get_engine, new_session
from .errors import error_response
from .feed import stream_feed
from .models import Retailer
from .sales import write_sales
from .stores import InvalidStore, make_adapter, read_sales
from .window import WindowError, parse_window

api = Blueprint("api", __name__)


@api.errorhandler(WindowError)
def bad_window(error: WindowError):
    return error_response(400, error.message, parameter=error.parameter)


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
    connection = get_engine().connect()
    try:
        chunks = stream_feed(connection, current_retailer_id(), window)
    except Exception:
        connection.close()
        raise

    def body():
        try:
            yield from chunks
        finally:
            connection.close()

    return Response(
        body(), status=current_app.config["FEED_SUCCESS_STATUS"], mimetype="application/json"
    )


@api.post("/sales/")
@api.post("/sales")
@auth.login_required(role=Scope.INGEST.value)
def push_sales():
    """Upsert a JSON array of native records, all or nothing; answer what changed."""
    records = request.get_json(silent=True)
    if not isinstance(records, list):
        return error_response(400, "the body must be a JSON array of native sale records")
    limit = current_app.config["MAX_PUSH_RECORDS"]
    if len(records) > limit:
        return error_response(413, f"at most {limit} records per request; send the rest separately")
    retailer_id = current_retailer_id()
    with new_session() as session, session.begin():
        retailer = session.get(Retailer, retailer_id)
        adapter_name = request.args.get("adapter") or retailer.adapter
        g.push_adapter = adapter_name  # for the request log and the metrics
        try:
            adapter = make_adapter(adapter_name, retailer.timezone, retailer.adapter_options)
        except (LookupError, InvalidOptions) as error:
            return error_response(400, str(error), parameter="adapter")
        sales = read_sales(adapter, records, "request body")
        summary = write_sales(session, retailer_id, sales)
    return {
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
    }, 201
