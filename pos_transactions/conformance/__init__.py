"""``pos-transactions conformance``: play LucidRetail against any 3PP's API and say, rule by
rule, whether it keeps the Retail Transactions contract (and, with a webhook URL, the
Receive-Case webhook's).

It talks HTTP only (`requests`, with timeouts): no database, so it checks our own server
and another vendor's alike.  `rules` holds the pure rules, `feed_checks` and
`webhook_checks` the checks (each returns a `Verdict` with its reason), `runner` runs them,
`report` prints the checklist.
"""

from .runner import run_conformance
from .verdict import Status, Verdict

__all__ = ["Status", "Verdict", "run_conformance"]
