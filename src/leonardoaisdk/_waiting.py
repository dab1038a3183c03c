"""Polling a job until it is COMPLETE or FAILED, with backoff and a deadline."""

from __future__ import annotations

import time
from typing import Any, Callable, Optional, TypeVar

from . import _defaults
from ._steps import Sleep, Steps
from .models import errors

StateT = TypeVar("StateT")


def check_wait_options(timeout: float, poll_interval: float) -> None:
    for name, value in (("timeout", timeout), ("poll_interval", poll_interval)):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not 0 < value <= _defaults.MAX_TIMEOUT
        ):
            raise errors.RequestValidationError(
                f"{name} must be a positive number of seconds, at most {_defaults.MAX_TIMEOUT:g}"
            )


def wait_steps(
    fetch: Callable[[float], Any],
    pick: Callable[[Any], Optional[StateT]],
    status_of: Callable[[StateT], object],
    *,
    what: str,
    timeout: float,
    poll_interval: float,
    on_progress: Optional[Callable[[StateT], Any]] = None,
) -> Steps[StateT]:
    """The steps (``_steps``) of polling until the state is ``COMPLETE`` (returned) or
    ``FAILED`` (``GenerationFailedError``), or ``timeout`` seconds pass (``WaitTimeoutError``).

    ``fetch(deadline)`` is a poll (yielded: the answer comes back), ``pick(answer)`` its state.
    ``timeout`` is a hard deadline: ``fetch`` gets it (a ``time.monotonic()`` value) and must
    end its request, retries included, by then.

    Polls come every ``poll_interval`` seconds, so a job's completion is noticed within that
    time. A 429 waits at least its ``Retry-After``; 5xx answers and connection failures are
    ridden out until the deadline (the request pipeline has already retried them), the interval
    doubling after each, up to 10 s. ``pick`` may return ``None`` for a job the API does not
    show yet. ``on_progress(state)`` may be a coroutine function on the async client.
    """
    check_wait_options(timeout, poll_interval)
    deadline = time.monotonic() + timeout
    steady = float(poll_interval)
    after_errors = steady
    cap = max(steady, _defaults.WAIT_MAX_POLL_INTERVAL)
    last: Optional[StateT] = None
    status = "not visible yet"
    while True:
        polled_at = time.monotonic()
        problem: Optional[errors.SDKError] = None
        pause = steady
        try:
            state = pick((yield fetch(deadline)))
        except errors.RateLimitError as exc:
            problem = exc
            pause = max(steady, exc.retry_after or 0.0)
        except (errors.ServerError, errors.APIConnectionError) as exc:
            problem = exc
            after_errors = min(after_errors * _defaults.WAIT_ERROR_BACKOFF, cap)
            pause = after_errors
        else:
            after_errors = steady
            if state is not None:
                last = state
                status = str(status_of(state))
                if on_progress is not None:
                    yield on_progress(state)  # awaited, if it is a coroutine
                if status == "COMPLETE":
                    return state
                if status == "FAILED":
                    raise errors.GenerationFailedError(f"{what} failed", generation=state)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise errors.WaitTimeoutError(
                f"{what} was still {status} after {timeout:g} s", last_state=last
            ) from problem
        # Polls keep their cadence: the time a poll took counts towards the next one's wait.
        yield Sleep(max(0.0, min(polled_at + pause - time.monotonic(), remaining)))
