"""One JSON error shape for every error: ``{"error": message, "status": code, ...}``."""

import logging

from flask import Blueprint, Flask, jsonify
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

errors = Blueprint("errors", __name__)
log = logging.getLogger(__name__)

# What a 503 tells the client to wait (the hardening hook puts it on every 503).
RETRY_AFTER_SECONDS = 5
# PostgreSQL states that mean "another transaction was in the way", not "the server is gone":
# lock not available (lock_timeout), deadlock detected, serialization failure.
_BUSY_SQLSTATES = frozenset({"55P03", "40P01", "40001"})


def error_response(status: int, message: str, **details):
    response = jsonify({"error": message, "status": status, **details})
    response.status_code = status
    return response


@errors.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    response = error_response(error.code or 500, error.description or error.name)
    if error.code == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def database_was_busy(error: OperationalError) -> bool:
    """Whether the database refused because of other transactions' locks (SQLite's
    "database is locked" after its busy timeout, PostgreSQL's lock and deadlock states)
    rather than being unreachable: the log says which, so a busy database is not taken for
    a dead one."""
    if getattr(error.orig, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    return "locked" in str(error.orig).lower()


@errors.app_errorhandler(OperationalError)
def database_unavailable(error: OperationalError):
    if database_was_busy(error):
        reason = str(error.orig).splitlines()[0] if str(error.orig) else ""
        log.warning("database busy: %s (%s)", type(error.orig).__name__, reason)
        message = "The service's database is busy; try again shortly."
    else:
        log.error("database unavailable: %s", type(error.orig).__name__)
        message = "The service's database is unavailable; try again shortly."
    response = error_response(503, message)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@errors.app_errorhandler(Exception)
def unexpected_error(error: Exception):
    """Log the trace for us; tell the client only that it failed."""
    log.exception("unhandled error")
    return error_response(500, InternalServerError.description)


def init_app(app: Flask) -> None:
    app.register_blueprint(errors)
