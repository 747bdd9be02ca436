"""The service's version: one source of truth, the installed package's metadata (setup.cfg)."""

from functools import cache
from importlib.metadata import version


@cache
def service_version() -> str:
    """The version of the installed ``pos-transactions`` distribution (read once: it cannot
    change under a running process, and /healthz must stay cheap)."""
    return version("pos-transactions")
