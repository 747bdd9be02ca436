"""Response hardening, in one place for every response the application makes.

- ``X-Content-Type-Options: nosniff`` and ``Cache-Control: no-store`` on everything: every
  answer is a feed (customer pseudonyms), a push summary or an error, none of which any
  cache should keep.
- ``Retry-After`` on every 503 that does not say otherwise.
- No redirect is ever built from the ``Host`` header: the URL map neither merges slashes nor
  adds or strips a trailing one, so an odd path is a JSON 404 instead of a 308.
- ``OPTIONS`` is answered as JSON (the allowed methods, also in ``Allow``) without
  authentication; ``HEAD`` stays Flask's: the ``GET`` view, authenticated, without a body.
"""

from flask import Flask, current_app, jsonify, request
from werkzeug.wrappers import Response

from .errors import RETRY_AFTER_SECONDS


def harden(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    if response.status_code == 503 and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def answer_options() -> Response | None:
    """Flask's automatic OPTIONS answer, as JSON; None lets every other request through."""
    rule = request.url_rule
    if request.method != "OPTIONS" or rule is None or not rule.provide_automatic_options:
        return None
    allowed = sorted(current_app.make_default_options_response().allow)
    response = jsonify({"allow": allowed})
    response.headers["Allow"] = ", ".join(allowed)
    return response


def init_app(app: Flask) -> None:
    """Call before any blueprint is registered: rules take the map's slash settings when
    they are added."""
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.before_request(answer_options)
    app.after_request(harden)
