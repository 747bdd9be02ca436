"""One JSON error shape for every error: ``{"error": message, "status": code, ...}``."""

import logging

from flask import Blueprint, Flask, jsonify
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

errors = Blueprint("errors", __name__)
log = logging.getLogger(__name__)


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


@errors.app_errorhandler(OperationalError)
def database_unavailable(error: OperationalError):
    log.error("database unavailable: %s", type(error.orig).__name__)
    return error_response(503, "The service's database is unavailable; try again shortly.")


@errors.app_errorhandler(Exception)
def unexpected_error(error: Exception):
    """Log the trace for us; tell the client only that it failed."""
    log.exception("unhandled error")
    return error_response(500, InternalServerError.description)


def init_app(app: Flask) -> None:
    app.register_blueprint(errors)
