"""The checklist: one line per rule for people, one JSON document for machines, an exit status.

Exit 0 only when every check passed.  A SKIP (nothing to check the rule with, e.g. a 3PP
with no transactions in the last 30 days) is not a pass: it makes the exit status 1 unless
the caller allows skips (``--allow-skip``), because an unchecked rule proves nothing.
"""

from .verdict import Status, Verdict


def checklist_lines(verdicts: list[Verdict]) -> list[str]:
    width = max((len(verdict.rule) for verdict in verdicts), default=0)
    return [f"{v.status.value}  {v.rule.ljust(width)}  {v.reason}" for v in verdicts]


def is_conformant(verdicts: list[Verdict], allow_skip: bool = False) -> bool:
    allowed = {Status.PASS, Status.SKIP} if allow_skip else {Status.PASS}
    return all(verdict.status in allowed for verdict in verdicts)


_PAST = {Status.PASS: "passed", Status.FAIL: "failed", Status.SKIP: "skipped"}


def summary_line(verdicts: list[Verdict]) -> str:
    """ "7 passed, 1 failed, 1 skipped"."""
    return ", ".join(
        f"{sum(v.status is status for v in verdicts)} {_PAST[status]}" for status in Status
    )


def json_document(verdicts: list[Verdict], allow_skip: bool = False) -> dict:
    return {
        "conformant": is_conformant(verdicts, allow_skip),
        "checks": [verdict.as_dict() for verdict in verdicts],
    }
