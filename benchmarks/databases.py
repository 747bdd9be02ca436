"""The run's databases, each built the first time a measurement asks for it, so that a run
of some scenarios (`run.py --only ...`) builds only what they need."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from benchmarks import build
from benchmarks.copy_postgresql import copy_to_postgresql, create_database
from benchmarks.sizes import Sizes


@dataclass
class Databases:
    work: Path  # the SQLite files are kept here
    sizes: Sizes
    end: date  # the day after the last sale (today, UTC)
    postgresql: str | None  # the admin URL of the throw-away server, if there is one
    step: Callable[[str], None]  # says what was just done, and when
    _built: dict[str, object] = field(default_factory=dict)

    def _once(self, name: str, make: Callable[[], object]) -> object:
        if name not in self._built:
            self._built[name] = make()
            self.step(f"built the {name} database(s)")
        return self._built[name]

    def path(self, name: str) -> Path:
        return self.work / f"{name}.sqlite3"

    def _with_postgresql(self, name: str) -> dict[str, str]:
        """The SQLite database `name` (already built), and its PostgreSQL copy if we can."""
        urls = {"SQLite": build.sqlite_url(self.path(name))}
        if self.postgresql:
            urls["PostgreSQL"] = create_database(self.postgresql, f"bench_{name}")
            copy_to_postgresql(self.path(name), urls["PostgreSQL"])
        return urls

    def window(self) -> dict[str, str]:
        def make() -> dict[str, str]:
            build.build_window_db(self.path("window"), self.sizes, self.end)
            return self._with_postgresql("window")

        return self._once("window", make)

    def days(self) -> dict[str, str]:
        def make() -> dict[str, str]:
            build.build_days_db(self.path("days"), self.sizes, self.end)
            return self._with_postgresql("days")

        return self._once("days", make)

    def _scale_sources(self) -> Path:
        def make() -> Path:
            build.build_scale_sources(self.path("sources"), self.sizes, self.end)
            return self.path("sources")

        return self._once("scale sources", make)

    def small(self) -> dict[str, str]:
        def make() -> dict[str, str]:
            build.build_scale_db(self.path("small"), self._scale_sources(), self.sizes.small_stores)
            return self._with_postgresql("small")

        return self._once("small", make)

    def large(self) -> tuple[str, int]:
        """The large database (SQLite only) and its sale count."""

        def make() -> tuple[str, int]:
            sources, stores = self._scale_sources(), self.sizes.large_stores
            sales = build.build_scale_db(self.path("large"), sources, stores)
            return build.sqlite_url(self.path("large")), sales

        return self._once("large", make)

    def cold(self) -> dict[str, str]:
        def make() -> dict[str, str]:
            sources = self.path("cold-sources")
            build.build_cold_sources(sources, self.sizes, self.end)
            build.build_cold_db(self.path("cold"), sources, self.sizes)
            return self._with_postgresql("cold")

        return self._once("cold", make)

    def empty(self) -> dict[str, Callable[[str], str]]:
        """For each engine, a factory of new empty databases (by name)."""
        factories = {"SQLite": self._empty_sqlite}
        if self.postgresql:
            factories["PostgreSQL"] = lambda name: create_database(self.postgresql, name)
        return factories

    def _empty_sqlite(self, name: str) -> str:
        self.path(name).unlink(missing_ok=True)
        return build.sqlite_url(self.path(name))
