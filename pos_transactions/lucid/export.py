"""Fetching LucidRetail's Package-UID export: poll until it is ready, then download it.

LucidRetail builds the export once a day and may take up to 30 minutes; until it is ready
the endpoint answers 202.  We ask again after at most 5 s, back off to at most 60 s
between polls, and poll one last time at the deadline before giving up.  The 200 answer
is a pre-signed CDN URL: the file is streamed to a temporary file (it can be large),
without our Authorization header; if the CDN refuses the URL (it expired) we ask for a
fresh one once.  Only a complete, well-formed file becomes registry rows: the caller
replaces the registry with them in one transaction (`registry.replace_registry`).
"""

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..lucid_id import InvalidLucidID, normalise_lucid_id
from .client import LucidRetailClient, LucidRetailError, expect, json_of, lucidretail_words
from .registry import RegistryRow

EXPORT_PATH = "/api/v1.2/package-uids-export/"
EXPORT_CALL = f"package-uids-export (GET {EXPORT_PATH})"
DOWNLOAD_CALL = "package-uids-export download (GET of the pre-signed URL)"

# What each documented refusal means for whoever runs the sync.
REFUSALS = {
    400: "The export date is in the future: LucidRetail only has exports of past days",
    404: "The Package-UID export is not available for that day (not produced, or expired)",
    422: "LucidRetail failed to produce the Package-UID export; ask your LucidGreen contact",
    428: "These API credentials are not associated with a dispensary, or the dispensary "
    "does not have the Package-UID export enabled; ask your LucidGreen contact",
}

Progress = Callable[[str], None]


@dataclass(frozen=True)
class PollSchedule:
    """When to ask again while the export is processing (seconds).  The defaults are the
    documented worst case: 30 minutes."""

    deadline: float = 1800.0
    first_delay: float = 5.0
    max_delay: float = 60.0
    growth: float = 2.0


@dataclass(frozen=True)
class ExportContents:
    rows: list[RegistryRow]
    packages: int
    cases: int
    lucid_ids: int


class MalformedExport(ValueError):
    """The downloaded file is not the documented package -> case -> LucidIDs mapping."""


def next_wait(schedule: PollSchedule, delay: float, elapsed: float) -> float | None:
    """Seconds to wait before the next poll, or None once the deadline has been reached.

    The wait never overshoots the deadline, so the last poll happens at the deadline.
    """
    remaining = schedule.deadline - elapsed
    if remaining <= 0:
        return None
    return min(delay, remaining)


def grown_delay(schedule: PollSchedule, delay: float) -> float:
    return min(delay * schedule.growth, schedule.max_delay)


def request_export_url(
    client: LucidRetailClient,
    export_date: date | None,
    schedule: PollSchedule,
    progress: Progress,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> str:
    """Poll the export endpoint until it gives the file's URL; `LucidRetailError` otherwise."""
    params = {"export_date": export_date.isoformat()} if export_date else None
    started = clock()
    delay = min(schedule.first_delay, schedule.max_delay)
    while True:
        response = client.request(EXPORT_CALL, "GET", EXPORT_PATH, params=params)
        if response.status_code in REFUSALS:
            raise LucidRetailError(
                EXPORT_CALL,
                response.status_code,
                lucidretail_words(response.content),
                meaning=REFUSALS[response.status_code],
            )
        if response.status_code != 202:
            answer = json_of(expect(response, EXPORT_CALL, 200), EXPORT_CALL)
            if not isinstance(answer, dict) or not isinstance(answer.get("export_url"), str):
                raise LucidRetailError(EXPORT_CALL, 200, "the answer holds no export_url")
            return answer["export_url"]
        elapsed = clock() - started
        wait = next_wait(schedule, delay, elapsed)
        if wait is None:
            raise LucidRetailError(
                EXPORT_CALL,
                202,
                lucidretail_words(response.content),
                meaning=f"The export was still processing after {elapsed:.0f} s (the deadline); "
                "try again later or with a longer --deadline",
            )
        progress(f"Export still processing after {elapsed:.0f} s; asking again in {wait:.0f} s")
        sleep(wait)
        delay = grown_delay(schedule, delay)


def download_export(client: LucidRetailClient, url: str) -> Any:
    """The export file's JSON, streamed through a temporary file."""
    with tempfile.TemporaryFile() as spool:
        client.download(DOWNLOAD_CALL, url, spool)
        spool.seek(0)
        try:
            return json.load(spool)
        except ValueError as error:
            raise MalformedExport(f"the export file is not valid JSON: {error}") from None


def fetch_export(
    client: LucidRetailClient,
    export_date: date | None,
    schedule: PollSchedule,
    progress: Progress,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> ExportContents:
    """Ask for, download and check the export; nothing is stored here."""
    url = request_export_url(client, export_date, schedule, progress, sleep, clock)
    try:
        data = download_export(client, url)
    except LucidRetailError as error:
        if error.status is None or not 400 <= error.status < 500:
            raise
        progress(f"The CDN refused the export URL (HTTP {error.status}); asking for a fresh one")
        url = request_export_url(client, export_date, schedule, progress, sleep, clock)
        data = download_export(client, url)
    return parse_export(data)


def parse_export(data: Any) -> ExportContents:
    """Check the documented shape and flatten it into registry rows (LucidIDs normalised,
    repeats dropped); MalformedExport names the first few problems."""
    if not isinstance(data, dict):
        raise MalformedExport("the export file must be a JSON object of Package UIDs")
    problems: list[str] = []
    rows: dict[RegistryRow, None] = {}
    cases = 0
    for package_uid, package_cases in data.items():
        if not package_uid or len(package_uid) > 200:
            problems.append(f"Package UID {package_uid[:40]!r} is empty or too long")
            continue
        if not isinstance(package_cases, dict):
            problems.append(f"package {package_uid}: must map CaseIDs to lists of LucidIDs")
            continue
        cases += len(package_cases)
        for case_id, lucid_ids in package_cases.items():
            where = f"package {package_uid}, case {case_id[:64]}"
            if not case_id or len(case_id) > 64:
                problems.append(f"{where}: the CaseID is empty or too long")
            elif not isinstance(lucid_ids, list):
                problems.append(f"{where}: must hold a list of LucidIDs")
            else:
                for value in lucid_ids:
                    try:
                        rows[RegistryRow(package_uid, case_id, normalise_lucid_id(value))] = None
                    except InvalidLucidID as error:
                        problems.append(f"{where}: {error}")
    if problems:
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise MalformedExport(f"the export file is malformed: {shown}{more}")
    return ExportContents(
        rows=list(rows),
        packages=len(data),
        cases=cases,
        lucid_ids=len({row.lucid_id for row in rows}),
    )
