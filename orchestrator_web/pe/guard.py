"""Keeping a slow or hanging PE from taking the whole site down.

Every call to PE goes through a `Guard`:

- a bulkhead: at most `max_concurrent` calls of this process wait on PE at once; one more is
  refused at once with PEBusy, so request threads stay free for pages that do not need PE;
- a circuit breaker: after `failures` timeouts (or unreachable answers) in a row, calls are
  refused at once with CircuitOpen for `cool_off` seconds, then one is let through to try.

The breaker's state lives in a `Store` (the Django cache in the app, so every process and host
shares it; a dict in tests). Both errors are `Unreachable`: nothing was sent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from .errors import OutcomeUnknown, PEError, Unreachable


class PEBusy(Unreachable):
    """Too many requests of this process already wait on PE; this one was not sent."""


class CircuitOpen(Unreachable):
    """PE timed out repeatedly just now; calls are refused for a few seconds."""

    def __init__(self, message: str, retry_at: float) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class Store(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def set(self, key: str, value: Any, timeout: float | None = None) -> None: ...
    def delete(self, key: str) -> Any: ...


class MemoryStore:
    """A Store for one process (tests, and when no shared cache is configured)."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        self.data[key] = value

    def delete(self, key: str) -> Any:
        return self.data.pop(key, None)


def _counts_as_failure(error: PEError) -> bool:
    # PE not answering in time, or not at all; an answer PE gave (even a refusal) is not one.
    return isinstance(error, (OutcomeUnknown, Unreachable)) and not isinstance(error, (PEBusy, CircuitOpen))


class Guard:
    """A bulkhead and a circuit breaker around calls to one PE service.

    `max_concurrent` None means no bulkhead (background work that holds no request thread).
    `clock` returns seconds (time.time by default: the store is shared between hosts).
    """

    def __init__(
        self,
        *,
        max_concurrent: int | None,
        failures: int,
        cool_off: float,
        store: Store,
        key: str = "pe",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.slots = threading.BoundedSemaphore(max_concurrent) if max_concurrent else None
        self.max_concurrent = max_concurrent
        self.failures = failures
        self.cool_off = cool_off
        self.store = store
        self.key = f"breaker:{key}"
        self.clock = clock

    @contextmanager
    def call(self) -> Iterator[None]:
        """Wrap one call to PE. Raises CircuitOpen or PEBusy instead of waiting."""
        state = self.store.get(self.key) or {"failures": 0, "open_until": 0.0}
        now = self.clock()
        if state["open_until"] > now:
            raise CircuitOpen(
                f"PE could not be reached or did not answer in time for the last {state['failures']} requests; "
                f"it is asked again in {max(1, round(state['open_until'] - now))} s",
                state["open_until"],
            )
        if self.slots is not None and not self.slots.acquire(blocking=False):
            raise PEBusy(f"PE is busy: {self.max_concurrent} requests from this server already wait on it")
        try:
            yield
        except PEError as error:
            if _counts_as_failure(error):
                self._failed()
            raise
        else:
            if state["failures"]:
                self.store.delete(self.key)
        finally:
            if self.slots is not None:
                self.slots.release()

    def _failed(self) -> None:
        state = self.store.get(self.key) or {"failures": 0, "open_until": 0.0}
        failures = state["failures"] + 1
        open_until = self.clock() + self.cool_off if failures >= self.failures else 0.0
        self.store.set(self.key, {"failures": failures, "open_until": open_until}, timeout=self.cool_off * 10)

    def is_open(self) -> bool:
        """Whether calls are being refused right now (for pages that can do without PE)."""
        state = self.store.get(self.key) or {}
        return bool(state.get("open_until", 0.0) > self.clock())
