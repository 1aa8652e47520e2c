"""Throughput under gunicorn with the production settings, from a threaded load generator on
loopback: the catalogue (cached), the history page, its live rows' poll and a running job's
polling fragment, each against a trivial authenticated view served by the same gunicorn.
Target: each page reaches at least 50% of the baseline's requests per second; p99 latency is
reported.
"""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from tests.benchmarks.common import Row, child_arguments, database_url, fresh_database, setup_django, write_rows

CONCURRENCY = (1, 4, 16)
REPEATS = 5


def load(path: str, sessions: list, headers: dict[str, str], total: int) -> tuple[float, float, float]:
    """`total` GETs spread over the sessions at once: (requests/s, p50 ms, p99 ms)."""
    per = max(1, total // len(sessions))
    latencies: list[float] = []

    def worker(browser) -> list[float]:  # type: ignore[no-untyped-def]
        spent = []
        for _ in range(per):
            start = time.perf_counter()
            response = browser.get(path, headers=headers)
            spent.append((time.perf_counter() - start) * 1000)
            assert response.status_code in (200, 204), (path, response.status_code)
        return spent

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        for spent in pool.map(worker, sessions):
            latencies.extend(spent)
    elapsed = time.perf_counter() - started
    latencies.sort()
    return len(latencies) / elapsed, latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99) - 1]


def main() -> None:
    args = child_arguments()
    url = database_url(args.database, "bench_throughput")
    fresh_database(url)
    setup_django(url)

    from django.conf import settings

    from orchestrator_web.jobs.models import TERMINAL_STATES, Job
    from orchestrator_web.jobs.selectors import version
    from orchestrator_web.pe.client import OrchestratorClient
    from orchestrator_web.simulator import Simulator, StandIn
    from tests.benchmarks.history import seed
    from tests.serving import Browser, gunicorn, production_password

    seeded = seed(10_000)
    auditor = seeded["auditor"]
    auditor.is_superuser = True  # may run every plan, so the catalogue lists them all
    auditor.password = production_password("bench-password")
    auditor.save()

    with StandIn(Simulator(speed=0.01)) as stand_in:  # plans run for hours: the job stays running
        settings.ORCHESTRATOR_URL = stand_in.url
        pe_job = OrchestratorClient(stand_in.url, "demo-service-token").run_plan("patching::run", {"targets": "x"})
        running = Job.objects.create(
            plan_name="patching::run",
            environment="production",
            requested_by=auditor,
            requested_by_username=auditor.username,
            state="running",
            pe_job_id=pe_job,
        )
        # What a history page under way asks every JOB_POLL_SECONDS: its live rows, unchanged (204).
        live = ",".join(
            f"{row['id']}.{version(row)}"
            for row in Job.objects.exclude(state__in=TERMINAL_STATES)[:10].values("id", "updated_at")
        )
        pages = [
            ("baseline: trivial authenticated view", "/accounts/profile/whoami", {}),
            ("catalogue (cached)", "/plans/", {}),
            ("history page", "/jobs/", {}),
            ("history page, live rows poll (none changed)", f"/jobs/?live={live}", {"HX-Request": "true"}),
            ("running job, polling fragment", f"/jobs/{running.pk}/", {"HX-Request": "true"}),
        ]
        rows = []
        # gunicorn.conf.py decides workers and threads, as it does in production.
        with gunicorn(stand_in.url, workers=None, threads=None) as base:
            sessions = []
            for _ in range(max(CONCURRENCY)):
                browser = Browser(base)
                browser.log_in(auditor.username, "bench-password")
                sessions.append(browser)
            for concurrency in CONCURRENCY:
                users = sessions[:concurrency]
                for _, path, headers in pages:
                    load(path, users, headers, 20)  # warm the caches
                # Rounds over every page, so that drift on this shared machine weighs on each alike.
                runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _, _ in pages}
                for _ in range(REPEATS):
                    for name, path, headers in pages:
                        runs[name].append(load(path, users, headers, 40 * concurrency))
                baseline_rps = statistics.median(r[0] for r in runs[pages[0][0]])
                for name, _, _ in pages:
                    rps = statistics.median(r[0] for r in runs[name])
                    p50 = statistics.median(r[1] for r in runs[name])
                    p99 = statistics.median(r[2] for r in runs[name])
                    ratio = rps / baseline_rps
                    is_baseline = name.startswith("baseline")
                    rows.append(
                        Row(
                            "throughput",
                            f"{name}, {concurrency} at once",
                            args.database,
                            None,
                            p50,
                            f"p99 {p99:.1f} ms",
                            baseline="" if is_baseline else "trivial view, same concurrency",
                            ratio=None if is_baseline else ratio,
                            target="" if is_baseline else ">= 0.5x requests/s",
                            ok=None if is_baseline else ratio >= 0.5,
                            extra={"requests_per_second": round(rps, 1), "p99_ms": round(p99, 1)},
                        )
                    )
                    print(
                        f"  {name:<46} c={concurrency:<3} {rps:8.1f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms",
                        flush=True,
                    )
    write_rows(args.output, rows)


if __name__ == "__main__":
    main()
