"""Memory on every window (issue 12): a store with ~40,000 reported transactions a day,
windows of 1, 2, 4, 7 and 30 whole days (UTC midnight to midnight, so the service's
whole-day path serves them), each on a fresh server, asked for twice: cold, then warm."""

from datetime import date, datetime, time, timedelta

from benchmarks.build import new_token
from benchmarks.report import Report
from benchmarks.serving import feed_path, get, serve_service, token_header, transaction_count
from benchmarks.sizes import DAYS_STORE, MEMORY_WINDOW_DAYS, Sizes

MEMORY_GOAL_MIB = 100


def whole_days(end: date, days: int) -> tuple[datetime, datetime]:
    """The `days` UTC days before `end`: from a midnight to `end`'s midnight, inclusive."""
    return datetime.combine(end - timedelta(days=days), time()), datetime.combine(end, time())


def measure_window_memory(report: Report, sizes: Sizes, urls: dict[str, str], end: date) -> None:
    for name, url in urls.items():
        token = new_token(url, DAYS_STORE)
        for days in MEMORY_WINDOW_DAYS:
            path = feed_path(whole_days(end, days))
            with serve_service(url) as server:
                booted = server.reset_peaks()
                idle = server.peak_rss_mib()
                measured = []
                for _ in ("cold", "warm"):
                    seconds, status, body = get(server.port, path, token_header(token))
                    if not 200 <= status < 300:
                        raise RuntimeError(f"{name}: {days} days answered {status}")
                    measured.append((server.peak_rss_mib(), transaction_count(body) / seconds))
            (cold_peak, cold_rate), (warm_peak, warm_rate) = measured
            per_day = transaction_count(body) / days
            report.add(
                f"2 memory, {name}, {days} whole day{'s' if days > 1 else ''} of "
                f"{per_day:,.0f} reported tx/day ({len(body) / 2**20:,.0f} MiB body)",
                f"worker peak RSS cold {cold_peak:.0f} MiB, warm {warm_peak:.0f} MiB "
                f"(idle {idle:.0f}, start-up {booted:.0f}); "
                f"{cold_rate:,.0f} / {warm_rate:,.0f} tx/s",
                f"< {MEMORY_GOAL_MIB} MiB",
                max(cold_peak, warm_peak) < MEMORY_GOAL_MIB,
            )
