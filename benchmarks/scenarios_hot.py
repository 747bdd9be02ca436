"""The issue-4 measurements: one big window, and one busy store polled again and again."""

import json
from pathlib import Path

from benchmarks.build import new_token, window_bounds
from benchmarks.report import Report
from benchmarks.serving import (
    FEED_PATH,
    ROOT,
    feed_path,
    get,
    median_get,
    reference_path,
    run_wrk,
    serve,
    serve_service,
    token_header,
)
from benchmarks.sizes import BUSY, WINDOW_STORE, Sizes


def measure_throughput(
    report: Report, sizes: Sizes, urls: dict[str, str], reference_db: Path
) -> None:
    """Target 1 (and 5): the ~100k window through gunicorn, beside the reference."""
    window = window_bounds(urls["SQLite"], WINDOW_STORE, sizes.throughput_transactions)
    count = sizes.throughput_transactions
    reference_env = {"REFERENCE_DATABASE": str(reference_db)}
    with serve("benchmarks.reference:app", reference_env, ROOT) as server:
        reference_seconds, reference_body = median_get(
            server.port, reference_path(WINDOW_STORE, window), {}, sizes.runs
        )
    reference_rate = count / reference_seconds
    report.add(
        f"reference: one SQLite statement builds the JSON, {count:,} tx window",
        f"{reference_rate:,.0f} tx/s ({reference_seconds * 1000:.0f} ms)",
        "baseline",
        None,
    )
    for name, url in urls.items():
        token = new_token(url, WINDOW_STORE)
        with serve_service(url) as server:
            seconds, body = median_get(
                server.port, feed_path(window), token_header(token), sizes.runs
            )
        if len(json.loads(body)) != count:
            raise RuntimeError(f"{name}: the window did not hold {count} transactions")
        identical = "identical bytes" if body == reference_body else "BYTES DIFFER"
        ratio = reference_seconds / seconds
        report.add(
            f"1/5 throughput, {name}, {count:,} tx window via gunicorn",
            f"{count / seconds:,.0f} tx/s ({seconds * 1000:.0f} ms), "
            f"{ratio:.1f}x reference, {identical}",
            ">= 1x reference, goal 4x",
            ratio >= 1 and body == reference_body,
        )


def measure_memory(report: Report, sizes: Sizes, urls: dict[str, str]) -> None:
    """Target 2: peak RSS of the worker that served the big window (streamed rows)."""
    window = window_bounds(urls["SQLite"], WINDOW_STORE, sizes.memory_transactions)
    for name, url in urls.items():
        token = new_token(url, WINDOW_STORE)
        with serve_service(url) as server:
            booted = server.reset_peaks()
            idle = server.peak_rss_mib()
            elapsed, status, body = get(server.port, feed_path(window), token_header(token))
            peak = server.peak_rss_mib()
        if not 200 <= status < 300 or not body.startswith(b"[{"):
            raise RuntimeError(f"{name}: the big window answered {status}")
        report.add(
            f"2 memory, {name}, {sizes.memory_transactions:,} tx window "
            f"({len(body) / 2**20:,.0f} MiB body)",
            f"worker peak RSS {peak:.0f} MiB (idle {idle:.0f}, start-up {booted:.0f}), "
            f"{sizes.memory_transactions / elapsed:,.0f} tx/s",
            "< 100 MiB",
            peak < 100,
        )


def measure_latency(report: Report, sizes: Sizes, urls: dict[str, str]) -> None:
    """Target 3, hot: wrk repeating the busy store's default window (a day the workers keep)."""
    for name, url in urls.items():
        token = new_token(url, BUSY)
        with serve_service(url) as server:
            _, body = median_get(server.port, FEED_PATH, token_header(token), 1)
            found = run_wrk(server.port, FEED_PATH, token, sizes.wrk_seconds)
        report.add(
            f"3 latency (hot), {name}, busy store's default window, "
            f"{sizes.busy_sales_yesterday:,} sales ({len(json.loads(body)):,} tx), "
            f"wrk 2 connections {sizes.wrk_seconds}s",
            f"{found['rps']:,.0f} req/s, p50 {found['p50']:.1f} ms, "
            f"p99 {found['p99']:.1f} ms, non-2xx {found['non_2xx']:.0f}",
            ">= 400 req/s, p99 < 20 ms",
            found["rps"] >= 400 and found["p99"] < 20 and not found["non_2xx"],
        )


def measure_scale(
    report: Report, sizes: Sizes, small_url: str, large_url: str, small_sales: int, large_sales: int
) -> None:
    """Target 4 (SQLite): the busy store's default window on the small and the large database."""
    medians = []
    for url in (small_url, large_url):
        token = new_token(url, BUSY)
        with serve_service(url) as server:
            seconds, _ = median_get(server.port, FEED_PATH, token_header(token), sizes.runs * 10)
        medians.append(seconds)
    small, large = medians
    report.add(
        f"4 scale, SQLite, default window: {large_sales:,} vs {small_sales:,} sales",
        f"{large * 1000:.1f} ms vs {small * 1000:.1f} ms = {large / small:.2f}x",
        "<= 1.5x",
        large / small <= 1.5,
    )
