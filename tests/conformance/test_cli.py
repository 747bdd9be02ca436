"""``pos-transactions conformance``: the checklist, --json, exit statuses, an unreachable 3PP."""

import json
import socket

from click.testing import CliRunner

from pos_transactions.cli import main
from pos_transactions.conformance.probe import utc_now

from .fake_3pp import FEED, TOKEN, WEBHOOK, Fake3pp, serve_in_thread
from .test_broken_3pp import ALL_RULES


def _run(fake: Fake3pp, *args: str, webhook: bool = True):
    with serve_in_thread(fake) as base:
        extra = ["--webhook", base + WEBHOOK] if webhook else []
        return CliRunner().invoke(main, ["conformance", base + FEED, *extra, *args])


def _real_clock_fake(**kwargs) -> Fake3pp:
    """The CLI uses the real clock, so the fake does too: its sales sit around the real
    yesterday."""
    return Fake3pp(utc_now, **kwargs)


def test_prints_one_line_per_rule_and_exits_0_when_all_pass():
    result = _run(_real_clock_fake(), "--token", TOKEN)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == ALL_RULES and all(line.startswith("PASS  ") for line in lines)
    assert f"{ALL_RULES} passed, 0 failed, 0 skipped" in result.stderr


def test_without_webhook_only_the_feed_is_checked():
    result = _run(_real_clock_fake(), "--token", TOKEN, webhook=False)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == ALL_RULES - 2
    assert "webhook" not in result.stdout


def test_json_output_and_exit_1_on_a_failure():
    result = _run(_real_clock_fake(breaks=frozenset({"url-item"})), "--token", TOKEN, "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["conformant"] is False
    failing = [c["rule"] for c in document["checks"] if c["verdict"] == "FAIL"]
    assert failing == ["items-bare-lucid-ids"]
    assert set(document["checks"][0]) == {"rule", "verdict", "reason"}


def test_a_skip_fails_unless_skips_are_allowed():
    fake = _real_clock_fake(with_sales=False)
    strict = _run(fake, "--token", TOKEN, "--json")
    lenient = _run(fake, "--token", TOKEN, "--json", "--allow-skip")
    assert strict.exit_code == 1 and json.loads(strict.stdout)["conformant"] is False
    assert lenient.exit_code == 0 and json.loads(lenient.stdout)["conformant"] is True


def test_the_token_may_come_from_the_environment():
    with serve_in_thread(_real_clock_fake()) as base:
        result = CliRunner().invoke(
            main, ["conformance", base + FEED], env={"CONFORMANCE_TOKEN": TOKEN}
        )
    assert result.exit_code == 0, result.output


def test_an_unreachable_3pp_fails_every_check_with_the_reason():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before the checker calls it
    url = f"http://127.0.0.1:{port}/api/v1/transactions/"
    result = CliRunner().invoke(main, ["conformance", url, "--token", "t", "--timeout", "5"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("FAIL") and "no answer: ConnectionError" in lines[0]
    assert not any(line.startswith("PASS") for line in lines)


def test_needs_no_application_or_database(monkeypatch):
    """It checks another vendor's service as well as ours: nothing of ours is started."""

    def no_app(*args, **kwargs):
        raise AssertionError("conformance made the application")

    monkeypatch.setattr("pos_transactions.cli.create_app", no_app)
    result = _run(_real_clock_fake(), "--token", TOKEN)
    assert result.exit_code == 0, result.output
