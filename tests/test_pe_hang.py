"""A hanging PE holds only its share of a server's request threads: counted, not timed.

gunicorn runs one worker with four threads and PE_MAX_CONCURRENT=2. PE answers nothing. Four
pages that need PE arrive at once: two wait on PE, two are told at once that PE is busy, and
the health check and the history, which need no PE, are still answered.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.contrib.auth.models import User

from orchestrator_web.simulator import Simulator, StandIn
from tests.serving import Browser, gunicorn, production_password

HANG = 30.0


@pytest.fixture
def hanging_pe(transactional_db: None):  # type: ignore[no-untyped-def]
    with StandIn(Simulator()) as stand_in:
        stand_in.inject("delay", seconds=HANG, times=None, process=False)
        yield stand_in


def test_a_hanging_pe_holds_only_its_share_of_the_threads(hanging_pe: StandIn) -> None:
    User.objects.create(username="root", password=production_password("pw"), is_superuser=True, is_staff=True)
    settings = {"PE_MAX_CONCURRENT": "2", "ORCHESTRATOR_READ_TIMEOUT": str(HANG), "ORCHESTRATOR_CONNECT_TIMEOUT": "2"}
    with gunicorn(hanging_pe.url, workers=1, threads=4, **settings) as base:
        people = [Browser(base) for _ in range(4)]
        for person in people:
            person.log_in("root", "pw")

        def needs_pe(person: Browser) -> str:
            try:
                return person.session.get(person.base + "/plans/", timeout=3).text
            except requests.Timeout:
                return "still waiting on PE"

        with ThreadPoolExecutor(max_workers=4) as pool:
            answers = list(pool.map(needs_pe, people))
            busy = [a for a in answers if "PE is busy: 2 requests from this server already wait on it" in a]
            waiting = [a for a in answers if a == "still waiting on PE"]
            assert (len(busy), len(waiting)) == (2, 2)
            # Two threads wait on PE; the other two still answer what needs no PE.
            assert requests.get(base + "/healthz", timeout=8).status_code == 200
            assert people[0].session.get(base + "/jobs/", timeout=8).status_code == 200
