"""Reading a Receive-Case document: what we keep of it, or every problem that stops us.

The shape follows LucidSource's documented collections and items (the webhook page's own
example is not public): a case has a ``uuid``, an ``identifier``, ``regulator_ids``,
``items`` (each a bare LucidID or an object with ``lucid_id`` or ``uuid``), sub-cases in
``cases``, and ``brands``, ``products`` and ``batches``.  Unknown fields are ignored
(LucidGreen adds fields); items with a ``removed_on`` left the case and are skipped.
Problems are collected, never raised one by one, under path-like keys ("items.3.lucid_id",
"cases.0.uuid"; positions count from 0), so one answer names all of them in LucidGreen's
own error style, ``{"field": ["message"]}``.  docs/lucidretail.md lists every field.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..bounds import is_safe_text
from ..lucid_id import InvalidLucidID, normalise_lucid_id
from .regulator import RegulatorEntry, item_metrc_id, parse_added_on

CATALOG_KINDS = {"brands": "brand", "products": "product", "batches": "batch"}
ITEM_CATALOG_FIELDS = ("brand_uuid", "product_uuid", "batch_uuid")
MAX_TEXT = 200  # an identifier or a name; as the columns that keep them
NOT_TEXT = f"must be text of at most {MAX_TEXT} characters, without control characters"
NOT_A_UUID = "must be a Lucid Green uuid (a 22-character base57 ShortUUID)"


class InvalidCase(ValueError):
    """The document cannot be stored; `problems` maps each path to its messages."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__(f"{sum(map(len, problems.values()))} problem(s) in the case document")
        self.problems = problems


@dataclass(frozen=True)
class ReceivedItem:
    lucid_id: str
    case_uuid: str  # the innermost case that holds it
    metrc_id: str | None
    brand_uuid: str | None = None
    product_uuid: str | None = None
    batch_uuid: str | None = None


@dataclass(frozen=True)
class ReceivedCase:
    uuid: str
    identifier: str | None
    parent_uuid: str | None
    regulator_ids: tuple[RegulatorEntry, ...]


@dataclass(frozen=True)
class CatalogEntry:
    kind: str  # brand, product or batch
    uuid: str
    name: str | None
    details: Mapping[str, Any]  # the entry as LucidRetail sent it


@dataclass(frozen=True)
class ParsedCase:
    cases: tuple[ReceivedCase, ...]  # the delivered case first, then its sub-cases
    items: tuple[ReceivedItem, ...]
    catalog: tuple[CatalogEntry, ...]
    ignored: tuple[str, ...]  # what was skipped without refusing the case, and why

    @property
    def root(self) -> ReceivedCase:
        return self.cases[0]

    @property
    def metrc_ids(self) -> list[str]:
        """The collected current METRC ids (Getting Started's "set"), sorted."""
        found = {item.metrc_id for item in self.items if item.metrc_id}
        if not self.items and len(self.root.regulator_ids) == 1:
            found.add(self.root.regulator_ids[0].identifier)
        return sorted(found)


def lucid_uuid(value: object) -> str:
    """A Lucid Green uuid (a case's, a brand's...): the bare ShortUUID or a hyphenated
    UUID, never a URL; ValueError naming what is expected."""
    if not isinstance(value, str) or "/" in value:
        raise ValueError(NOT_A_UUID)
    try:
        return normalise_lucid_id(value)
    except InvalidLucidID:
        raise ValueError(NOT_A_UUID) from None


def text_or_none(value: object) -> str | None:
    """A short text field (identifier, name); ValueError when it is not one."""
    if value is None:
        return None
    if not isinstance(value, str) or not is_safe_text(value, MAX_TEXT):
        raise ValueError(NOT_TEXT)
    return value


def item_lucid_id(item: object) -> tuple[str, object]:
    """Where an item's LucidID is (the key below the item's path, "" for a bare one) and
    the value found there; KeyError when an object item carries none."""
    if isinstance(item, Mapping):
        for key in ("lucid_id", "uuid"):
            if item.get(key) is not None:
                return key, item[key]
        raise KeyError("lucid_id")
    return "", item


def is_removed(item: object) -> bool:
    return isinstance(item, Mapping) and item.get("removed_on") not in (None, "")


@dataclass
class _Reader:
    problems: dict[str, list[str]] = field(default_factory=dict)
    cases: list[ReceivedCase] = field(default_factory=list)
    items: dict[str, tuple[int, ReceivedItem]] = field(default_factory=dict)  # by LucidID
    catalog: list[CatalogEntry] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def problem(self, path: str, message: str) -> None:
        self.problems.setdefault(path, []).append(message)

    def list_at(self, case: Mapping, key: str, path: str) -> Sequence:
        value = case.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path + key, "must be a list")
            return []
        return value

    def case(self, case: object, path: str, parent: str | None, inherited, depth: int) -> None:
        if not isinstance(case, Mapping):
            self.problem(path.rstrip(".") or "non_field_errors", "a case must be a JSON object")
            return
        try:
            uuid = lucid_uuid(case.get("uuid"))
        except ValueError as error:
            self.problem(path + "uuid", "required" if case.get("uuid") is None else str(error))
            uuid = None
        try:
            identifier = text_or_none(case.get("identifier"))
        except ValueError as error:
            self.problem(path + "identifier", str(error))
            identifier = None
        entries = tuple(self.regulator_entries(case, path)) or inherited
        if uuid is not None and any(known.uuid == uuid for known in self.cases):
            self.problem(path + "uuid", "this case appears more than once in the document")
        elif uuid is not None:
            self.cases.append(ReceivedCase(uuid, identifier, parent, entries))
        for key, kind in CATALOG_KINDS.items():
            for n, entry in enumerate(self.list_at(case, key, path)):
                self.catalog_entry(entry, kind, f"{path}{key}.{n}")
        for n, item in enumerate(self.list_at(case, "items", path)):
            self.item(item, f"{path}items.{n}", uuid, entries, depth)
        for n, sub_case in enumerate(self.list_at(case, "cases", path)):
            self.case(sub_case, f"{path}cases.{n}.", uuid, entries, depth + 1)

    def regulator_entries(self, case: Mapping, path: str):
        for n, entry in enumerate(self.list_at(case, "regulator_ids", path)):
            where = f"{path}regulator_ids.{n}"
            if not isinstance(entry, Mapping):
                self.problem(where, "a regulator id must be a JSON object")
                continue
            before = len(self.problems)
            identifier, uuid = entry.get("identifier"), entry.get("uuid")
            if not isinstance(identifier, str) or not identifier.strip():
                self.problem(where + ".identifier", "required: the regulator (METRC) id")
            elif text_or_none_safe(identifier) is None:
                self.problem(where + ".identifier", NOT_TEXT)
            if uuid is not None and text_or_none_safe(uuid) is None:
                self.problem(where + ".uuid", "must be text")
            moment = self.added_on(entry.get("added_on"), where + ".added_on")
            if len(self.problems) == before:
                yield RegulatorEntry(uuid, identifier, moment)

    def added_on(self, value: object, where: str):
        if value is None:
            return None
        try:
            if isinstance(value, str):
                return parse_added_on(value)
        except ValueError:
            pass
        self.problem(where, "must be an ISO-8601 date-time")
        return None

    def item(self, item: object, path: str, case_uuid, entries, depth: int) -> None:
        if is_removed(item):
            return
        try:
            key, value = item_lucid_id(item)
        except KeyError:
            self.problem(path + ".lucid_id", "required: the item's LucidID (lucid_id or uuid)")
            return
        where = f"{path}.{key}" if key else path
        try:
            lucid_id = normalise_lucid_id(value)
        except InvalidLucidID as error:
            self.problem(where, str(error))
            return
        named = item.get("regulator_id_uuids") if isinstance(item, Mapping) else None
        if named is not None and not (
            isinstance(named, list) and all(isinstance(u, str) for u in named)
        ):
            self.problem(path + ".regulator_id_uuids", "must be a list of uuids")
            named = None
        catalog = {name: self.catalog_reference(item, name, path) for name in ITEM_CATALOG_FIELDS}
        if case_uuid is None:
            return
        found = ReceivedItem(lucid_id, case_uuid, item_metrc_id(entries, named or ()), **catalog)
        if lucid_id not in self.items or self.items[lucid_id][0] < depth:
            self.items[lucid_id] = (depth, found)  # the innermost case that lists it holds it

    def catalog_reference(self, item: object, name: str, path: str) -> str | None:
        if not isinstance(item, Mapping) or item.get(name) is None:
            return None
        try:
            return lucid_uuid(item[name])
        except ValueError as error:
            self.problem(f"{path}.{name}", str(error))
            return None

    def catalog_entry(self, entry: object, kind: str, path: str) -> None:
        if not isinstance(entry, Mapping):
            self.ignored.append(f"{path}: not a JSON object")
            return
        try:
            uuid = lucid_uuid(entry.get("uuid"))
        except ValueError as error:
            self.ignored.append(f"{path}.uuid: {error}")
            return
        name = entry.get("name")
        self.catalog.append(CatalogEntry(kind, uuid, text_or_none_safe(name), dict(entry)))


def text_or_none_safe(value: object) -> str | None:
    """`text_or_none`, with None for anything that is not short safe text."""
    try:
        return text_or_none(value)
    except ValueError:
        return None


def parse_case(document: object) -> ParsedCase:
    """What to store of a received case document; InvalidCase naming every problem."""
    if not isinstance(document, Mapping):
        raise InvalidCase({"non_field_errors": ["the body must be a JSON object: one case"]})
    reader = _Reader()
    reader.case(document, "", None, (), 0)
    if reader.problems:
        raise InvalidCase(reader.problems)
    items = tuple(item for _depth, item in reader.items.values())
    return ParsedCase(tuple(reader.cases), items, tuple(reader.catalog), tuple(reader.ignored))
