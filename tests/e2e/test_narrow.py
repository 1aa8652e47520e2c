"""At 360 px nothing scrolls sideways: long plan names and values wrap."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.e2e.conftest import signed_in

pytestmark = pytest.mark.e2e

# The elements that reach past the right edge, to say which one is too wide.
WIDE_ELEMENTS = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => `${e.tagName.toLowerCase()}.${e.className}#${e.id}`).slice(0, 20)"""
LONG = "a_rather_long_module_name_for_testing::and_an_even_longer_plan_name_that_goes_on_and_on"


def test_plan_pages_fit_a_phone(browser: Browser, site: str, pe_with, admin_user) -> None:  # type: ignore[no-untyped-def]
    pe_with({LONG: {"parameters": {"targets": {"type": "TargetSpec"}, "labels": {"type": "Hash[String, String]"}}}})
    page = signed_in(browser, site, "root", "root-password", viewport={"width": 360, "height": 800})
    wide = "document.scrollingElement.scrollWidth - window.innerWidth"
    widths = {}
    for name, path in {"plans": "/plans/", "launch form": f"/plans/{LONG}/", "profile": "/accounts/profile/"}.items():
        page.goto(site + path)
        widths[name] = page.evaluate(wide)
    page.goto(f"{site}/plans/{LONG}/")
    page.get_by_label("targets").fill("web-" + "x" * 120 + ".example.net")
    page.get_by_label("labels").fill('{"' + "k" * 80 + '": "' + "v" * 120 + '"}')
    page.get_by_role("button", name="Review").click()
    page.get_by_role("button", name="Run plan").wait_for()
    widths["review"] = page.evaluate(wide)
    page.context.close()
    assert widths == dict.fromkeys(widths, 0)


def test_job_and_approval_pages_fit_a_phone(browser: Browser, site: str, alice, operators, clock) -> None:  # type: ignore[no-untyped-def]
    import uuid

    from django.contrib.auth.models import Group, User

    from orchestrator_web.plans.forms import Launch
    from orchestrator_web.plans.services import submit
    from orchestrator_web.rbac.models import PlanGrant

    approvers = Group.objects.create(name="Database approvers of the eastern region data centres")
    bob = User.objects.create_user("bob", password="bob-password")
    bob.groups.add(approvers)
    PlanGrant.objects.filter(group=operators, plan="db::failover").update(
        requires_approval=True, approver_group=approvers
    )
    targets = ",".join(f"web{n:02}-{'x' * 40}.example.net" for n in range(6))
    running, _ = submit(
        alice, Launch("patching::run", "production", {"targets": targets}, [], "y" * 200, None, {}, {}), uuid.uuid4()
    )
    params = {"primary": "db01-" + "z" * 80, "replica": "db02", "vault_token": "s3cret", "dry_run": False}
    waiting, _ = submit(
        alice, Launch("db::failover", "production", params, ["vault_token"], "w" * 200, None, {}, {}), uuid.uuid4()
    )
    finished, _ = submit(
        alice, Launch("facts::info", "production", {"targets": targets}, [], "", None, {}, {}), uuid.uuid4()
    )
    clock.advance(60)
    wide = "document.scrollingElement.scrollWidth - window.innerWidth"
    widths, culprits = {}, {}
    for who, password, pages in [
        (
            "alice",
            "alice-password",
            {"job": f"/jobs/{running.pk}/", "waiting": f"/jobs/{waiting.pk}/", "done": f"/jobs/{finished.pk}/"},
        ),
        ("bob", "bob-password", {"approvals": "/approvals/", "decision": f"/approvals/{waiting.pk}/"}),
    ]:
        context = browser.new_context(viewport={"width": 360, "height": 800})
        page = context.new_page()
        page.goto(f"{site}/accounts/login/")
        widths.setdefault("login", page.evaluate(wide))
        page.get_by_label("Username").fill(who)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        for name, path in {**pages, "not found": "/jobs/999999/"}.items():
            page.goto(site + path)
            widths[name] = page.evaluate(wide)
            if widths[name]:
                culprits[name] = page.evaluate(WIDE_ELEMENTS)
            if name == "approvals":  # the decision is in view, not behind a table's own scroll
                box = page.get_by_role("button", name=f"Approve job {waiting.pk}").bounding_box()
                assert box is not None and box["x"] + box["width"] <= 360
        page.context.close()
    assert widths == dict.fromkeys(widths, 0), culprits


def test_the_schedules_page_fits_a_phone_with_its_actions_in_view(browser: Browser, site: str, alice, clock) -> None:  # type: ignore[no-untyped-def]
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from orchestrator_web.plans.forms import Launch
    from orchestrator_web.rbac.models import PlanGrant
    from orchestrator_web.schedules.services import create

    start = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    for n in range(3):
        params = {"targets": ",".join(f"web{m:02}-{'x' * 40}.example.net" for m in range(4))}
        launch = Launch(
            "facts::info",
            "production",
            params,
            [],
            "A rather long description of a nightly fact gathering " * 3,
            None,
            {},
            {},
            schedule={"start_time": (start + timedelta(hours=n)).isoformat(), "interval_seconds": 86400},
        )
        create(alice, launch, uuid.uuid4())
    page = signed_in(browser, site, "alice", "alice-password", viewport={"width": 360, "height": 800})
    page.goto(f"{site}/schedules/")
    wide = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    culprits = page.evaluate(WIDE_ELEMENTS) if wide else []
    first = page.locator("#schedule-1")
    plan = first.get_by_text("facts::info").bounding_box()
    boxes = [first.get_by_role("link", name=name).bounding_box() for name in ("Change", "Remove")]
    # Every cell of the table is in view too, not only the page: the table's own scroller is gone.
    table_wide = page.evaluate("document.querySelector('.table-wrap').scrollWidth - window.innerWidth")
    # With a change refused (the grant is "Run now only" now), only Remove is offered, and why.
    PlanGrant.objects.filter(plan="facts::info").update(launches="now")
    page.goto(f"{site}/schedules/")
    refused_wide = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    remove = page.locator("#schedule-1").get_by_role("link", name="Remove").bounding_box()
    page.context.close()
    assert wide == 0, culprits
    assert refused_wide == 0
    assert remove is not None and remove["x"] + remove["width"] <= 360
    assert table_wide <= 0
    assert plan is not None and plan["height"] < 24  # the plan's name on one line, not "fact / s::i / nfo"
    for box in boxes:
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
