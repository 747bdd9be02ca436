"""The one table every measurement adds its row to, and the facts printed above it."""

import os
import platform
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import click
import psycopg

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    target: str
    measured: str
    goal: str
    verdict: str


class Report:
    def __init__(self) -> None:
        self.rows: list[Row] = []

    def add(self, target: str, measured: str, goal: str, met: bool | None) -> None:
        verdict = {True: "met", False: "MISSED", None: "-"}[met]
        self.rows.append(Row(target, measured, goal, verdict))
        click.echo(f"  {target}: {measured} ({goal}) {verdict}", err=True)

    def table(self) -> str:
        header = Row("target", "measured", "goal", "verdict")
        rows = [header, *self.rows]
        widths = [max(len(getattr(row, name)) for row in rows) for name in vars(header)]
        lines = []
        for number, row in enumerate(rows):
            cells = [
                getattr(row, name).ljust(width)
                for name, width in zip(vars(row), widths, strict=True)
            ]
            lines.append("| " + " | ".join(cells) + " |")
            if number == 0:
                lines.append("|" + "|".join("-" * (width + 2) for width in widths) + "|")
        return "\n".join(lines)


def commit() -> str:
    """The short commit of the tree measured, with '+changes' when it has uncommitted ones."""

    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    short = git("rev-parse", "--short", "HEAD") or "unknown"
    return short + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def machine_facts(postgresql: str | None) -> str:
    """What the figures were measured on, for the README's 'Latest result'."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    memory = Path("/proc/meminfo").read_text().split()[1]
    facts = [
        f"{os.cpu_count()} cores ({model})",
        f"{int(memory) / 2**20:.0f} GiB RAM",
        f"{platform.system()} {platform.release()}",
        f"Python {sys.version.split()[0]}",
        f"SQLite {sqlite3.sqlite_version}",
        f"gunicorn {version('gunicorn')}",
    ]
    if postgresql:
        with psycopg.connect(postgresql) as connection:
            facts.append(f"PostgreSQL {connection.execute('SHOW server_version').fetchone()[0]}")
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    facts.append(" ".join((wrk.stdout or wrk.stderr).split()[:2]))
    return ", ".join(facts)


def heading(quick: bool, minutes: float, postgresql: str | None) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    run = "quick" if quick else "full"
    return f"commit {commit()}, {when}, {run} run, {minutes:.1f} min\n{machine_facts(postgresql)}"
