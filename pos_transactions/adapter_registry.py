"""Finding adapters: every adapter, ours included, is an entry point in one group.

The built-in adapters register in our own ``setup.cfg`` exactly as a vendor's package
would, so nothing here knows their names.  A broken third-party adapter is reported by name
and does not hide the others.
"""

from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from .adapter import Adapter

GROUP = "pos_transactions.adapters"


class UnknownAdapter(LookupError):
    """No installed adapter has that name (or it failed to load); the message lists the known."""


@dataclass(frozen=True)
class AdapterInfo:
    name: str
    version: str | None
    distribution: str | None
    description: str
    adapter: type[Adapter] | None = None
    error: str | None = None


def _entry_points() -> dict[str, EntryPoint]:
    return {point.name: point for point in entry_points(group=GROUP)}


def _load(point: EntryPoint) -> type[Adapter]:
    adapter = point.load()
    if not (isinstance(adapter, type) and issubclass(adapter, Adapter)):
        raise TypeError(f"{point.value} is not a subclass of pos_transactions.adapter.Adapter")
    return adapter


def installed_adapters() -> list[AdapterInfo]:
    """Every registered adapter, sorted by name; one that fails to load carries its error."""
    found = []
    for name, point in sorted(_entry_points().items()):
        distribution = point.dist.name if point.dist else None
        version = point.dist.version if point.dist else None
        try:
            adapter = _load(point)
        except Exception as error:  # a third-party import can fail in any way
            found.append(
                AdapterInfo(
                    name, version, distribution, "", error=f"{type(error).__name__}: {error}"
                )
            )
            continue
        description = getattr(adapter, "description", "") or ""
        found.append(AdapterInfo(name, version, distribution, description, adapter=adapter))
    return found


def get_adapter(name: str) -> type[Adapter]:
    """The adapter class registered as `name`, or UnknownAdapter listing what is installed."""
    points = _entry_points()
    if name not in points:
        known = ", ".join(sorted(points)) or "none"
        raise UnknownAdapter(f"unknown adapter {name!r}; installed adapters: {known}")
    try:
        return _load(points[name])
    except Exception as error:  # a third-party import can fail in any way
        raise UnknownAdapter(
            f"adapter {name!r} failed to load ({type(error).__name__}: {error})"
        ) from None
