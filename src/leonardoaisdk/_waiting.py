"""Polling a job until it is COMPLETE or FAILED, with backoff and a deadline."""

from __future__ import annotations

import time
from typing import Callable, Optional, TypeVar

from . import _defaults
from .models import errors

StateT = TypeVar("StateT")


def wait_until_done(
    fetch: Callable[[float], Optional[StateT]],
    status_of: Callable[[StateT], object],
    *,
    what: str,
    timeout: float,
    poll_interval: float,
    on_progress: Optional[Callable[[StateT], None]] = None,
) -> StateT:
    """Call ``fetch(deadline)`` until the state it returns is ``COMPLETE`` (returned) or
    ``FAILED`` (``GenerationFailedError``), or ``timeout`` seconds pass (``WaitTimeoutError``).

    ``timeout`` is a hard deadline: ``fetch`` gets it (a ``time.monotonic()`` value) and must
    end its request, retries included, by then.

    Waits grow from ``poll_interval`` by 1.5x per poll up to 10 s. A 429 waits at least its
    ``Retry-After``; 5xx answers and connection failures are ridden out until the deadline
    (the request pipeline has already retried them). ``fetch`` may return ``None`` for a job
    the API does not show yet.
    """
    for name, value in (("timeout", timeout), ("poll_interval", poll_interval)):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not 0 < value <= _defaults.MAX_TIMEOUT
        ):
            raise errors.RequestValidationError(
                f"{name} must be a positive number of seconds, at most {_defaults.MAX_TIMEOUT:g}"
            )
    deadline = time.monotonic() + timeout
    interval = float(poll_interval)
    cap = max(float(poll_interval), _defaults.WAIT_MAX_POLL_INTERVAL)
    last: Optional[StateT] = None
    status = "not visible yet"
    while True:
        problem: Optional[errors.SDKError] = None
        pause = interval
        try:
            state = fetch(deadline)
        except errors.RateLimitError as exc:
            problem = exc
            pause = max(pause, exc.retry_after or 0.0)
        except (errors.ServerError, errors.APIConnectionError) as exc:
            problem = exc
        else:
            if state is not None:
                last = state
                status = str(status_of(state))
                if on_progress is not None:
                    on_progress(state)
                if status == "COMPLETE":
                    return state
                if status == "FAILED":
                    raise errors.GenerationFailedError(f"{what} failed", generation=state)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise errors.WaitTimeoutError(
                f"{what} was still {status} after {timeout:g} s", last_state=last
            ) from problem
        time.sleep(min(pause, remaining))
        interval = min(interval * _defaults.WAIT_POLL_BACKOFF, cap)
