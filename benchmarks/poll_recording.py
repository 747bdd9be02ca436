"""What the integration page costs a poll: the one-day default poll of a busy store,
in process (Flask's test client, SQLite), with and without the page's per-request hooks
(the poll recorder, CSRF's and the session key's before-request checks), interleaved,
as CPU time of the request thread (the recorder's writer thread runs beside it).

    .venv/bin/python benchmarks/poll_recording.py
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import load_sales, synthetic_sales, today_utc  # noqa: E402
from pos_transactions import create_app  # noqa: E402
from pos_transactions.credentials import create_credential  # noqa: E402
from pos_transactions.db import make_engine, new_session  # noqa: E402
from pos_transactions.web.polls import record_feed_poll, recorder_of  # noqa: E402

POLLS, ROUNDS, SALES = 100, 10, 1718
WEB_HOOKS = ("pos_transactions.web.views", "flask_wtf.csrf")


def make(url: str, recording: bool):
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    if not recording:
        app.after_request_funcs[None].remove(record_feed_poll)
        hooks = app.before_request_funcs[None]
        app.before_request_funcs[None] = [f for f in hooks if f.__module__ not in WEB_HOOKS]
    return app


def main() -> None:
    url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    load_sales(make_engine(url), "busy-store", synthetic_sales("busy", SALES, today_utc(), 1))
    apps = {"without": make(url, False), "with": make(url, True)}
    with apps["with"].app_context(), new_session() as session, session.begin():
        headers = {"Authorization": f"Token {create_credential(session, 'busy-store').secret}"}
    clients = {name: app.test_client() for name, app in apps.items()}
    for client in clients.values():  # warm up: caches, the day's document
        for _ in range(50):
            assert client.get("/api/v1/transactions/", headers=headers).status_code == 201
    times: dict[str, list[float]] = {name: [] for name in clients}
    for _ in range(ROUNDS):
        for name, client in clients.items():
            started = time.thread_time()
            for _ in range(POLLS):
                client.get("/api/v1/transactions/", headers=headers)
            times[name].append((time.thread_time() - started) / POLLS * 1e6)
    recorder_of(apps["with"]).flush()
    served = len(clients["with"].get("/api/v1/transactions/", headers=headers).json)
    print(f"one-day default poll, {served} transactions; request-thread CPU per poll:")
    for name, values in times.items():
        print(f"  {name:>7} the page's hooks: median {statistics.median(values):.0f} µs "
              f"(rounds {min(values):.0f}-{max(values):.0f})")


if __name__ == "__main__":
    main()
