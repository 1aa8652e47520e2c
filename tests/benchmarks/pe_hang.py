"""PE hangs; 40 people open pages that need PE at once, and try again a second after each
answer. The pages that need no PE (/healthz for the load balancer, /jobs/ for people) must stay
quick: p99 under 1 s and within 3x their own p99 measured without the hang, in the same run, on
the same server.

gunicorn runs as in production (gunicorn.conf.py: workers and threads), PostgreSQL, and Redis
as the shared cache (CACHE_URL), so the circuit breaker is common to every worker.
"""

from __future__ import annotations

import contextlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.benchmarks.common import Row, child_arguments, database_url, fresh_database, setup_django, write_rows

PE_BOUND = 40
SAMPLES = 60
REDIS = "redis://127.0.0.1:6379/15"


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.99) - 1)]


def sample(get, path: str, count: int) -> list[float]:  # type: ignore[no-untyped-def]
    spent = []
    for _ in range(count):
        start = time.perf_counter()
        response = get(path)
        spent.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        time.sleep(0.02)
    return spent


def main() -> None:
    args = child_arguments()
    url = database_url(args.database, "bench_pe_hang")
    fresh_database(url)
    setup_django(url)

    import redis

    from orchestrator_web.simulator import Simulator, StandIn
    from tests.benchmarks.history import seed
    from tests.serving import Browser, gunicorn, production_password

    redis.Redis.from_url(REDIS).flushdb()
    seeded = seed(1_000)
    person = seeded["auditor"]
    person.is_superuser = True
    person.password = production_password("bench-password")
    person.save()

    rows = []
    with StandIn(Simulator()) as stand_in, gunicorn(stand_in.url, workers=None, threads=None, CACHE_URL=REDIS) as base:
        watcher = Browser(base)
        watcher.log_in(person.username, "bench-password")
        health = Browser(base)
        pages = {"/healthz": health.get, "/jobs/": watcher.get}
        quiet = {path: sample(get, path, SAMPLES) for path, get in pages.items()}

        stand_in.inject("delay", seconds=60, times=None, process=False)  # PE stops answering
        stop = threading.Event()
        crowd = [Browser(base) for _ in range(PE_BOUND)]
        for browser in crowd:
            browser.log_in(person.username, "bench-password")
        pe_pages = ["/plans/?refresh=1", "/plans/facts::info/", "/plans/webapp::rolling_restart/"]

        def keep_asking(i: int) -> int:
            # A person opens a page that needs PE, waits for it, and tries again a second later.
            asked = 0
            while not stop.is_set():
                with contextlib.suppress(requests.RequestException):
                    crowd[i].session.get(base + pe_pages[i % len(pe_pages)], timeout=90)
                asked += 1
                stop.wait(1.0)
            return asked

        with ThreadPoolExecutor(max_workers=PE_BOUND) as pool:
            futures = [pool.submit(keep_asking, i) for i in range(PE_BOUND)]
            time.sleep(2)  # every one of them is waiting on PE or has been refused by now
            hanging = {path: sample(get, path, SAMPLES) for path, get in pages.items()}
            stop.set()
            asked = sum(f.result() for f in futures)
        stand_in.faults.clear()

    for path in pages:
        before, during = p99(quiet[path]), p99(hanging[path])
        ratio = during / before
        ok = during < 1000 and ratio <= 3
        rows.append(
            Row(
                "pe_hang",
                f"{path} p99 while PE hangs, {PE_BOUND} PE-bound at once",
                args.database,
                None,
                during,
                f"p99 {during:.1f} ms",
                baseline=f"same page without the hang: p99 {before:.1f} ms",
                ratio=ratio,
                target="< 1 s and <= 3x",
                ok=ok,
                extra={"p99_quiet_ms": round(before, 1), "p99_hang_ms": round(during, 1), "pe_requests": asked},
            )
        )
        print(f"  {path:<9} p99 quiet {before:7.1f} ms, PE hanging {during:7.1f} ms ({ratio:.2f}x)", flush=True)
    write_rows(args.output, rows)


if __name__ == "__main__":
    main()
