"""The history's rows are written by hand for speed (templatetags/history.py): they must read as
the reference partial of templates/jobs/list.html does, and the rows kept for finished jobs must
be the rows that would be written now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.utils import timezone

from orchestrator_web.jobs.models import STATE_LABELS, TERMINAL_STATES, duration
from orchestrator_web.jobs.selectors import LIST_FIELDS
from orchestrator_web.jobs.templatetags import history
from orchestrator_web.times import relative, whole_seconds

from .conftest import make_job


def rows_of(user: User, **fields: Any) -> list[dict[str, Any]]:
    from orchestrator_web.jobs.models import Job

    job = make_job(user, **fields)
    return list(Job.objects.filter(pk=job.pk).values(*LIST_FIELDS))


def reference(job: dict[str, Any]) -> str:
    now = timezone.now()
    took = duration(job["state"], job["created_at"], job["finished_at"], now)
    return render_to_string(
        "jobs/list.html#reference-row",
        {
            "job": job,
            "list_url": "/jobs/",
            "stopped": job["state"] == "failure" and job["stopped_by_username"],
            "withdrawn": job["state"] == "expired" and job["stopped_by_username"],
            "state_name": STATE_LABELS[job["state"]],
            "under_way": job["state"] not in TERMINAL_STATES,
            "took": took,
            "whole_seconds": whole_seconds(took),
            "elapsed": took.total_seconds() if took else 0,
        },
    )


def same_markup(fast: str, slow: str) -> None:
    def tree(text: str) -> list[tuple[str, dict[str, Any], str]]:
        soup = BeautifulSoup(text, "html.parser")
        found = []
        for tag in soup.find_all(True):
            attrs = {k: (" ".join(v) if isinstance(v, list) else v) for k, v in tag.attrs.items()}
            if "data-elapsed" in attrs:  # seconds to the millisecond, from two calls to now()
                attrs["data-elapsed"] = round(float(attrs["data-elapsed"]))
            found.append((tag.name, attrs, tag.get_text()))
        return found

    assert tree(fast) == tree(slow)


LONG = '<b>"Tom & Jerry"</b> ' + "x" * 100


@pytest.mark.parametrize(
    "fields",
    [
        {"state": "success", "pe_job_id": "12", "finished_at": timezone.now()},
        {"state": "failure", "description": LONG, "finished_at": datetime(2026, 3, 1, 11, 2, tzinfo=UTC)},
        {"state": "failure", "stopped_by_username": "bob", "finished_at": timezone.now()},
        {"state": "expired", "stopped_by_username": "bob", "finished_at": timezone.now()},
        {"state": "rejected", "plan_name": "db::failover", "environment": "development"},
        {"state": "running", "pe_job_id": "99", "created_at": timezone.now() - timedelta(minutes=3)},
        {"state": "unknown", "created_at": timezone.now() + timedelta(days=40)},
        {"state": "success", "pe_job_id": "13", "pe_scheduled_job_id": "<12>", "finished_at": timezone.now()},
        {"state": "scheduled", "finished_at": timezone.now()},
    ],
)
def test_the_rows_written_by_hand_read_as_the_reference_partial(alice: User, fields: dict[str, Any]) -> None:
    (job,) = rows_of(alice, **fields)
    same_markup(str(history.history_rows([job], "/jobs/")), reference(job))


def test_a_finished_jobs_row_is_written_once_and_kept(alice: User, monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = rows_of(alice, state="success", created_at=datetime(2026, 3, 1, 11, tzinfo=UTC), finished_at=timezone.now())
    first = history.history_rows(jobs, "/jobs/")
    written = []
    monkeypatch.setattr(history, "time_tag", lambda *args: written.append(args) or "")
    assert history.history_rows(jobs, "/jobs/") == first
    assert written == []


def test_a_kept_row_is_written_again_when_its_words_change(alice: User, monkeypatch: pytest.MonkeyPatch) -> None:
    now = timezone.now()
    jobs = rows_of(alice, state="success", created_at=now - timedelta(minutes=3), finished_at=now)
    first = BeautifulSoup(history.history_rows(jobs, "/jobs/"), "html.parser")
    assert [t.get_text() for t in first.find_all("time")] == ["3 minutes ago", "just now"]
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(minutes=2))
    later = BeautifulSoup(history.history_rows(jobs, "/jobs/"), "html.parser")
    assert [t.get_text() for t in later.find_all("time")] == ["5 minutes ago", "2 minutes ago"]


def test_a_kept_row_is_written_again_when_the_job_changes(alice: User) -> None:
    (job,) = rows_of(alice, state="failure", finished_at=timezone.now())
    history.history_rows([job], "/jobs/")
    stopped = BeautifulSoup(history.history_rows([{**job, "stopped_by_username": "bob"}], "/jobs/"), "html.parser")
    assert stopped.find_all("td")[4].get_text() == "Stopped by bob"


MOMENT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
AWAY = [0, 10, 44, 46, 89, 91, 150, 1799, 2669, 2671, 5000, 5399, 5401, 77399, 77401, 100000, 129599, 129601]
AWAY += [86400 * d + s for d in (2, 10, 25) for s in (-1, 0, 43199, 43201)] + [86400 * 40, 86400 * 400]


@pytest.mark.parametrize("seconds", [*AWAY, *(-s for s in AWAY)])
def test_the_kept_words_are_those_relative_would_write(seconds: int) -> None:
    now = MOMENT + timedelta(seconds=seconds)
    until = history._words_until(MOMENT, now)
    assert until >= now  # equal only on a boundary, where the row is simply written again
    words = relative(MOMENT, now)
    span = min(until - now, timedelta(days=800))
    for step in (0, 0.25, 0.5, 0.75, 0.999):
        later = now + span * step
        assert relative(MOMENT, later) == words, (now, later, until)


def test_a_running_jobs_row_is_kept_but_its_running_time_is_written_afresh(
    alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = timezone.now()
    jobs = rows_of(alice, state="running", created_at=now - timedelta(hours=2), finished_at=None)
    first = BeautifulSoup(history.history_rows(jobs, "/jobs/"), "html.parser")
    assert first.find_all("td")[-1].get_text() == "2h 00m 00s"
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(seconds=65))
    written = []
    monkeypatch.setattr(history, "time_tag", lambda *args: written.append(args) or "")
    later = BeautifulSoup(history.history_rows(jobs, "/jobs/"), "html.parser")
    assert later.find_all("td")[-1].get_text() == "2h 01m 05s"
    assert later.find_all("td")[-1].find("time")["data-elapsed"] == f"{2 * 3600 + 65:.3f}"
    assert written == []  # the submitted time's words ("2 hours ago") were kept
