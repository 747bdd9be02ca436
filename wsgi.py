"""The WSGI entry point: ``gunicorn wsgi:app``."""

import gc

from pos_transactions import create_app

app = create_app()
# Everything made so far lives as long as the process: keep it out of the garbage
# collector's full passes, whose ~50 ms pauses were the feed's p99 (benchmarks/README.md).
gc.freeze()
