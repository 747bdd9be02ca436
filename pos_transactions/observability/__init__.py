"""What an operator watches: a JSON line per request (with a request id) and Prometheus metrics.

Both hook the application from outside the views (before/after request and the response's
close), so the feed's hot path gains only a few counter increments and one log line.  The
submodules are imported by `init_app`, not here, so that gunicorn's configuration can import
`gunicorn_hooks` without loading the application's metrics in the master process.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from . import exchange, metrics, metrics_view, request_log

    request_log.init_app(app)
    metrics_view.init_app(app)
    exchange.init_app(app, [request_log.log_exchange, metrics.observe])
