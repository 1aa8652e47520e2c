"""Launch storm: 200 launches from 20 sessions against gunicorn while the stand-in delays past
the read timeout, answers 500, drops connections and refuses them. Afterwards: one job row per
launch, none left submitting, no error page, no plan_run sent twice, and sync_jobs settles
every unknown job."""

from __future__ import annotations

from io import StringIO

from tests.benchmarks.common import Row, child_arguments, database_url, fresh_database, setup_django, write_rows

SESSIONS, LAUNCHES_EACH, READ_TIMEOUT = 20, 10, 1.0


def main() -> None:
    args = child_arguments()
    url = database_url(args.database, "bench_storm")
    fresh_database(url)
    setup_django(url)

    from collections import Counter

    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from orchestrator_web.jobs.models import Job
    from orchestrator_web.rbac.models import PlanGrant
    from orchestrator_web.simulator import Simulator, StandIn
    from tests.serving import gunicorn, production_password
    from tests.storm import age_unknown_jobs, pe_jobs_by_local_id, plan_runs_per_job, storm

    group = Group.objects.create(name="Stormers")
    PlanGrant.objects.create(group=group, plan="tools::noop")
    people = []
    for i in range(SESSIONS):
        user = User.objects.create(username=f"storm{i:02d}", password=production_password("storm-password"))
        user.groups.add(group)
        people.append((user.username, "storm-password"))

    with StandIn(Simulator(speed=20)) as stand_in:
        settings.ORCHESTRATOR_URL = settings.RBAC_URL = stand_in.url
        with gunicorn(stand_in.url, workers=2, threads=8, ORCHESTRATOR_TIMEOUT=str(READ_TIMEOUT)) as app:
            report = storm(app, stand_in, people, LAUNCHES_EACH, read_timeout=READ_TIMEOUT, fault_rate=0.1)
        states_before = Counter(Job.objects.values_list("state", flat=True))
        sent_twice = [job for job, count in plan_runs_per_job(stand_in).items() if count > 1]
        age_unknown_jobs()
        call_command("sync_jobs", stdout=StringIO(), stderr=StringIO())
        in_pe = pe_jobs_by_local_id(stand_in)
        wrong = [
            job.pk
            for job in Job.objects.all()
            if (job.pk in in_pe and job.pe_job_id != in_pe[job.pk])
            or (job.pk not in in_pe and job.state not in ("not_submitted", "rejected"))
        ]
        states_after = Counter(Job.objects.values_list("state", flat=True))

    checks = {
        "launches": len(report.launched),
        "job rows": Job.objects.count(),
        "left submitting": states_before.get("submitting", 0),
        "error pages": len(report.server_errors),
        "plan_run sent twice": len(sent_twice),
        "unknown after sync_jobs": states_after.get("unknown", 0),
        "jobs in the wrong state after sync_jobs": len(wrong),
    }
    ok = checks["launches"] == SESSIONS * LAUNCHES_EACH == checks["job rows"] and not any(
        checks[k] for k in list(checks)[2:]
    )
    print(f"  storm: {checks} before sync {dict(states_before)} after {dict(states_after)}", flush=True)
    write_rows(
        args.output,
        [
            Row(
                "storm",
                f"{SESSIONS * LAUNCHES_EACH} launches from {SESSIONS} sessions with faults",
                args.database,
                None,
                report.seconds * 1000,
                "",
                target="nothing lost, nothing twice, no error page, no unknown left",
                ok=ok,
                extra={**checks, "states_before_sync": dict(states_before), "states_after_sync": dict(states_after)},
            )
        ],
    )


if __name__ == "__main__":
    main()
