"""The gunicorn settings every way of serving shares: ``gunicorn wsgi:app`` run in the
repository reads them through its ``gunicorn.conf.py``, ``pos-transactions demo`` through
`server.py`, and anywhere else ``gunicorn -c python:pos_transactions.gunicorn_settings``
reads this module itself (gunicorn takes its module-level names), so an installed wheel has
them too.

Request limits: gunicorn refuses what exceeds them before the application sees it (414 for
the request line, 431 for a header, 400 for too many), with an HTML body gunicorn writes
itself and offers no setting to change.  They are far above every legal request: the
longest feed URL (both window parameters, microseconds and offsets, in either spelling) is
under 200 characters, an ``Authorization: Token`` header under 60.

Access log: gunicorn's default format but without ``%(u)s`` (the Basic username it would
decode from the ``Authorization`` header), the query string (a one-time password link's
token travels there) and the referrer; no header and no body is logged, so no credential.

Hooks: with ``PROMETHEUS_MULTIPROC_DIR`` set, every worker's metrics are added up
(`observability.gunicorn_hooks`).
"""

from .observability.gunicorn_hooks import child_exit, on_starting

limit_request_line = 4094
limit_request_field_size = 8190
limit_request_fields = 100
access_log_format = '%(h)s %(l)s - %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'

SETTINGS: dict = {
    "limit_request_line": limit_request_line,
    "limit_request_field_size": limit_request_field_size,
    "limit_request_fields": limit_request_fields,
    "access_log_format": access_log_format,
    "on_starting": on_starting,
    "child_exit": child_exit,
}
