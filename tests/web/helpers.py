"""Helpers shared by the integration page's tests."""

import re

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
NEW_TOKEN = re.compile(r'id="new-token" readonly value="([^"]+)"')
PASSWORD = "correct horse battery staple"


def csrf_token(html: str) -> str:
    return CSRF.search(html).group(1)


def new_token(html: str) -> str:
    return NEW_TOKEN.search(html).group(1)
