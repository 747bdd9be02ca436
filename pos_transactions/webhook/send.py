"""Playing LucidRetail's side of the Receive-Case webhook: POST a case document to any
3PP's webhook URL with its token, as LucidRetail would."""

import json
from dataclasses import dataclass

import requests

TIMEOUT = (10, 60)  # seconds to connect, to read: a 3PP's webhook stores before it answers


@dataclass(frozen=True)
class Answer:
    status: int
    body: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def shown(self) -> str:
        """The body, indented when it is JSON, as it came otherwise."""
        try:
            return json.dumps(json.loads(self.body), indent=2)
        except ValueError:
            return self.body


def send_case(url: str, token: str, document: bytes, timeout=TIMEOUT) -> Answer:
    """POST `document` (sent as it is, so a malformed one can be tried too) to `url`;
    requests.RequestException when nothing answers."""
    response = requests.post(
        url,
        data=document,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        timeout=timeout,
        allow_redirects=False,
    )
    return Answer(response.status_code, response.text)
