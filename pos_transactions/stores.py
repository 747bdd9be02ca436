"""Stores: a retailer and its native sales, read by the retailer's adapter and saved atomically.

A fixture store file (see fixtures/README.md) and a push to ``POST /api/v1/sales/`` go
through the same two steps: `read_sales` (every record parsed; any invalid one stops
everything, and all of them are listed) and `sales.write_sales`.
"""

import codecs
import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy.orm import Session

from .adapter import (
    Adapter,
    InvalidOptions,
    InvalidRecord,
    RecordError,
    describe_validation_error,
)
from .adapter_registry import get_adapter
from .canonical import Sale
from .models import Retailer
from .sales import WriteSummary, write_sales
from .versions import VersionConflicts

_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_DIGITS = b"0" * 19
RETAILER_ID = r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}"


class UnknownRetailer(LookupError):
    """No retailer has that id: its store was never loaded."""


def existing_retailer(session: Session, retailer_id: str) -> Retailer:
    """The retailer with `retailer_id`, or UnknownRetailer saying how to create it."""
    retailer = session.get(Retailer, retailer_id)
    if retailer is None:
        raise UnknownRetailer(f"no retailer {retailer_id!r}; load its store first")
    return retailer


class InvalidStore(ValueError):
    """A store (or push) that cannot be loaded; `problems` lists every reason."""

    def __init__(self, source: str, problems: list[InvalidRecord]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(map(str, problems)))


def _check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{name!r} is not an IANA timezone") from None


class RetailerSchema(Schema):
    id = fields.String(required=True, validate=validate.Regexp(RETAILER_ID))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    timezone = fields.String(required=True, validate=_check_timezone)


class StoreSchema(Schema):
    retailer = fields.Nested(RetailerSchema, required=True)
    adapter = fields.String(load_default="generic")
    adapter_options = fields.Dict(keys=fields.String(), load_default=dict)
    sales = fields.Raw(load_default=list)


@dataclass(frozen=True)
class LoadedStore:
    retailer_id: str
    summary: WriteSummary


def make_adapter(name: str, timezone: str, options: dict | None = None) -> Adapter:
    """An adapter instance for a store; UnknownAdapter if `name` is not installed,
    InvalidOptions if `options` do not suit it."""
    return get_adapter(name)(ZoneInfo(timezone), options)


def push_adapter(retailer: Retailer, requested: str | None = None) -> Adapter:
    """The adapter that reads a push for `retailer`: its store's adapter with the store's
    options, or the `requested` one (``?adapter=``) with that adapter's defaults.

    A store's options were written for the store's adapter (a CSV column mapping means
    nothing to ``generic``), so they go only to that adapter.
    """
    name = requested or retailer.adapter
    options = retailer.adapter_options if name == retailer.adapter else None
    return make_adapter(name, retailer.timezone, options)


def read_sales(
    adapter: Adapter, sales: Any, source: str, base_dir: Path | None = None
) -> list[Sale]:
    """Every native record as a canonical sale, or InvalidStore naming each bad record."""
    try:
        records = adapter.records(sales, base_dir)
    except RecordError as error:
        raise InvalidStore(source, [InvalidRecord("sales", str(error))]) from None
    parsed, invalid = adapter.parse_all(records)
    if invalid:
        raise InvalidStore(source, invalid)
    return parsed


def read_store_file(path: Path) -> dict:
    """The validated store held by a file; InvalidStore when it is not a store at all."""
    try:
        document = read_json_file(path)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidStore(
            str(path), [InvalidRecord("store", f"not a readable JSON store ({error})")]
        ) from None
    if not isinstance(document, dict):
        raise InvalidStore(
            str(path),
            [InvalidRecord("store", "a store is a JSON object with retailer, adapter and sales")],
        )
    try:
        return StoreSchema().load(document)
    except ValidationError as error:
        raise InvalidStore(
            str(path), [InvalidRecord("store", describe_validation_error(error.messages))]
        ) from None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a store is read and written.

    Reading a store makes millions of containers that all stay alive until the write ends,
    and the collector, triggered by allocations, walks them again and again for nothing:
    it is two thirds of the time of reading the JSON.  The data holds no cycles; the
    collector is switched back on (if it was on) when the block ends, however it ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_json_file(path: Path) -> Any:
    """A JSON file's value, as ``json.loads`` of its UTF-8 text (a BOM allowed) reads it.

    orjson reads it first, in half the time; a document it refuses and ``json`` takes (a
    lone surrogate escape, NaN, 1e400, which the schema then judges as values) or that
    neither takes is read by ``json``, so the value and the error are ``json``'s.  orjson
    reads an integer beyond 64 bits as a float, so a document with a run of 19 digits
    anywhere is read by ``json`` too.
    """
    data = path.read_bytes()
    with collector_paused():
        return _parsed_json(data)


def _parsed_json(data: bytes) -> Any:
    if _LONG_DIGITS not in data.translate(_DIGITS_AS_ZERO):
        try:
            return orjson.loads(data.removeprefix(codecs.BOM_UTF8))
        except orjson.JSONDecodeError:
            pass
    return json.loads(data.decode("utf-8-sig"))


def load_store(
    session: Session, store: dict, source: str, base_dir: Path | None = None
) -> LoadedStore:
    """Create or update the store's retailer and upsert its sales, in the caller's transaction.

    Nothing is written unless every record is valid.
    """
    retailer = store["retailer"]
    try:
        adapter = make_adapter(store["adapter"], retailer["timezone"], store["adapter_options"])
    except LookupError as error:
        raise InvalidStore(source, [InvalidRecord("adapter", str(error))]) from None
    except InvalidOptions as error:
        raise InvalidStore(source, [InvalidRecord("adapter_options", str(error))]) from None
    with collector_paused():
        return _load_sales(session, store, source, adapter, base_dir)


def _load_sales(
    session: Session, store: dict, source: str, adapter: Adapter, base_dir: Path | None
) -> LoadedStore:
    sales = read_sales(adapter, store["sales"], source, base_dir)
    retailer_id = save_retailer(session, store)
    return LoadedStore(retailer_id, write_checked(session, retailer_id, sales, source))


def save_retailer(session: Session, store: dict) -> str:
    """Create or update the store's retailer (its name, timezone and adapter); its id."""
    retailer = store["retailer"]
    session.merge(
        Retailer(
            id=retailer["id"],
            name=retailer["name"],
            timezone=retailer["timezone"],
            adapter=store["adapter"],
            adapter_options=store["adapter_options"],
        )
    )
    session.flush()
    return retailer["id"]


def write_checked(
    session: Session, retailer_id: str, sales: list[Sale], source: str
) -> WriteSummary:
    """`write_sales`, with records that contradict their stored version (same modified_at,
    other content) reported as invalid records of `source`; the caller rolls back."""
    try:
        return write_sales(session, retailer_id, sales)
    except VersionConflicts as error:
        problems = [InvalidRecord(name, reason) for name, reason in error.records.items()]
        raise InvalidStore(source, problems) from None


def load_store_files(session: Session, paths: list[Path]) -> list[LoadedStore]:
    """Load several store files as one unit: if any is invalid, none is written.

    Every file is checked before anything is raised, so one run reports every problem.
    """
    stores, problems = [], []
    for path in paths:
        try:
            stores.append((path, read_store_file(path)))
        except InvalidStore as error:
            problems.append(error)
    loaded = []
    for path, store in stores:
        try:
            loaded.append(load_store(session, store, str(path), path.parent))
        except InvalidStore as error:
            problems.append(error)
    if problems:
        session.rollback()
        raise InvalidStores(problems)
    return loaded


class InvalidStores(ValueError):
    def __init__(self, errors: list[InvalidStore]) -> None:
        self.errors = errors
        super().__init__("\n".join(map(str, errors)))
