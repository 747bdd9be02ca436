"""Which version of a sale wins: a re-sent old record must never undo a newer one.

A POS re-sends records (a store loaded again, a push retried, a back-fill); each record may
say when the POS last changed it (`modified_at`).  The rules, for a record whose content
differs from what is stored:

- a void is final: a record that would turn a stored voided sale into anything else is
  stale, whatever its `modified_at` (Square CANCELED, Shopify cancelled and Dutchie void
  are terminal in their own systems, so such a record can only be an old copy);
- when both carry `modified_at`, the newer one wins: an older record is stale, and an
  equal one is a conflict (two versions of the same moment: the record is invalid);
- when either lacks it, the record arriving later wins (the behaviour before versions).
"""

from datetime import datetime
from enum import StrEnum

from .canonical import SaleStatus


class Outcome(StrEnum):
    UNCHANGED = "unchanged"  # same content: nothing to write
    UPDATE = "update"  # the record replaces the stored version
    STALE = "stale"  # an older (or un-voiding) copy: skipped and counted
    CONFLICT = "conflict"  # same modified_at, different content: an invalid record


def outcome(
    stored_status: str,
    stored_modified_at: datetime | None,
    same_content: bool,
    status: str,
    modified_at: datetime | None,
) -> Outcome:
    """What writing a record over its stored version does.  Times are comparable (both naive
    UTC, as stored); statuses are `SaleStatus` values."""
    if same_content:
        return Outcome.UNCHANGED
    if stored_status == SaleStatus.VOIDED and status != SaleStatus.VOIDED:
        return Outcome.STALE
    if stored_modified_at is None or modified_at is None:
        return Outcome.UPDATE
    if modified_at < stored_modified_at:
        return Outcome.STALE
    if modified_at == stored_modified_at:
        return Outcome.CONFLICT
    return Outcome.UPDATE


def conflict_reason(modified_at: datetime) -> str:
    """Why a conflicting record is invalid, in the words an operator reads."""
    return (
        f"modified_at {modified_at.isoformat()}Z is the stored version's, but the content "
        "differs: two versions of one moment (the POS must advance modified_at on a change)"
    )


class VersionConflicts(ValueError):
    """Records that contradict their stored version at the same `modified_at`; nothing of
    the write may be kept.  `records` maps each native id to its reason."""

    def __init__(self, records: dict[str, str]) -> None:
        self.records = records
        super().__init__("; ".join(f"{name}: {reason}" for name, reason in records.items()))
