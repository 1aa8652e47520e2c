"""A launch storm: many people launching at once while the orchestrator misbehaves.

Used by tests/plans/test_launch_storm.py (small) and the benchmarks (200 launches).
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import F

from orchestrator_web.jobs.models import Job
from orchestrator_web.simulator import Fault, StandIn
from tests.serving import Browser, sealed_submission

PLAN = "/plans/tools::noop/"


@dataclass
class StormReport:
    launched: list[int] = field(default_factory=list)  # local job ids, one per "Run plan"
    server_errors: list[str] = field(default_factory=list)  # any 5xx page other than PE's 502
    review_failures: int = 0
    seconds: float = 0.0


def inject_faults(stand_in: StandIn, read_timeout: float, rate: float) -> None:
    """plan_run misbehaves at random: late past the app's read timeout, 500, dropped after
    or before doing the work."""
    for fault in (
        Fault("delay", path="plan_run$", times=None, seconds=read_timeout + 0.5, probability=rate),
        Fault("error", path="plan_run$", times=None, status=500, probability=rate),
        Fault("drop", path="plan_run$", times=None, probability=rate),
        Fault("drop", path="plan_run$", times=None, probability=rate / 2, process=False),
    ):
        stand_in.faults.add(fault)


def _refusals(stand_in: StandIn, stop: threading.Event, every: float, seconds: float) -> None:
    chance = random.Random(7)
    while not stop.wait(every * (0.5 + chance.random())):
        stand_in.refuse_for(seconds)


def _session(base: str, user: str, password: str, launches: int, report: StormReport, lock: threading.Lock) -> None:
    browser = Browser(base)
    browser.log_in(user, password)
    for _ in range(launches):
        token = None
        for _attempt in range(5):  # the review needs plan metadata, which may be unreachable
            review = browser.post(PLAN, {"environment": "production", "action": "review"})
            if review.status_code >= 500 and review.status_code != 502:
                with lock:
                    report.server_errors.append(f"review: HTTP {review.status_code}")
            token = sealed_submission(review.text)
            if token:
                break
            with lock:
                report.review_failures += 1
            time.sleep(0.2)
        if token is None:
            continue
        run = browser.post(PLAN, {"action": "run", "submission": token}, allow_redirects=False)
        match = re.fullmatch(r"/jobs/(\d+)/", run.headers.get("Location", ""))
        if run.status_code != 302 or match is None:
            with lock:
                report.server_errors.append(f"run: HTTP {run.status_code}")
            continue
        page = browser.get(match.group(0))
        with lock:
            report.launched.append(int(match.group(1)))
            if page.status_code >= 500:
                report.server_errors.append(f"job page: HTTP {page.status_code}")


def storm(
    base: str,
    stand_in: StandIn,
    people: list[tuple[str, str]],
    launches_each: int,
    *,
    read_timeout: float,
    fault_rate: float = 0.1,
    refuse_every: float = 1.5,
) -> StormReport:
    """Each person launches `launches_each` times, all at once, through the served app."""
    inject_faults(stand_in, read_timeout, fault_rate)
    report, lock, stop = StormReport(), threading.Lock(), threading.Event()
    refuser = threading.Thread(target=_refusals, args=(stand_in, stop, refuse_every, 0.3), daemon=True)
    started = time.monotonic()
    refuser.start()
    try:
        with ThreadPoolExecutor(max_workers=len(people)) as pool:
            futures = [pool.submit(_session, base, u, p, launches_each, report, lock) for u, p in people]
            for future in futures:
                future.result()
    finally:
        stop.set()
        refuser.join()
        stand_in.faults.clear()
    report.seconds = time.monotonic() - started
    return report


def plan_runs_per_job(stand_in: StandIn) -> Counter[int]:
    """How many plan_run requests reached the stand-in for each local job."""
    counts: Counter[int] = Counter()
    for request in stand_in.sim.requests_to("/command/plan_run"):
        ours = ((request["body"] or {}).get("userdata") or {}).get("orchestrator_web") or {}
        if isinstance(ours.get("job"), int):
            counts[ours["job"]] += 1
    return counts


def pe_jobs_by_local_id(stand_in: StandIn) -> dict[int, str]:
    found = {}
    for job in stand_in.sim.jobs.values():
        ours = job.userdata.get("orchestrator_web") or {}
        if isinstance(ours.get("job"), int):
            found[ours["job"]] = str(job.number)
    return found


def age_unknown_jobs() -> None:
    """Move unknown jobs past UNKNOWN_JOB_WINDOW, as waiting would (tests cannot wait 15 minutes)."""
    Job.objects.filter(state="unknown").update(created_at=F("created_at") - timedelta(hours=1))
