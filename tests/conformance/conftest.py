"""Fixtures for the conformance checker: the fake 3PP served for real, on a frozen clock
that the checker shares (so "yesterday" is the same day for both, whenever the suite runs)."""

from datetime import UTC, datetime

import pytest

from pos_transactions.conformance import run_conformance

from .fake_3pp import FEED, TOKEN, WEBHOOK, Fake3pp, serve_in_thread

NOW = datetime(2026, 3, 11, 15, 4, 5, tzinfo=UTC)


def frozen_clock() -> datetime:
    return NOW


@pytest.fixture
def check_fake():
    """Run every check (the webhook's too) against a fake 3PP breaking `breaks`; returns
    {rule: verdict}."""

    def check(*breaks: str, with_sales: bool = True, token: str = TOKEN) -> dict:
        fake = Fake3pp(frozen_clock, frozenset(breaks), with_sales)
        with serve_in_thread(fake) as base:
            verdicts = run_conformance(
                base + FEED, token, base + WEBHOOK, timeout=30, clock=frozen_clock
            )
        return {verdict.rule: verdict for verdict in verdicts}

    return check
