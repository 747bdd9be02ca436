"""Gunicorn server hooks for multi-process metrics; ``gunicorn.conf.py`` imports them.

Each worker writes its counts to files in ``PROMETHEUS_MULTIPROC_DIR`` and ``/metrics`` adds
them up, including those of workers that have since exited (a counter never goes down while
the server runs).  The folder is emptied when the server starts: a previous run's files would
otherwise be added to this run's counts.  Nothing here imports the application.
"""

import os
from pathlib import Path

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


def on_starting(server) -> None:
    folder = os.environ.get(MULTIPROCESS_DIR)
    if not folder:
        return
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()


def child_exit(server, worker) -> None:
    if os.environ.get(MULTIPROCESS_DIR):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
