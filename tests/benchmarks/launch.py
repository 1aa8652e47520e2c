"""Launch overhead: a whole launch through the app against the client calling plan_run alone.

App: POST "Run plan" (the sealed review) -> Job row -> plan_run at the stand-in -> redirect.
Baseline: OrchestratorClient.run_plan against the same stand-in, in the same run, the two
taking turns. The person launching is an operator with a group grant for the plan.
Target: the app adds at most 10 ms at the median.
"""

from __future__ import annotations

import re

from tests.benchmarks.common import (
    Row,
    child_arguments,
    database_url,
    fresh_database,
    measure_alternately,
    setup_django,
    write_rows,
)

REPEATS = 100


def main() -> None:
    args = child_arguments()
    url = database_url(args.database, "bench_launch")
    fresh_database(url)
    setup_django(url)

    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from orchestrator_web.pe.client import OrchestratorClient
    from orchestrator_web.rbac.models import PlanGrant
    from orchestrator_web.simulator import Simulator, StandIn

    with StandIn(Simulator()) as stand_in:
        settings.ORCHESTRATOR_URL = settings.RBAC_URL = stand_in.url
        pe = OrchestratorClient(stand_in.url, "demo-service-token")

        # An operator allowed to run the plan through a group grant, as most people are (a
        # superuser would skip the grants query).
        user = User.objects.create_user("bench", password="x")
        operators = Group.objects.create(name="Operators")
        PlanGrant.objects.create(group=operators, plan="tools::noop")
        user.groups.add(operators)
        client = Client()
        client.force_login(user)
        form = {"environment": "production", "action": "review"}
        reviews = []
        for _ in range(REPEATS + 2):  # warm-up and repeats
            page = client.post("/plans/tools::noop/", form).content.decode()
            reviews.append(re.search(r'name="submission" value="([^"]+)"', page).group(1))

        def launch() -> None:
            response = client.post("/plans/tools::noop/", {"action": "run", "submission": reviews.pop()})
            assert response.status_code == 302, response.status_code

        baseline, app = measure_alternately([lambda: pe.run_plan("tools::noop", {}), launch], repeats=REPEATS)

    added = app.median_ms - baseline.median_ms
    write_rows(
        args.output,
        [
            Row(
                "launch",
                "client -> stand-in plan_run (baseline)",
                args.database,
                None,
                baseline.median_ms,
                baseline.spread,
            ),
            Row(
                "launch",
                "full launch through the app",
                args.database,
                None,
                app.median_ms,
                app.spread,
                baseline="client plan_run",
                ratio=app.median_ms / baseline.median_ms,
                target="adds <= 10 ms",
                ok=added <= 10,
                extra={"added_ms": round(added, 2)},
            ),
        ],
    )


if __name__ == "__main__":
    main()
