"""Writes no request should wait for: queued in the process, written by a thread.

What a request learns in passing — that a credential was used, that LucidRetail polled —
is for a person reading it later, not a reason to hold up or fail the request.  Each
`DeferredWrites` is an in-process queue; a background thread writes what has queued up
about once a second, `BATCH_SIZE` entries a transaction, so a request costs an append to a
queue.  A write that fails is logged and its entries dropped.  Each gunicorn worker has its
own queue and thread, started after the fork by its first entry and ended after
`IDLE_EXIT` seconds without one.
"""

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from .db import make_engine

log = logging.getLogger(__name__)
FLUSH_INTERVAL = 1.0  # seconds between writes at most
BATCH_SIZE = 200  # entries per transaction
IDLE_EXIT = 30.0  # seconds without an entry before the thread ends (the next starts it)

Entry = TypeVar("Entry")


def unpooled(engine: Engine) -> Engine:
    """An engine like `engine` that keeps no connection open between writes: the writer
    runs about once a second at most, and a pooled connection would outlive the
    application's own engine (disposed at shutdown) on the writer's thread."""
    return make_engine(engine.url.render_as_string(hide_password=False), poolclass=NullPool)


class DeferredWrites(Generic[Entry]):
    """The queue of one process for one kind of entry, and the thread that empties it:
    `write(connection, entries)` writes a batch inside a transaction."""

    def __init__(
        self, engine: Engine, write: Callable[[Connection, list[Entry]], None], name: str
    ) -> None:
        self.engine = unpooled(engine)
        self.write_batch = write
        self.name = name
        self.entries: queue.SimpleQueue[Entry] = queue.SimpleQueue()
        self.waiting = threading.Event()  # set when an entry is queued
        self.lock = threading.Lock()  # guards `thread`
        self.writing = threading.Lock()  # held from draining the queue to its rows' commit
        self.thread: threading.Thread | None = None

    def add(self, entry: Entry) -> None:
        self.entries.put(entry)
        if not self.waiting.is_set():  # the cheap checks first: this runs once per request
            self.waiting.set()
        thread = self.thread
        if thread is not None and thread.is_alive():
            return
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self.thread.start()

    def _run(self) -> None:
        while True:
            if not self.waiting.wait(IDLE_EXIT):
                with self.lock:  # cleared before the look, so `add` sees one or the other
                    self.thread = None
                    if self.entries.empty():
                        return
                    self.thread = threading.current_thread()
                continue
            time.sleep(FLUSH_INTERVAL)  # let a second's entries gather into one write
            self.waiting.clear()
            self.flush()

    def _drain(self) -> list[Entry]:
        drained = []
        while True:
            try:
                drained.append(self.entries.get_nowait())
            except queue.Empty:
                return drained

    def flush(self) -> None:
        """Write what is queued.  Readers call it too, so that once it returns every entry
        this process queued is in the database."""
        with self.writing:
            batch = self._drain()
            for first in range(0, len(batch), BATCH_SIZE):
                self.write(batch[first : first + BATCH_SIZE])

    def write(self, batch: list[Entry]) -> None:
        try:
            with self.engine.begin() as connection:
                self.write_batch(connection, batch)
        except SQLAlchemyError as error:
            log.info("%d %s entries not written (%s)", len(batch), self.name, type(error).__name__)
        except Exception:  # never let the thread die on an entry: it serves every request
            log.exception("%s failed", self.name)
