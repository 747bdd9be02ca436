"""The conformance rules as pure functions, and the report's exit rule."""

import pytest

from pos_transactions.conformance.report import is_conformant, summary_line
from pos_transactions.conformance.rules import field_problems, item_problem, time_problem
from pos_transactions.conformance.verdict import Status, Verdict
from pos_transactions.conformance.webhook_checks import (
    NOT_A_LUCID_ID,
    is_refusal,
    malformed_cases,
    sample_case,
)

GOOD = {
    "transacted_on": "2021-03-11T12:00:00Z",
    "items": ["5vHqLc9etTWW3AVrEJvBez"],
    "total_items_count": 4,
    "transaction_id": "6a121cf4",
    "consumer_id": None,
    "budtender_id": "b8947da4",
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({}, None),
        ({"order_id": "x"}, "unexpected order_id"),
        ({"transaction_id": None}, "transaction_id must be a non-empty string"),
        ({"transaction_id": ""}, "transaction_id must be a non-empty string"),
        ({"transaction_id": 17}, "transaction_id must be a non-empty string"),
        ({"consumer_id": 17}, "consumer_id must be a string or null"),
        ({"budtender_id": ["x"]}, "budtender_id must be a string or null"),
        ({"total_items_count": -1}, "total_items_count must be a non-negative integer"),
        ({"total_items_count": 2.0}, "total_items_count must be a non-negative integer"),
        ({"total_items_count": True}, "total_items_count must be a non-negative integer"),
        ({"total_items_count": "4"}, "total_items_count must be a non-negative integer"),
        ({"total_items_count": 0}, "total_items_count is smaller than the number of items"),
        ({"items": "5vHqLc9etTWW3AVrEJvBez"}, "items must be a list of strings"),
        ({"items": [1]}, "items must be a list of strings"),
        ({"transacted_on": 1615464000}, "transacted_on must be a string"),
    ],
)
def test_field_problems(change, problem):
    problems = field_problems(GOOD | change)
    assert problems == ([problem] if problem else [])


@pytest.mark.parametrize(
    ("transaction", "problem"),
    [
        ({k: v for k, v in GOOD.items() if k != "budtender_id"}, "missing budtender_id"),
        ([], "a transaction must be a JSON object, not a list"),
        (None, "a transaction must be a JSON object, not null"),
    ],
)
def test_field_problems_of_a_wrong_shape(transaction, problem):
    assert field_problems(transaction) == [problem]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2021-03-11T12:00:00Z", True),
        ("2021-03-11T12:00:00.123456Z", True),
        ("2021-03-11T04:00:00-08:00", True),
        ("2021-03-11T12:00Z", True),
        ("20210311T120000Z", True),
        ("2021-03-11T12:00:00", False),  # no offset: which instant?
        ("2021-03-11", False),
        ("03/11/2021 12:00:00", False),
        ("2021-02-30T12:00:00Z", False),
        ("2021-03-11 12:00:00Z", False),
        (1615464000, False),
        (None, False),
    ],
)
def test_time_problem(value, ok):
    assert (time_problem(value) is None) is ok


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ("5vHqLc9etTWW3AVrEJvBez", None),
        ("https://qr.lcdg.io/5vHqLc9etTWW3AVrEJvBez", "is a URL"),
        ("qr.lcdg.io/5vHqLc9etTWW3AVrEJvBez", "is a URL"),
        ("160427e7-f28e-40ee-9f7a-d473721488c8", "not a 22-character base57"),
        ("5vHqLc9etTWW3AVrEJvBe0", "not a 22-character base57"),  # 0 is not base57
        ("5vHqLc9etTWW3AVrEJvBe", "not a 22-character base57"),
        (17, "a number is not a LucidID"),
    ],
)
def test_item_problem(item, problem):
    found = item_problem(item)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize(
    ("statuses", "allow_skip", "conformant"),
    [
        ([Status.PASS, Status.PASS], False, True),
        ([Status.PASS, Status.SKIP], False, False),
        ([Status.PASS, Status.SKIP], True, True),
        ([Status.PASS, Status.FAIL], True, False),
        ([], False, True),
    ],
)
def test_exit_rule(statuses, allow_skip, conformant):
    verdicts = [Verdict(f"rule-{n}", status, "why") for n, status in enumerate(statuses)]
    assert is_conformant(verdicts, allow_skip) is conformant


def test_summary_line():
    verdicts = [Verdict("a", Status.PASS, ""), Verdict("b", Status.SKIP, "")]
    assert summary_line(verdicts) == "1 passed, 0 failed, 1 skipped"


def test_the_malformed_cases_differ_from_the_sample_in_one_thing_each():
    sample = sample_case()
    (_, without_uuid), (_, bad_item) = malformed_cases(sample)
    assert without_uuid == {k: v for k, v in sample.items() if k != "uuid"}
    assert bad_item["items"][0]["lucid_id"] == NOT_A_LUCID_ID
    assert bad_item["items"][1:] == sample["items"][1:]
    assert sample_case() == sample  # the sample itself is untouched


def test_the_sample_case_holds_only_valid_lucid_ids():
    sample = sample_case()
    ids = [sample["uuid"], *(item["lucid_id"] for item in sample["items"])]
    assert all(item_problem(lucid_id) is None for lucid_id in ids)
    assert len(sample["regulator_ids"]) == 1 and sample["regulator_ids"][0]["identifier"]


@pytest.mark.parametrize(
    ("status", "refusal"),
    [
        (400, True),
        (422, True),
        (409, True),
        (404, False),
        (405, False),
        (401, False),
        (403, False),
        (201, False),
        (500, False),
        (None, False),
    ],
)
def test_is_refusal(status, refusal):
    assert is_refusal(status) is refusal
