"""Health and readiness for load balancers, and the guard that keeps the API from serving
on a schema this release was not written for.

``GET /healthz``: the process is alive (no database call). ``GET /readyz``: the database
answers and its schema is at this release's head. Both are unauthenticated, JSON and never
cached. While the schema is not current every ``/api/`` request is a 503 naming the reason;
the state is read again at most every `SCHEMA_RECHECK_SECONDS`, so a running server starts
serving once an operator has run ``pos-transactions db upgrade``, without a restart.
"""

import logging
import time

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from .db import ensure_schema_at_start, get_engine
from .errors import error_response
from .schema import SchemaState, SchemaStatus, schema_status
from .version import service_version

health = Blueprint("health", __name__)
log = logging.getLogger(__name__)
SCHEMA_RECHECK_SECONDS = 5.0
RETRY_AFTER_SECONDS = 5  # what a client is told to wait for the database or an upgrade
_CHECKED_AT = "pos_transactions.schema_checked_at"
_STATUS = "pos_transactions.schema"


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _unavailable(response: Response) -> Response:
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return _no_store(response)


@health.get("/healthz")
def healthz():
    """Alive: answers without touching the database."""
    return _no_store(jsonify(status="ok", version=service_version()))


@health.get("/readyz")
def readyz():
    """Ready: one ``SELECT 1`` and a look at the recorded revision."""
    try:
        if current_app.extensions[_STATUS].state is SchemaState.UNKNOWN:
            ensure_schema_at_start(current_app)  # what the start could not do, once reachable
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
            status = schema_status(connection)
    except DBAPIError as error:
        log.warning("readiness: database unavailable: %s", type(error.orig).__name__)
        return _unavailable(
            error_response(503, "the database does not answer", database="unavailable")
        )
    _record(current_app, status)
    if status.state is not SchemaState.CURRENT:
        return _unavailable(
            error_response(503, status.detail, database="ok", schema=status.as_json())
        )
    return _no_store(jsonify(status="ready", database="ok", schema=status.as_json()))


def refuse_on_a_foreign_schema():
    """Before every API request: a 503 unless the schema is current (no database call
    unless the last look is older than `SCHEMA_RECHECK_SECONDS`)."""
    if request.blueprint != "api":
        return None
    status = _schema_now(current_app)
    if status.state is SchemaState.CURRENT:
        return None
    return _unavailable(
        error_response(
            503,
            f"not serving: the database schema is {status.state.value}: {status.detail}",
            schema=status.state.value,
        )
    )


def _schema_now(app: Flask) -> SchemaStatus:
    if time.monotonic() - app.extensions.get(_CHECKED_AT, 0.0) < SCHEMA_RECHECK_SECONDS:
        return app.extensions[_STATUS]
    if app.extensions[_STATUS].state is SchemaState.UNKNOWN:
        _record(app, ensure_schema_at_start(app))  # still unknown while the database is down
        return app.extensions[_STATUS]
    try:
        with get_engine().connect() as connection:
            _record(app, schema_status(connection))
    except DBAPIError:  # the request itself will meet the outage and answer 503
        app.extensions[_CHECKED_AT] = time.monotonic()
    return app.extensions[_STATUS]


def _record(app: Flask, status: SchemaStatus) -> None:
    app.extensions[_STATUS] = status
    app.extensions[_CHECKED_AT] = time.monotonic()


def init_app(app: Flask) -> None:
    app.extensions[_CHECKED_AT] = time.monotonic()  # db.init_app has just looked
    app.register_blueprint(health)
    app.before_request(refuse_on_a_foreign_schema)
