"""The bulkhead and circuit breaker around PE calls: counted, not timed."""

from __future__ import annotations

import threading

import pytest

from orchestrator_web.pe.errors import OutcomeUnknown, Unreachable, ValidationError
from orchestrator_web.pe.guard import CircuitOpen, Guard, MemoryStore, PEBusy


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def guard(max_concurrent: int | None = 2, clock: Clock | None = None) -> Guard:
    return Guard(max_concurrent=max_concurrent, failures=3, cool_off=15, store=MemoryStore(), clock=clock or Clock())


def test_it_refuses_at_once_when_every_slot_waits_on_pe() -> None:
    g = guard(max_concurrent=2)
    inside, release = threading.Barrier(3), threading.Event()

    def hold() -> None:
        with g.call():
            inside.wait()
            release.wait()

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for thread in threads:
        thread.start()
    inside.wait()  # both slots are taken now
    with pytest.raises(PEBusy, match="2 requests from this server already wait"), g.call():
        pass
    release.set()
    for thread in threads:
        thread.join()
    with g.call():  # the slots are free again
        pass


def test_a_slot_is_given_back_whatever_happens() -> None:
    g = guard(max_concurrent=1)
    with pytest.raises(ValidationError), g.call():
        raise ValidationError(400, "puppetlabs.orchestrator/validation-error", "no", {})
    with g.call():
        pass


def test_background_work_passes_the_bulkhead() -> None:
    g = guard(max_concurrent=None)
    with g.call(), g.call(), g.call():
        pass


def test_it_opens_after_consecutive_timeouts_and_fails_fast_until_the_cool_off_ends() -> None:
    clock = Clock()
    g = guard(clock=clock)
    for _ in range(3):
        with pytest.raises(OutcomeUnknown), g.call():
            raise OutcomeUnknown("no answer within 5 s")
    assert g.is_open()
    refused = pytest.raises(CircuitOpen, match="in time for the last 3 requests; it is asked again in 15 s")
    with refused, g.call():
        raise AssertionError("must not be called")
    clock.now += 16
    with g.call():  # one call goes through to try, and succeeds
        pass
    assert not g.is_open()


def test_answers_from_pe_and_successes_reset_the_count() -> None:
    g = guard()
    for _ in range(2):
        with pytest.raises(Unreachable), g.call():
            raise Unreachable("refused")
    with g.call():
        pass
    with pytest.raises(OutcomeUnknown), g.call():
        raise OutcomeUnknown("no answer")
    with pytest.raises(ValidationError), g.call():  # PE answered: not a failure of PE
        raise ValidationError(400, "puppetlabs.orchestrator/validation-error", "no", {})
    assert not g.is_open()
