"""``GET /metrics``: who may read it is configurable.

With ``POS_TRANSACTIONS_METRICS_TOKEN`` set, a scraper sends ``Authorization: Bearer <token>``
(compared in constant time) from anywhere; unset, only loopback clients may read it.
"""

import hmac
import os

from flask import Blueprint, Flask, Response, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST

from ..errors import error_response
from .metrics import exposition, is_loopback

TOKEN_VARIABLE = "POS_TRANSACTIONS_METRICS_TOKEN"
CHALLENGE = 'Bearer realm="metrics"'
metrics_view = Blueprint("metrics", __name__)


def bearer_matches(header: str | None, token: str) -> bool:
    scheme, _, given = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


@metrics_view.get("/metrics")
def metrics():
    """The service's counters in Prometheus' text format."""
    token = current_app.config["METRICS_TOKEN"]
    if token:
        if not bearer_matches(request.headers.get("Authorization"), token):
            response = error_response(401, "Send the metrics token as 'Authorization: Bearer'.")
            response.headers["WWW-Authenticate"] = CHALLENGE
            return response
    elif not is_loopback(request.remote_addr):
        return error_response(
            403, f"Metrics are open to loopback clients only; set {TOKEN_VARIABLE} to scrape."
        )
    return Response(
        exposition(), content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"}
    )


def init_app(app: Flask) -> None:
    app.config.setdefault("METRICS_TOKEN", os.environ.get(TOKEN_VARIABLE) or None)
    app.register_blueprint(metrics_view)
