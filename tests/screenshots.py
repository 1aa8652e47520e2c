"""make screenshots: the README's pictures, taken from the real app in a real browser.

Serves the app with gunicorn against a fresh SQLite database and a stand-in PE, logs in as an
operator, and photographs the launch form, the review, a running job and the history, in light
and dark, into static/img/screenshots/.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "static" / "img" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def main() -> None:
    database = Path(tempfile.mkdtemp()) / "screenshots.sqlite3"
    os.environ.update(
        {"DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "tests.settings", "LOG_LEVEL": "WARNING"}
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from playwright.sync_api import sync_playwright

    from orchestrator_web.plans.forms import Launch
    from orchestrator_web.plans.services import submit
    from orchestrator_web.rbac.models import GroupProfile, PlanGrant
    from orchestrator_web.simulator import Simulator, StandIn
    from tests.serving import gunicorn, production_password

    call_command("migrate", verbosity=0)
    operators = Group.objects.create(name="Operators")
    GroupProfile.objects.create(group=operators, is_team=True)
    PlanGrant.objects.create(group=operators, plan="*")
    alice = User.objects.create(username="alice", password=production_password("alice-demo"))
    alice.groups.add(operators)
    OUT.mkdir(parents=True, exist_ok=True)
    with StandIn(Simulator(speed=2)) as stand_in:
        from django.conf import settings

        settings.ORCHESTRATOR_URL = settings.RBAC_URL = stand_in.url
        for plan, params in [
            ("facts::info", {"targets": ["web01.example.net", "db01.example.net"]}),
            ("tools::noop", {}),
            ("patching::run", {"targets": "web01.example.net"}),
        ]:
            job, _ = submit(
                alice, Launch(plan, "production", params, [], f"Screenshot: {plan}", None, {}, {}), uuid.uuid4()
            )
        running = job
        with gunicorn(stand_in.url, workers=1, threads=4) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for scheme in ("light", "dark"):
                context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(f"{base}/accounts/login/")
                page.get_by_label("Username").fill("alice")
                page.get_by_label("Password").fill("alice-demo")
                page.get_by_role("button", name="Log in").click()
                page.wait_for_url(lambda url: "/accounts/login/" not in url)
                page.goto(f"{base}/plans/webapp::rolling_restart/")
                page.get_by_label("targets").fill("web01.example.net\nweb02.example.net")
                page.get_by_label("api_key").fill("not-a-real-key")
                page.screenshot(path=str(OUT / f"launch-{scheme}.png"), full_page=True)
                page.get_by_role("button", name="Review").click()
                page.get_by_role("button", name="Run plan").wait_for()
                page.screenshot(path=str(OUT / f"review-{scheme}.png"), full_page=True)
                page.goto(f"{base}/jobs/{running.pk}/")
                page.wait_for_timeout(4000)  # running, with its first events
                page.screenshot(path=str(OUT / f"job-{scheme}.png"), full_page=True)
                page.goto(f"{base}/jobs/")
                page.screenshot(path=str(OUT / f"history-{scheme}.png"), full_page=True)
                context.close()
            browser.close()
    print(f"Screenshots written to {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
