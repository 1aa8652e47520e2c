"""What the benchmarks share: a fresh database, timing with medians and spreads, results.

Every figure is a median over repeated runs with its interquartile spread, and every target is
a ratio against a baseline measured in the same run, because these machines are shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


@dataclass
class Stat:
    median_ms: float
    p25_ms: float
    p75_ms: float
    runs: int

    @property
    def spread(self) -> str:
        return f"{self.p25_ms:.2f}-{self.p75_ms:.2f}"


def measure(fn: Callable[[], Any], repeats: int = 15, warmup: int = 2) -> Stat:
    (stat,) = measure_alternately([fn], repeats, warmup)
    return stat


def measure_alternately(fns: list[Callable[[], Any]], repeats: int = 15, warmup: int = 2) -> list[Stat]:
    """Time each of `fns` `repeats` times, taking turns, so that whatever else the machine is
    doing weighs on all of them alike."""
    for _ in range(warmup):
        for fn in fns:
            fn()
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for fn, spent in zip(fns, samples, strict=True):
            start = time.perf_counter()
            fn()
            spent.append((time.perf_counter() - start) * 1000)
    return [_stat(spent) for spent in samples]


def _stat(samples: list[float]) -> Stat:
    quartiles = statistics.quantiles(samples, n=4) if len(samples) > 1 else [samples[0]] * 3
    return Stat(statistics.median(samples), quartiles[0], quartiles[2], len(samples))


@dataclass
class Row:
    benchmark: str
    case: str
    database: str = ""
    size: int | None = None
    median_ms: float | None = None
    spread_ms: str = ""
    baseline: str = ""
    ratio: float | None = None
    target: str = ""
    ok: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def database_url(kind: str, name: str) -> str:
    if kind == "sqlite":
        RESULTS.mkdir(exist_ok=True)
        return f"sqlite:///{RESULTS / (name + '.sqlite3')}"
    return f"{POSTGRES}/{name}"


def fresh_database(url: str) -> None:
    """Drop and create the benchmark database (never a real one: names start with bench_)."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    server, name = url.rsplit("/", 1)
    assert name.startswith("bench_"), name
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    """Django with the test settings (fast hashing) on `url`, migrated."""
    os.environ["DATABASE_URL"] = url
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def child_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--output", required=True)
    return parser.parse_args()


def write_rows(path: str, rows: list[Row]) -> None:
    Path(path).write_text(json.dumps([asdict(row) for row in rows], indent=2))
