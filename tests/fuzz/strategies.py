"""Hypothesis strategies: hostile values, and how a record is made hostile.

The records themselves (one builder per built-in adapter) are in `records`.  A batch pairs
every generated record with what is known about it, so the tests assert only what is
sound: a record built valid must be accepted, one broken on purpose must be named, and one
mutated with a hostile value may go either way but must never crash the service.
"""

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import shortuuid
from hypothesis import strategies as st

HOSTILE = json.loads((Path(__file__).parent / "data" / "hostile-values.json").read_text())

VALID, INVALID, HOSTILE_KIND = "valid", "invalid", "hostile"


@dataclass(frozen=True)
class Raw:
    """A JSON token written verbatim: numbers `json.dumps` cannot write (``1e1000000``, a
    5,000-digit integer) and nesting deeper than it can recurse."""

    text: str


def encode(body: Any) -> bytes:
    """`body` as JSON bytes, each `Raw` written as its own text (lone surrogates escaped)."""
    raws: list[str] = []

    def swap(value: Any) -> Any:
        if isinstance(value, Raw):
            raws.append(value.text)
            return f"\x00raw{len(raws) - 1}\x00"
        if isinstance(value, dict):
            return {key: swap(item) for key, item in value.items()}
        if isinstance(value, list):
            return [swap(item) for item in value]
        return value

    text = json.dumps(swap(body))
    for index, raw in enumerate(raws):
        text = text.replace(json.dumps(f"\x00raw{index}\x00"), raw, 1)
    return text.encode()


# --- valid building blocks: conservative, so any sane bound the service sets admits them --

OFFSETS = st.builds(
    lambda minutes: timezone(timedelta(minutes=minutes)),
    st.integers(-12 * 4, 14 * 4).map(lambda quarters: quarters * 15),
)
# Valid sale times: inside the documented range (2000 to 2100 UTC) whatever the offset.
MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 2), max_value=datetime(2030, 12, 31), timezones=OFFSETS
)
native_ids = st.text(
    "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789-_.", min_size=1, max_size=24
)
person_ids = st.none() | st.text(
    st.characters(codec="ascii", categories=("L", "N", "P", "Zs")), min_size=1, max_size=40
).filter(str.strip)
skus = st.none() | st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.", min_size=1, max_size=20)
unit_quantities = st.integers(1, 500)
weighed_quantities = st.decimals(min_value="0.001", max_value="500", places=3).filter(bool)
uuids = st.integers(0, 2**128 - 1).map(lambda number: uuid.UUID(int=number))
lucid_ids = uuids.map(shortuuid.encode)


@st.composite
def captured_lucid_ids(draw) -> str:
    """A valid LucidID in any form a POS captures: bare, a QR URL, or a hyphenated UUID."""
    value = draw(uuids)
    bare = shortuuid.encode(value)
    return draw(
        st.sampled_from(
            [
                bare,
                f"https://qr.lcdg.io/{bare}",
                f"https://dev-qr.lcdg.io/{bare}/",
                f"qr.lcdg.io/{bare}?src=pos",
                str(value),
                str(value).upper(),
            ]
        )
    )


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- hostile values ------------------------------------------------------------------------

any_unicode = st.text(st.characters(codec=None, categories=None), max_size=30)
latin1_text = st.text(st.characters(max_codepoint=255, exclude_characters="\r\n"), max_size=60)
long_texts = st.builds(
    lambda char, size: char * size,
    st.sampled_from("x\u00e9\u4e2d\U0001f600\x00"),
    st.sampled_from([201, 1_000, 10_000, 200_000]),
)
big_numbers = st.sampled_from(
    ["1e1000000", "1e5000", "-1e400", "1e308", "9" * 4_000, "9" * 5_000, "1" + "0" * 400]
).map(Raw)
nestings = st.sampled_from([64, 1_000, 10_000, 100_000]).map(
    lambda depth: Raw("[" * depth + "]" * depth)
)
odd_timestamps = st.sampled_from(HOSTILE["timestamps"]) | st.datetimes(
    min_value=datetime(1, 1, 1),
    max_value=datetime(9999, 12, 31, 23, 59, 59),
    timezones=st.none() | OFFSETS,
).map(lambda moment: moment.isoformat())
json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | any_unicode
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_unicode, inner, max_size=3),
    max_leaves=8,
)

hostile_values = st.one_of(
    st.sampled_from(HOSTILE["number_texts"]),
    st.sampled_from(HOSTILE["lucid_ids"]),
    st.sampled_from(HOSTILE["texts"]),
    odd_timestamps,
    big_numbers,
    nestings,
    long_texts,
    json_values,
)


FOUND = HOSTILE["issue_findings"]


def mostly(found: st.SearchStrategy, *others: st.SearchStrategy) -> st.SearchStrategy:
    """`found` (what is known to hurt) half of the time, any of `others` the rest."""
    return st.one_of(*[found] * len(others), *others)


numberish = mostly(
    st.sampled_from(FOUND["quantity"]) | st.sampled_from(FOUND["quantity"]).map(Raw),
    st.sampled_from(HOSTILE["number_texts"]),
    big_numbers,
    st.floats() | st.integers(),
)
lucidish = mostly(
    st.sampled_from(FOUND["lucid_id"]),
    st.sampled_from(HOSTILE["lucid_ids"]),
    st.sampled_from(HOSTILE["lucid_ids"]).map(lambda value: [value]),
)
timeish = mostly(st.sampled_from(FOUND["time"]), odd_timestamps)
textish = mostly(
    st.sampled_from(FOUND["text"]), st.sampled_from(HOSTILE["texts"]), long_texts, any_unicode
)
ATTACKS = (  # (words in the names of the fields attacked, the values most likely to hurt there)
    (("quantity",), numberish),
    (("lucid", "properties", "value", "metadata", "note"), lucidish),
    (("_at", " at"), timeish),
    (("id", "receipt", "sku", "customer", "employee", "user"), textish),
    ((), hostile_values),  # anywhere: wrong types, nesting, huge numbers
)


def paths(record: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a record a value can be swapped, dropped or added: keys and indices."""
    found = [prefix] if prefix else []
    if isinstance(record, dict):
        for key, value in record.items():
            found += paths(value, (*prefix, key))
    elif isinstance(record, list):
        for index, value in enumerate(record):
            found += paths(value, (*prefix, index))
    return found


def named(place: tuple, words: tuple[str, ...]) -> bool:
    """Whether the field at `place` (its innermost key) is named by one of `words`."""
    name = next((step for step in reversed(place) if isinstance(step, str)), "").lower()
    return any(word in name for word in words)


@st.composite
def hostile_mutation(draw, record: Any) -> Any:
    """`record` (a copy) with one to three attacks: a field of one kind (a quantity, a
    LucidID, a time, an id) given a value known to hurt such fields, or any field replaced,
    dropped or joined by an extra key; now and then the record replaced by a wrong type.

    The kind of attack is drawn first, then a field it fits: drawing the field first would
    spend most attacks on the fields a record has most of.  Few attacks per record, as a
    record hostile everywhere fails on its first field and tests nothing behind it.
    """
    record = json.loads(json.dumps(record))
    if draw(st.integers(0, 9)) == 0:
        return draw(hostile_values)
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        words, values = draw(st.sampled_from(ATTACKS))
        places = paths(record)
        fitting = [place for place in places if named(place, words)] if words else places
        if not fitting:
            continue
        place = draw(st.sampled_from(fitting))
        parent = record
        for step in place[:-1]:
            parent = parent[step]
        how = draw(st.sampled_from(["replace"] * 4 + ["drop", "extra"])) if not words else "replace"
        if how == "replace":
            parent[place[-1]] = draw(values)
        elif how == "drop":
            del parent[place[-1]]
        elif isinstance(parent, dict):
            extra = draw(st.sampled_from(["extra", "price", "_id", "\x00", "lines "]))
            parent[extra] = draw(hostile_values)
        else:
            parent.append(draw(hostile_values))
    return record


@dataclass
class Batch:
    """Generated records and, for each, its kind (VALID, INVALID or HOSTILE) and the label an
    invalid one must be named by (None where it cannot be known)."""

    records: list = field(default_factory=list)
    kinds: list = field(default_factory=list)
    labels: list = field(default_factory=list)

    def add(self, records: list, kind: str, label: str | None) -> None:
        self.records += records
        self.kinds += [kind] * len(records)
        self.labels += [label] * len(records)

    @property
    def invalid_labels(self) -> set[str]:
        return {
            label for kind, label in zip(self.kinds, self.labels, strict=True) if kind == INVALID
        }

    @property
    def all_valid(self) -> bool:
        return all(kind == VALID for kind in self.kinds)

    @property
    def has_hostile(self) -> bool:
        return HOSTILE_KIND in self.kinds
