"""The HTTP side: LucidRetail's calls to a 3PP, with timeouts, and what came back.

Every call gives an `Answer`, never an exception: a refused connection or a timeout is an
answer without a status, so a check can fail with the reason instead of the run crashing.
"""

import json
from dataclasses import dataclass
from typing import Any

import requests

DEFAULT_TIMEOUT = 30.0  # seconds, connecting and reading each


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer at all (see `problem`)
    body: Any = None  # the parsed JSON, when the body was JSON
    is_json: bool = False
    problem: str | None = None

    @property
    def transactions(self) -> list | None:
        """The JSON list a feed call answered (any 2xx), or None."""
        if self.status is not None and 200 <= self.status < 300 and isinstance(self.body, list):
            return self.body
        return None

    def describe(self) -> str:
        """The answer in a few words, for a reason: "HTTP 200", "no answer: ..."."""
        if self.status is None:
            return f"no answer: {self.problem}"
        return f"HTTP {self.status}" + ("" if self.is_json else " (body not JSON)")


class Lucid3ppClient:
    """Calls one 3PP's feed (and webhook) with LucidRetail's ``Authorization: Token``."""

    def __init__(
        self,
        feed_url: str,
        token: str,
        webhook_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.feed_url = feed_url
        self.token = token
        self.webhook_url = webhook_url
        self.timeout = timeout
        self.session = requests.Session()

    def __enter__(self) -> "Lucid3ppClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.session.close()

    def poll(self, params: dict[str, str] | None = None, token: str | None = None) -> Answer:
        """GET the feed with `params` (none: the default window) and `token` (default: ours)."""
        return self._call("GET", self.feed_url, token, params=params or None)

    def post_case(self, document: object, token: str | None = None) -> Answer:
        """POST one case document to the webhook, as LucidRetail does."""
        if self.webhook_url is None:
            raise ValueError("no webhook URL was given")
        return self._call("POST", self.webhook_url, token, json=document)

    def _call(self, method: str, url: str, token: str | None, **kwargs: Any) -> Answer:
        headers = {"Authorization": f"Token {token or self.token}", "Accept": "application/json"}
        try:
            response = self.session.request(
                method, url, headers=headers, timeout=self.timeout, allow_redirects=False, **kwargs
            )
            content = response.content
        except requests.RequestException as error:
            return Answer(status=None, problem=type(error).__name__)
        try:
            return Answer(response.status_code, json.loads(content), is_json=True)
        except ValueError:
            return Answer(response.status_code)
