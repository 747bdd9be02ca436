"""Serving with gunicorn from inside the CLI (``pos-transactions demo``).

Each worker builds its own application after the fork, so no database connection is
shared between processes (that matters for SQLite).
"""

import errno
import gc
import os
import socket

from gunicorn.app.base import BaseApplication

from .gunicorn_settings import SETTINGS


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from . import create_app

        app = create_app()
        gc.freeze()  # as wsgi.py does: long-lived objects out of full collections
        return app


def port_problem(host: str, port: int) -> str | None:
    """Why `host`:`port` cannot be listened on (a port already in use, a host that is not
    this machine's), or None when it can.

    It binds a socket the way gunicorn will (``SO_REUSEADDR``, so a port that only has
    connections closing in TIME_WAIT is free) and closes it at once, so that ``demo``
    can say so before it loads or prints anything for a server that would not start.
    """
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            return f"port {port} on {host} is already in use"
        return f"cannot listen on {host}:{port} ({error.strerror or error})"
    return None


def serve(database_url: str, bind: str, workers: int) -> None:
    """Serve the API on `bind` until interrupted."""
    os.environ["DATABASE_URL"] = database_url
    options = {
        **SETTINGS,
        "bind": bind,
        "workers": workers,
        "accesslog": "-",
        "control_socket_disable": True,
    }
    _Gunicorn(options).run()
