"""Reading Receive-Case documents: the METRC rule, item forms, sub-cases, removed items,
unknown fields, and every problem named at once (pure functions, no database)."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pos_transactions.webhook.document import (
    InvalidCase,
    item_lucid_id,
    lucid_uuid,
    parse_case,
)
from pos_transactions.webhook.regulator import RegulatorEntry, item_metrc_id, newest

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "fixtures" / "lucid" / "cases"
EXPECTED = json.loads((Path(__file__).parent / "data" / "expected-cases.json").read_text())
CASE = "5vHqLc9etTWW3AVrEJvBez"  # a valid Lucid Green uuid (the docs' test vector)
SUB = "UNDTMBovdue9tFWfhamnDM"
LID = "coaHmv9uUQLeuEXn5UvvSR"
LID2 = "QCDHWTRqYTtXuCCsBWXowu"


def at(day: int) -> datetime:
    return datetime(2021, 3, day, tzinfo=UTC)


OLD, NEW, NO_DATE = (
    RegulatorEntry("old", "M-OLD", at(1)),
    RegulatorEntry("new", "M-NEW", at(5)),
    RegulatorEntry("undated", "M-UNDATED", None),
)


@pytest.mark.parametrize(
    ("entries", "named", "metrc_id"),
    [
        ([OLD], [], "M-OLD"),  # one entry: the case's id for every item
        ([OLD], ["nothing"], "M-OLD"),  # ... whatever the item names
        ([OLD, NEW], ["old", "new"], "M-NEW"),  # several: the newest the item names
        ([NEW, OLD], ["old", "new"], "M-NEW"),  # by added_on, not by position
        ([OLD, NEW], ["old"], "M-OLD"),  # only those the item names
        ([OLD, NEW], [], None),  # names none: no METRC id
        ([OLD, NEW], ["unknown"], None),
        ([NO_DATE, OLD], ["undated", "old"], "M-OLD"),  # no added_on counts as oldest
        ([], [], None),
    ],
)
def test_the_getting_started_metrc_rule(entries, named, metrc_id):
    assert item_metrc_id(entries, named) == metrc_id


def test_of_equal_times_the_later_entry_is_newest():
    twin = RegulatorEntry("twin", "M-TWIN", at(5))
    assert newest([NEW, twin]) is twin and newest([twin, NEW]) is NEW


@pytest.mark.parametrize(
    ("item", "found"),
    [
        (LID, ("", LID)),
        ({"lucid_id": LID}, ("lucid_id", LID)),
        ({"uuid": LID}, ("uuid", LID)),
        ({"lucid_id": LID, "uuid": LID2}, ("lucid_id", LID)),  # lucid_id first
        ({"lucid_id": None, "uuid": LID2}, ("uuid", LID2)),
    ],
)
def test_where_an_items_lucid_id_is(item, found):
    assert item_lucid_id(item) == found


def test_an_object_item_without_a_lucid_id_has_none():
    with pytest.raises(KeyError):
        item_lucid_id({"product_uuid": CASE})


@pytest.mark.parametrize(
    ("value", "uuid"),
    [
        (CASE, CASE),
        ("160427e7-f28e-40ee-9f7a-d473721488c8", CASE),  # the hyphenated form
        ("https://qr.lcdg.io/case/" + CASE, None),  # a URL is not a uuid
        ("x" * 22, None),
        (22, None),
        (None, None),
    ],
)
def test_what_a_lucid_green_uuid_is(value, uuid):
    if uuid is None:
        with pytest.raises(ValueError, match="Lucid Green uuid"):
            lucid_uuid(value)
    else:
        assert lucid_uuid(value) == uuid


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_fixture_cases_read_as_expected(name):
    document = json.loads((CASES / f"{name}.json").read_text())
    expected = EXPECTED[name]
    if "problems" in expected:
        with pytest.raises(InvalidCase) as refused:
            parse_case(document)
        assert sorted(refused.value.problems) == expected["problems"]
        return
    parsed = parse_case(document)
    assert parsed.root.uuid == expected["uuid"]
    items = {item.lucid_id: {"case": item.case_uuid, "metrc_id": item.metrc_id}
             for item in parsed.items}
    assert items == expected["items"]
    assert parsed.metrc_ids == expected["regulator_ids"]
    assert [case.uuid for case in parsed.cases[1:]] == expected["sub_cases"]


def test_the_multi_batch_case_gives_each_item_its_newest_regulator_id():
    parsed = parse_case(json.loads((CASES / "multi-batch.json").read_text()))
    assert {item.metrc_id for item in parsed.items} == {
        "1A4060300002C35000000511",  # batch A, re-tagged: the newer tag, not ...510
        "1A4060300002C35000000520",
    }


def test_an_item_listed_by_a_case_and_its_sub_case_belongs_to_the_sub_case():
    document = {"uuid": CASE, "items": [LID], "cases": [{"uuid": SUB, "items": [LID]}]}
    (item,) = parse_case(document).items
    assert item.case_uuid == SUB


def test_a_sub_case_without_regulator_ids_inherits_its_parents():
    document = {
        "uuid": CASE,
        "regulator_ids": [{"uuid": "r", "identifier": "M-1"}],
        "cases": [{"uuid": SUB, "items": [LID]}],
    }
    assert parse_case(document).items[0].metrc_id == "M-1"


def test_removed_items_and_unknown_fields_are_ignored():
    document = {
        "uuid": CASE,
        "something_new": {"LucidGreen": "adds fields"},
        "items": [{"lucid_id": "garbage", "removed_on": "2021-03-02T00:00:00Z"},
                  {"lucid_id": LID, "removed_on": None, "colour": "green"}],
    }
    assert [item.lucid_id for item in parse_case(document).items] == [LID]


def test_every_lucid_id_form_the_feed_accepts_is_read_as_the_bare_id():
    document = {"uuid": CASE, "items": [f"https://qr.lcdg.io/{LID}", {"uuid": LID2}]}
    assert [item.lucid_id for item in parse_case(document).items] == [LID, LID2]


def test_a_catalog_entry_without_a_uuid_is_skipped_and_said():
    document = {"uuid": CASE, "brands": [{"name": "No uuid"}, "oops"],
                "products": [{"uuid": SUB, "name": "Flower", "strain": "x"}]}
    parsed = parse_case(document)
    assert [(entry.kind, entry.uuid, entry.name) for entry in parsed.catalog] == [
        ("product", SUB, "Flower")
    ]
    assert parsed.catalog[0].details["strain"] == "x"  # other fields are kept
    assert [reason.split(":")[0] for reason in parsed.ignored] == ["brands.0.uuid", "brands.1"]


@pytest.mark.parametrize(
    ("document", "problems"),
    [
        ([], {"non_field_errors"}),
        ({}, {"uuid"}),
        ({"uuid": "https://qr.lcdg.io/case/" + CASE}, {"uuid"}),
        ({"uuid": CASE, "items": "all of them"}, {"items"}),
        ({"uuid": CASE, "items": [LID, "bad", {"lucid_id": 7}, {}]},
         {"items.1", "items.2.lucid_id", "items.3.lucid_id"}),
        ({"uuid": CASE, "items": [f"https://qr.lcdg.io/case/{LID}"]}, {"items.0"}),
        ({"uuid": CASE, "cases": [{"items": ["bad"]}, "x"]},
         {"cases.0.uuid", "cases.0.items.0", "cases.1"}),
        ({"uuid": CASE, "cases": [{"uuid": CASE}]}, {"cases.0.uuid"}),  # itself again
        ({"uuid": CASE, "regulator_ids": [{"identifier": ""}, "x", {"identifier": "M",
          "added_on": "soon"}]},
         {"regulator_ids.0.identifier", "regulator_ids.1", "regulator_ids.2.added_on"}),
        ({"uuid": CASE, "identifier": "a\x00b"}, {"identifier"}),
        ({"uuid": CASE, "regulator_ids": [
            {"identifier": "M", "added_on": "0001-01-01T00:00:00+05:00"},
            {"identifier": "M", "added_on": "9999-12-31T23:59:59-05:00"},
            {"identifier": "M", "added_on": 20210301}]},
         {"regulator_ids.0.added_on", "regulator_ids.1.added_on", "regulator_ids.2.added_on"}),
        ({"uuid": CASE, "items": [{"lucid_id": LID, "regulator_id_uuids": "r"}]},
         {"items.0.regulator_id_uuids"}),
        ({"uuid": CASE, "items": [{"lucid_id": LID, "batch_uuid": "nope"}]},
         {"items.0.batch_uuid"}),
    ],
)
def test_every_problem_is_named_by_its_path(document, problems):
    with pytest.raises(InvalidCase) as refused:
        parse_case(document)
    assert set(refused.value.problems) == problems
    assert all(refused.value.problems[key] for key in problems)  # each with its message
