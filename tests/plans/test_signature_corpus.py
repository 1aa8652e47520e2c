"""The signature corpus (signature_corpus.py) through the real views against the stand-in: what a
person types reaches PE exactly as Puppet's rules say, PE takes it, and what Puppet would refuse
is refused on the form with nothing sent."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from orchestrator_web.plans.models import TypeAlias
from orchestrator_web.simulator import StandIn
from tests.helpers import Html

from .conftest import Launcher
from .signature_corpus import CASES, MISSING, TYPED_AS_TEXT, Case, Invalid


@pytest.fixture
def launch(pe_with: Callable[..., StandIn], as_admin: Client) -> Callable[[Case], Launcher]:
    """A launcher for the case's plan on a stand-in that holds it (and the module's aliases),
    with the aliases entered here too when the case says an administrator did."""

    def start(case: Case) -> Launcher:
        stand_in = pe_with({case.plan: {"parameters": case.parameters}}, type_aliases=case.type_aliases)
        if case.app_knows:
            for name, definition in case.type_aliases.items():
                TypeAlias.objects.create(name=name, definition=definition)
        return Launcher(as_admin, stand_in, case.plan)

    return start


def exactly(params: dict[str, Any]) -> str:
    """Params as PE reads them: 5 and 5.0, 1 and true are different values to Puppet."""
    return json.dumps(params, sort_keys=True, indent=1, ensure_ascii=False)


def assert_pe_took_it(stand_in: StandIn) -> None:
    """The stand-in checks a plan call as Bolt does and fails the job (bolt/pal-error) otherwise."""
    job = stand_in.sim.jobs[max(stand_in.sim.jobs)]
    assert (job.outcome, job.result) == ("success", None)


def shown(page: Html) -> str:
    """Everything a page gives away: its text and its attribute values."""
    values = [str(v) for tag in page.soup.find_all(True) for v in tag.attrs.values()]
    return page.plain() + "\n" + "\n".join(values)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_it_sends_what_puppet_takes(launch: Callable[[Case], Launcher], case: Case) -> None:
    plan = launch(case)
    assert exactly(plan.sends(**case.typed)) == exactly(case.sends)
    assert_pe_took_it(plan.stand_in)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES if c.invalid])
def test_it_refuses_what_puppet_refuses(launch: Callable[[Case], Launcher], case: Case) -> None:
    plan = launch(case)
    form = plan.form()
    untouched = plan.defaults() | {"action": "review"} | case.typed
    for entry in case.invalid:
        if not entry.stand_in_misses:
            assert puppet_refuses(plan.stand_in, case, entry), f"Puppet would take {entry}"
        page = Html(plan.client.post(plan.url, untouched | {entry.field: entry.typed}))
        assert entry.message in page.error(entry.field), entry
        assert not page.soup.find("input", attrs={"name": "submission"}), entry
        if form.field(entry.field).get("type") == "password":
            words = set(re.findall(r"[\w.-]{6,}", entry.typed)) - set(re.findall(r"[\w.-]{6,}", shown(form)))
            assert not [w for w in words if w in shown(page)], f"a secret is in the page: {entry}"
    assert plan.stand_in.sim.requests_to("/command/plan_run") == []


def puppet_refuses(stand_in: StandIn, case: Case, entry: Invalid) -> bool:
    """Whether the stand-in, checking the call as Bolt does, refuses the case's params with the
    entry's value in place of its field's."""
    name = entry.field.removeprefix("param__")
    params = {k: v for k, v in case.sends.items() if k != name}
    if entry.value is not MISSING:
        params[name] = entry.typed if entry.value is TYPED_AS_TEXT else entry.value
    return bool(stand_in.sim.catalogue["production"][case.plan].call_problem(params))


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES if c.json])
def test_json_mode_sends_the_same(launch: Callable[[Case], Launcher], case: Case) -> None:
    plan = launch(case)
    # Left out, a parameter without a default is sent as null when its type takes undef.
    typed = {name: value for name, value in case.sends.items() if value is not None}
    reviewed = plan.post("review", mode="json", params_json=json.dumps(typed))
    assert reviewed.soup.find("input", attrs={"name": "submission"}), reviewed.plain()[:2000]
    assert exactly(plan.run(reviewed)) == exactly(case.sends)
    assert_pe_took_it(plan.stand_in)


def test_the_corpus_is_broad() -> None:
    assert len(CASES) >= 85
    assert len({c.id for c in CASES}) == len(CASES)
    assert len([c for c in CASES if c.json]) >= 20
