"""A check's outcome: PASS, FAIL or SKIP (nothing to check it with), and why."""

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    SKIP = "SKIP"


@dataclass(frozen=True)
class Verdict:
    """One rule's outcome; `reason` says in one sentence what was seen."""

    rule: str
    status: Status
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "verdict": self.status.value, "reason": self.reason}


def passed(rule: str, reason: str) -> Verdict:
    return Verdict(rule, Status.PASS, reason)


def failed(rule: str, reason: str) -> Verdict:
    return Verdict(rule, Status.FAIL, reason)


def skipped(rule: str, reason: str) -> Verdict:
    return Verdict(rule, Status.SKIP, reason)
