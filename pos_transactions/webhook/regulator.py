"""The METRC id of each received item, by the rule of LucidGreen's Getting Started page.

"If there is only 1 entry in regulator_ids, select the identifier field and use it as the
regulator (METRC) ID for the case."  With several, "for each item, using the
regulator_id_uuids list, find the newest regulator_id entry (based on its added_on field)
and extract the identifier field."  Pure functions, so the rule is tested by a table.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class RegulatorEntry:
    """One entry of a case's ``regulator_ids``: its uuid (what items name), the METRC
    identifier, and when it was added (None when the document did not say)."""

    uuid: str | None
    identifier: str
    added_on: datetime | None


def parse_added_on(value: str) -> datetime:
    """An ISO-8601 ``added_on`` as an aware UTC moment (no offset is read as UTC), so
    entries with and without offsets compare; ValueError when it is not ISO-8601 or lies
    outside the calendar once in UTC (``0001-01-01T00:00+05:00``)."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("outside the calendar in UTC") from None


def newest(entries: Sequence[RegulatorEntry]) -> RegulatorEntry | None:
    """The entry added last; one without ``added_on`` counts as oldest, and of equal times
    the later in the list wins (LucidGreen lists regulator ids in chronological order)."""
    if not entries:
        return None
    earliest = datetime.min.replace(tzinfo=UTC)
    ranked = sorted(enumerate(entries), key=lambda pair: (pair[1].added_on or earliest, pair[0]))
    return ranked[-1][1]


def item_metrc_id(
    entries: Sequence[RegulatorEntry], named_uuids: Sequence[str]
) -> str | None:
    """The current METRC id of an item: the one entry's identifier when the case has one;
    otherwise the newest of the entries the item's ``regulator_id_uuids`` name (None when it
    names none that the case lists)."""
    if len(entries) == 1:
        return entries[0].identifier
    named = set(named_uuids)
    chosen = newest([entry for entry in entries if entry.uuid is not None and entry.uuid in named])
    return chosen.identifier if chosen else None
