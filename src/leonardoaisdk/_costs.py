"""What each generation cost: the API says so only when a job is created, so the SDK that
created it remembers, and attaches the figure to that generation when it reads it back (for
the notebook display). Bounded, and safe to share between threads."""

from __future__ import annotations

import collections
import threading
from typing import Any, Iterable, OrderedDict, TypeVar

from ._display import COST_ATTRIBUTE

ResponseT = TypeVar("ResponseT")

REMEMBERED = 1024


class CostMemo:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._costs: OrderedDict[str, int] = collections.OrderedDict()

    def record(self, response: ResponseT) -> ResponseT:
        """Remember the cost in a create response (``sdGenerationJob``)."""
        body: Any = getattr(response, "object", None)
        job = getattr(body, "sd_generation_job", None)
        if job is not None and job.generation_id and isinstance(job.api_credit_cost, int):
            with self._lock:
                self._costs[job.generation_id] = job.api_credit_cost
                self._costs.move_to_end(job.generation_id)
                while len(self._costs) > REMEMBERED:
                    self._costs.popitem(last=False)
        return response

    def attach(self, response: ResponseT) -> ResponseT:
        """Attach remembered costs to the generations a response holds."""
        body: Any = getattr(response, "object", None)
        found: Iterable[Any] = []
        if hasattr(body, "generations_by_pk"):
            found = [body.generations_by_pk]
        elif hasattr(body, "generations"):
            found = body.generations or []
        with self._lock:
            for generation in found:
                cost = self._costs.get(getattr(generation, "id", None) or "")
                if cost is not None:  # not a field, so eq, repr and to_dict ignore it
                    generation.__dict__[COST_ATTRIBUTE] = cost
        return response
