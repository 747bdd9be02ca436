"""Serving with gunicorn from inside the CLI (``pos-transactions demo``).

Each worker builds its own application after the fork, so no database connection is
shared between processes (that matters for SQLite).
"""

import gc
import os

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
