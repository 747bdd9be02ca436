"""The Retail Transactions checks: each takes the shared `Probe` and returns one `Verdict`.

A check judges its own rule only.  When the data it needs is missing because another rule
is broken (no list came back, no time could be read), it skips and says so, rather than
failing twice for one fault; the checks on times and windows compare transactions by their
content without ids (`rules.fingerprint`), which only the stable-id check judges.
"""

import secrets
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from .probe import Probe, iso_z, midnight
from .rules import field_problems, fingerprint, item_problem, parsed_time, time_problem
from .verdict import Verdict, failed, passed, skipped

NOTHING_TO_CHECK = "no transactions in the default window or the last 30 days to check"


def answers_201_with_a_list(probe: Probe) -> Verdict:
    rule = "feed-answers-201-list"
    answer = probe.default_poll
    if answer.status != 201:
        return failed(rule, f"the default poll answered {answer.describe()}, not HTTP 201")
    if not isinstance(answer.body, list):
        return failed(rule, "the default poll answered 201 but its body is not a JSON list")
    return passed(rule, f"HTTP 201 with a JSON list of {len(answer.body)} transaction(s)")


def _sample_check(rule: str, problems_of: Callable[[object], list[str]], probe: Probe, ok: str):
    """Apply `problems_of` to every sampled transaction; fail naming the first offender."""
    transactions, where = probe.sample()
    if not transactions:
        return skipped(rule, NOTHING_TO_CHECK)
    found = [(number, problems_of(t)) for number, t in enumerate(transactions, 1)]
    offenders = [(number, problems) for number, problems in found if problems]
    if offenders:
        number, problems = offenders[0]
        return failed(
            rule,
            f"{len(offenders)} of {len(transactions)} transaction(s) in {where}; "
            f"transaction #{number}: {'; '.join(problems)}",
        )
    return passed(rule, f"all {len(transactions)} transaction(s) in {where} {ok}")


def six_typed_fields(probe: Probe) -> Verdict:
    return _sample_check(
        "six-fields-typed", field_problems, probe, "have exactly the six fields, rightly typed"
    )


def _time_problems(transaction: object) -> list[str]:
    if not isinstance(transaction, dict) or "transacted_on" not in transaction:
        return []  # six-fields-typed reports it
    problem = time_problem(transaction["transacted_on"])
    return [problem] if problem else []


def iso_8601_times(probe: Probe) -> Verdict:
    return _sample_check(
        "transacted-on-iso-8601", _time_problems, probe, "have an ISO-8601 time with an offset"
    )


def _item_problems(transaction: object) -> list[str]:
    items = transaction.get("items") if isinstance(transaction, dict) else None
    if not isinstance(items, list):
        return []  # six-fields-typed reports it
    return [problem for problem in map(item_problem, items) if problem][:3]


def bare_lucid_ids(probe: Probe) -> Verdict:
    return _sample_check(
        "items-bare-lucid-ids", _item_problems, probe, "list bare 22-character LucidIDs"
    )


def bad_token_is_401(probe: Probe) -> Verdict:
    rule = "bad-token-401"
    answer = probe.client.poll(token=f"conformance-not-a-token-{secrets.token_hex(8)}")
    if answer.status != 401:
        return failed(rule, f"an unknown token was answered {answer.describe()}, not HTTP 401")
    return passed(rule, "an unknown token was answered HTTP 401")


def bad_window_is_400(probe: Probe) -> Verdict:
    rule = "bad-window-400"
    answer = probe.client.poll({"start_date": "not-a-date"})
    if answer.status != 400:
        return failed(rule, f"start_date=not-a-date was answered {answer.describe()}, not 400")
    return passed(rule, "start_date=not-a-date was answered HTTP 400")


def default_window_is_yesterday(probe: Probe) -> Verdict:
    """A default poll equals an explicit poll of [yesterday 00:00, today 00:00] UTC, and
    every time it holds lies in that window.  Retried once if the UTC day changes between
    the two polls (a run at midnight)."""
    rule = "default-window-yesterday"
    for _ in range(2):
        today = midnight(probe.clock())
        start = today - timedelta(days=1)
        default = probe.client.poll()
        explicit = probe.client.poll({"start_date": iso_z(start), "end_date": iso_z(today)})
        if midnight(probe.clock()) == today:
            break
    else:
        return skipped(rule, "the UTC day changed during both attempts")
    window = f"[{iso_z(start)}, {iso_z(today)}]"
    if default.transactions is None:
        return skipped(rule, f"the default poll gave no list ({default.describe()})")
    if explicit.transactions is None:
        return failed(rule, f"an explicit poll of {window} answered {explicit.describe()}")
    outside = [
        t["transacted_on"]
        for t in default.transactions
        if isinstance(t, dict)
        and (moment := parsed_time(t.get("transacted_on"))) is not None
        and not start <= moment <= today
    ]
    if outside:
        return failed(
            rule,
            f"the default poll holds {len(outside)} transaction(s) outside {window}, "
            f"e.g. at {outside[0]}",
        )
    if _contents(default.transactions) != _contents(explicit.transactions):
        return failed(
            rule,
            f"the default poll's {len(default.transactions)} transaction(s) differ from the "
            f"{len(explicit.transactions)} of an explicit poll of {window}",
        )
    if not default.transactions:
        return skipped(rule, f"both polls of {window} are empty: nothing to compare")
    return passed(
        rule,
        f"the default poll equals an explicit poll of {window} "
        f"({len(default.transactions)} transaction(s))",
    )


def bounds_are_inclusive(probe: Probe) -> Verdict:
    """A window starting and ending exactly on a transaction's time returns it."""
    rule = "inclusive-bounds"
    transactions, where = probe.sample()
    timed = [t for t in transactions if isinstance(t, dict) and parsed_time(t.get("transacted_on"))]
    if not timed:
        return skipped(rule, f"no transaction with an ISO-8601 time to probe with ({where})")
    target = timed[0]
    moment = target["transacted_on"]
    answer = probe.client.poll({"start_date": moment, "end_date": moment})
    if answer.transactions is None:
        return failed(rule, f"a window [{moment}, {moment}] answered {answer.describe()}")
    if fingerprint(target) not in _contents(answer.transactions):
        return failed(rule, f"a window [{moment}, {moment}] left out the transaction at {moment}")
    return passed(rule, f"a window [{moment}, {moment}] returned the transaction at {moment}")


def stable_transaction_ids(probe: Probe) -> Verdict:
    """Two identical calls give the same, unique ids (consumer and budtender ids too)."""
    rule = "stable-transaction-ids"
    params = probe.sample_params()
    if params is None:
        return skipped(rule, NOTHING_TO_CHECK)
    first, second = probe.client.poll(params), probe.client.poll(params)
    if first.transactions is None or second.transactions is None:
        return failed(rule, f"a repeated poll answered {first.describe()}, {second.describe()}")
    ids = [_id_rows(first.transactions), _id_rows(second.transactions)]
    if ids[0] != ids[1]:
        changed = len(set(ids[0]) - set(ids[1]))
        return failed(
            rule,
            f"{changed} of {len(ids[0])} transaction(s) changed ids between two identical calls",
        )
    unique = {row[0] for row in ids[0]}
    if len(unique) != len(ids[0]):
        return failed(rule, f"{len(ids[0]) - len(unique)} transaction_id(s) repeat in one answer")
    return passed(rule, f"{len(ids[0])} transaction(s) kept their ids across two calls")


def _contents(transactions: list) -> Counter:
    return Counter(fingerprint(t) for t in transactions if isinstance(t, dict))


def _id_rows(transactions: list) -> list[tuple[str, str, str]]:
    return sorted(
        (str(t.get("transaction_id")), str(t.get("consumer_id")), str(t.get("budtender_id")))
        for t in transactions
        if isinstance(t, dict)
    )


FEED_CHECKS: tuple[Callable[[Probe], Verdict], ...] = (
    answers_201_with_a_list,
    six_typed_fields,
    iso_8601_times,
    bare_lucid_ids,
    bad_token_is_401,
    bad_window_is_400,
    default_window_is_yesterday,
    bounds_are_inclusive,
    stable_transaction_ids,
)
