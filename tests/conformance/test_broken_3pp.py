"""The checker against a fake 3PP: a conformant one passes everything; each broken rule is
caught by exactly the check meant for it, and the other checks still pass."""

import pytest

from pos_transactions.conformance import Status
from pos_transactions.conformance.feed_checks import FEED_CHECKS
from pos_transactions.conformance.webhook_checks import WEBHOOK_CHECKS

ALL_RULES = 11

BROKEN = [
    # (what the fake breaks, the one check that must fail, checks left with nothing to use)
    ("status-200", "feed-answers-201-list", set()),
    ("extra-field", "six-fields-typed", set()),
    ("url-item", "items-bare-lucid-ids", set()),
    ("non-iso-time", "transacted-on-iso-8601", {"inclusive-bounds"}),
    ("wrong-default-window", "default-window-yesterday", set()),
    ("exclusive-bounds", "inclusive-bounds", set()),
    ("unstable-ids", "stable-transaction-ids", set()),
    ("bad-token-accepted", "bad-token-401", set()),
    ("bad-window-accepted", "bad-window-400", set()),
    ("webhook-accepts-malformed", "webhook-refuses-malformed", set()),
    ("webhook-refuses-good", "webhook-accepts-case", set()),
]


def _by_status(verdicts: dict, status: Status) -> set[str]:
    return {rule for rule, verdict in verdicts.items() if verdict.status is status}


def test_every_check_is_run_once():
    assert len(FEED_CHECKS) + len(WEBHOOK_CHECKS) == ALL_RULES
    assert len(BROKEN) == ALL_RULES  # one breakage per rule


def test_a_conformant_3pp_passes_every_check(check_fake):
    verdicts = check_fake()
    assert len(verdicts) == ALL_RULES
    assert _by_status(verdicts, Status.PASS) == set(verdicts), {
        rule: verdict.reason for rule, verdict in verdicts.items()
    }


@pytest.mark.parametrize(("breakage", "rule", "skipped"), BROKEN, ids=[b[0] for b in BROKEN])
def test_each_broken_rule_is_caught_by_its_own_check(check_fake, breakage, rule, skipped):
    verdicts = check_fake(breakage)
    reasons = {name: f"{v.status.value}: {v.reason}" for name, v in verdicts.items()}
    assert _by_status(verdicts, Status.FAIL) == {rule}, reasons
    assert _by_status(verdicts, Status.SKIP) == skipped, reasons
    assert verdicts[rule].reason


@pytest.mark.parametrize(
    ("breakage", "says"),
    [
        ("status-200", "HTTP 200"),
        ("extra-field", "unexpected order_id"),
        ("url-item", "is a URL"),
        ("non-iso-time", "not an ISO-8601 date-time"),
        ("wrong-default-window", "outside"),
        ("exclusive-bounds", "left out"),
        ("unstable-ids", "changed ids"),
        ("bad-window-accepted", "not 400"),
        ("webhook-accepts-malformed", "a case without uuid"),
    ],
)
def test_a_failure_says_what_was_wrong(check_fake, breakage, says):
    failing = [v for v in check_fake(breakage).values() if v.status is Status.FAIL]
    assert says in failing[0].reason


def test_a_3pp_without_transactions_skips_what_needs_one(check_fake):
    verdicts = check_fake(with_sales=False)
    assert _by_status(verdicts, Status.FAIL) == set()
    assert _by_status(verdicts, Status.SKIP) == {
        "six-fields-typed",
        "transacted-on-iso-8601",
        "items-bare-lucid-ids",
        "default-window-yesterday",
        "inclusive-bounds",
        "stable-transaction-ids",
    }


def test_a_wrong_token_fails_the_feed_and_the_webhook_but_not_the_bad_token_check(check_fake):
    verdicts = check_fake(token="not-the-right-one")
    assert verdicts["bad-token-401"].status is Status.PASS
    assert verdicts["feed-answers-201-list"].status is Status.FAIL
    assert "HTTP 401" in verdicts["feed-answers-201-list"].reason
    assert verdicts["webhook-accepts-case"].status is Status.FAIL


def test_a_missing_webhook_fails_both_webhook_checks(check_fake):
    verdicts = check_fake("webhook-missing")
    assert _by_status(verdicts, Status.FAIL) == {
        "webhook-accepts-case",
        "webhook-refuses-malformed",
    }
    assert "HTTP 404" in verdicts["webhook-refuses-malformed"].reason
