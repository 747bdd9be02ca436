"""Retrying a write that lost a race with another writer, a bounded number of times.

Two pushes of the same sales at once are expected (a POS re-sends while its first send is
still in flight) and must both succeed.  `sales.write_sales` never raises on such a race by
itself, but PostgreSQL may still end one of two transactions that wait on each other
(deadlock, SQLSTATE 40P01) or fail to serialise them (40001), and a unique violation can in
principle still surface from a race.  Each is worth another attempt, on a fresh transaction,
after a short random pause; after `ATTEMPTS` the write gives up with `WriteContention`, an
`OperationalError`, which the service answers with 503 (try again shortly).

A SQLite write that waited its whole busy timeout for another writer (a bulk load holding
the lock) is not retried: it has already waited the documented budget.  It is logged as
"database busy" and answered 503 as well.

Use it around the whole transaction::

    for attempt in write_attempts():
        with attempt, new_session() as session, session.begin():
            ...
"""

import logging
from collections.abc import Iterator

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from tenacity import (
    AttemptManager,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

log = logging.getLogger(__name__)
ATTEMPTS = 3
RETRIED_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure
UNIQUE_VIOLATION = "23505"
PAUSE = wait_random_exponential(multiplier=0.05, max=0.5)  # random: racers drift apart


class WriteContention(OperationalError):
    """A write that still lost its race to other writers after every attempt."""


def is_lost_race(error: BaseException) -> bool:
    """Whether `error` ended a transaction only because another one ran beside it."""
    if not isinstance(error, DBAPIError):
        return False
    sqlstate = getattr(error.orig, "sqlstate", None)
    if isinstance(error, IntegrityError):
        return sqlstate == UNIQUE_VIOLATION or "UNIQUE constraint failed" in str(error.orig)
    return sqlstate in RETRIED_SQLSTATES


def is_sqlite_busy(error: BaseException) -> bool:
    """Whether `error` is SQLite giving up waiting for another writer's lock."""
    return isinstance(error, OperationalError) and "database is locked" in str(error.orig)


def write_attempts(attempts: int = ATTEMPTS) -> Iterator[AttemptManager]:
    """Attempts at one write transaction, each a context manager (see the module doc)."""
    retrying = Retrying(
        stop=stop_after_attempt(attempts),
        wait=PAUSE,
        retry=retry_if_exception(is_lost_race),
        before_sleep=_log_retry,
        retry_error_callback=_give_up,
    )
    try:
        yield from retrying
    except OperationalError as error:
        if is_sqlite_busy(error):
            log.warning("database busy (locked by another writer); the write gave up waiting")
        raise


def _log_retry(state: RetryCallState) -> None:
    error = state.outcome.exception()
    log.info("write lost a race (%s); attempt %d", _kind(error), state.attempt_number + 1)


def _give_up(state: RetryCallState) -> None:
    error = state.outcome.exception()
    log.warning("write lost its race %d times (%s)", state.attempt_number, _kind(error))
    raise WriteContention(error.statement, None, error.orig) from error


def _kind(error: BaseException) -> str:
    return type(getattr(error, "orig", error)).__name__
