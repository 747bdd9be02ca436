"""The Receive-Case webhook checks (``--webhook``): a good case is accepted, a bad one refused.

The sample (data/sample-case.json) is shaped as LucidSource documents a case, which is the
best evidence of the webhook's body: ``uuid``, ``identifier``, ``regulator_ids``, brands,
products and batches by Lucid Green UUID, and ``items`` with ``lucid_id``.  Its uuid is
fixed, so running the check again re-delivers the same case (harmless to a 3PP that is
idempotent per case, as LucidRetail's re-deliveries require).  The malformed documents are
the sample with one essential thing broken each, so the sample's acceptance shows that
only that thing is refused.
"""

import copy
import json
from collections.abc import Callable
from importlib.resources import files

from .client import Lucid3ppClient
from .verdict import Verdict, failed, passed

NOT_A_LUCID_ID = "not-a-lucid-id"
# 4xx answers that do not judge the document: no such endpoint, method or credential.
NOT_A_REFUSAL = frozenset({401, 403, 404, 405})


def is_refusal(status: int | None) -> bool:
    """Whether `status` refuses the document itself (a 4xx that is not about the endpoint
    or the credential: a webhook that is missing must not pass for a strict one)."""
    return status is not None and 400 <= status < 500 and status not in NOT_A_REFUSAL


def sample_case() -> dict:
    """The good case document shipped with the package."""
    return json.loads(files(__package__).joinpath("data/sample-case.json").read_text())


def malformed_cases(sample: dict) -> list[tuple[str, dict]]:
    """(what is wrong, document) pairs: the sample without its uuid, and with a bad LucidID."""
    without_uuid = copy.deepcopy(sample)
    del without_uuid["uuid"]
    bad_item = copy.deepcopy(sample)
    bad_item["items"][0]["lucid_id"] = NOT_A_LUCID_ID
    return [("a case without uuid", without_uuid), ("an item with a bad LucidID", bad_item)]


def accepts_sample_case(client: Lucid3ppClient) -> Verdict:
    rule = "webhook-accepts-case"
    answer = client.post_case(sample_case())
    if answer.status is None or not 200 <= answer.status < 300:
        return failed(rule, f"the sample case was answered {answer.describe()}, not 2xx")
    return passed(rule, f"the sample case was accepted (HTTP {answer.status})")


def refuses_malformed_cases(client: Lucid3ppClient) -> Verdict:
    rule = "webhook-refuses-malformed"
    answers = [(why, client.post_case(doc)) for why, doc in malformed_cases(sample_case())]
    wrong = [
        f"{why} was answered {answer.describe()}"
        for why, answer in answers
        if not is_refusal(answer.status)
    ]
    if wrong:
        return failed(rule, "; ".join(wrong) + " (expected a 4xx such as 400)")
    statuses = ", ".join(f"{why}: HTTP {answer.status}" for why, answer in answers)
    return passed(rule, f"refused {statuses}")


WEBHOOK_CHECKS: tuple[Callable[[Lucid3ppClient], Verdict], ...] = (
    accepts_sample_case,
    refuses_malformed_cases,
)
