"""Running many generations at the account's concurrency: ``generation.generate_many``.

One loop, no threads (on the async client no tasks either: the same steps, awaited): it keeps
at most ``concurrency`` jobs in flight, starts the next as soon as one ends, and polls every
job in flight with one listing of the user's newest generations per tick (a per-id GET only for
a job the listing does not show). A create is a POST that costs credits, so it is never
repeated, except after a 429, which means the job was not created.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from typing import TYPE_CHECKING, Any, Callable, Deque, Dict, List, Optional, Sequence, Union

from . import _defaults
from ._steps import Sleep, Steps
from .models import errors

if TYPE_CHECKING:
    from .models import operations

logger = logging.getLogger("leonardoaisdk")


def created_generation_id(created: Any) -> str:
    """The id in a ``create_generation`` answer, or the error saying the job may still exist."""
    body = getattr(created, "object", None)
    job = getattr(body, "sd_generation_job", None)
    generation_id = getattr(job, "generation_id", None)
    if not isinstance(generation_id, str) or not generation_id:
        raise errors.ResponseValidationError(
            "POST /generations answered without a generation id; the job may have started"
        )
    return generation_id


class BatchResult:
    """What became of one request of a batch: the COMPLETE ``generation``, or the ``error``."""

    __slots__ = ("error", "generation", "generation_id", "request")

    def __init__(self, request: operations.CreateGenerationRequestBody) -> None:
        self.request = request
        self.generation_id: Optional[str] = None
        # As the poll that saw it COMPLETE read it: from the listing or the single GET.
        self.generation: Optional[
            Union[
                operations.GetGenerationByIDGenerations,
                operations.GetGenerationsByUserIDGenerations,
            ]
        ] = None
        self.error: Optional[errors.SDKError] = None

    @property
    def ok(self) -> bool:
        return self.generation is not None

    def __repr__(self) -> str:
        outcome = "COMPLETE" if self.ok else repr(self.error)
        return f"BatchResult(generation_id={self.generation_id!r}, {outcome})"


class _InFlight:
    __slots__ = ("deadline", "result")

    def __init__(self, result: BatchResult, deadline: float) -> None:
        self.result = result
        self.deadline = deadline


class Batch:
    def __init__(
        self,
        client: Any,
        requests: Sequence[operations.CreateGenerationRequestBody],
        *,
        concurrency: int,
        user_id: str,
        timeout: float,
        on_progress: Optional[Callable[[int, int, BatchResult], Any]],
        tick: float = _defaults.BATCH_POLL_INTERVAL,
    ) -> None:
        self.client = client
        self.results = [BatchResult(request) for request in requests]
        self.concurrency = concurrency
        self.user_id = user_id
        self.timeout = timeout
        self.on_progress = on_progress
        self.tick = tick
        self.waiting: Deque[BatchResult] = deque(self.results)
        self.in_flight: Dict[str, _InFlight] = {}
        self.done = 0
        self.requests_made = 0
        self.not_before = 0.0  # a 429's Retry-After: no create before this time

    def steps(self) -> Steps[List[BatchResult]]:
        try:
            while self.waiting or self.in_flight:
                tick_started = time.monotonic()
                yield from self._start_jobs()
                if self.in_flight:
                    yield from self._poll()
                pause = self.tick - (time.monotonic() - tick_started)
                if (self.waiting or self.in_flight) and pause > 0:
                    yield Sleep(pause)
        except KeyboardInterrupt:
            created = [r.generation_id for r in self.results if r.generation_id]
            logger.warning("batch interrupted; generations already created: %s", created)
            raise errors.BatchInterrupted(self.results, created) from None
        return self.results

    # --- starting -------------------------------------------------------------------------------

    def _start_jobs(self) -> Steps[None]:
        while self.waiting and len(self.in_flight) < self.concurrency:
            if time.monotonic() < self.not_before:
                return
            result = self.waiting[0]
            try:
                self.requests_made += 1
                created = yield self.client.create_generation(result.request, retries="none")
            except errors.RateLimitError as exc:
                # A 429 means the job was not created: try it again after Retry-After.
                self.not_before = time.monotonic() + (exc.retry_after or 1.0)
                return
            except errors.SDKError as exc:
                self.waiting.popleft()
                yield from self._finish(result, error=exc)
                continue
            self.waiting.popleft()
            try:
                generation_id = created_generation_id(created)
            except errors.ResponseValidationError as exc:
                yield from self._finish(result, error=exc)
                continue
            result.generation_id = generation_id
            self.in_flight[generation_id] = _InFlight(result, time.monotonic() + self.timeout)

    # --- polling --------------------------------------------------------------------------------

    def _poll(self) -> Steps[None]:
        listed = yield from self._listing()
        for generation_id in list(self.in_flight):
            state = listed.get(generation_id)
            if state is None:
                state = yield from self._one(generation_id)
            yield from self._judge(generation_id, state)

    def _listing(self) -> Steps[Dict[str, Any]]:
        """The newest generations of the user, by id: one request covers every job in flight."""
        limit = max(_defaults.LIST_PAGE_SIZE, 2 * len(self.in_flight))
        try:
            self.requests_made += 1
            body = (yield self.client.get_generations_by_user_id(self.user_id, limit=limit)).object
        except errors.SDKError:
            return {}  # a blip: the per-id GETs of this tick cover it
        found = (body.generations if body is not None else None) or []
        return {g.id: g for g in found if g is not None and g.id in self.in_flight}

    def _one(self, generation_id: str) -> Steps[Any]:
        try:
            self.requests_made += 1
            body = (yield self.client.get_generation_by_id(generation_id)).object
        except (errors.ServerError, errors.APIConnectionError, errors.RateLimitError):
            return None  # ridden out like a wait does; the job's deadline still holds
        except errors.SDKError as exc:
            yield from self._finish(self.in_flight.pop(generation_id).result, error=exc)
            return None
        return body.generations_by_pk if body is not None else None

    def _judge(self, generation_id: str, state: Any) -> Steps[None]:
        flight = self.in_flight.get(generation_id)
        if flight is None:
            return
        status = str(getattr(state, "status", "")) if state is not None else ""
        if status == "COMPLETE":
            del self.in_flight[generation_id]
            yield from self._finish(flight.result, generation=state)
        elif status == "FAILED":
            del self.in_flight[generation_id]
            failed = errors.GenerationFailedError(
                f"generation {generation_id} failed", generation=state
            )
            yield from self._finish(flight.result, error=failed)
        elif time.monotonic() > flight.deadline:
            del self.in_flight[generation_id]
            late = errors.WaitTimeoutError(
                f"generation {generation_id} was still {status or 'not visible'} after "
                f"{self.timeout:g} s",
                last_state=state,
            )
            yield from self._finish(flight.result, error=late)

    def _finish(
        self,
        result: BatchResult,
        *,
        generation: Any = None,
        error: Optional[errors.SDKError] = None,
    ) -> Steps[None]:
        result.generation = generation
        result.error = error if generation is None else None
        if generation is None and error is None:
            result.error = errors.ResponseValidationError(
                f"generation {result.generation_id} could not be read back"
            )
        self.done += 1
        if self.on_progress is not None:
            yield self.on_progress(self.done, len(self.results), result)  # awaited if async
