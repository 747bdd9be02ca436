"""The service's version: one source of truth, the installed package's metadata."""

from importlib.metadata import version


def service_version() -> str:
    return version("pos-transactions")
