"""Faults injected per route, for the next N requests on it."""

from __future__ import annotations

import collections
import dataclasses
import threading
from typing import Deque, Dict, Optional, Union


@dataclasses.dataclass
class Fault:
    """What happens to a request, in order: wait ``delay`` seconds; if ``status`` is an error,
    refuse the request (it is not processed) with that status; otherwise process it, then
    replace the answer's ``body`` / ``content_type``, cut it short (``truncate``), or close the
    connection without answering (``drop``, after the work is done: the worst case for a POST).
    """

    times: int
    status: Optional[int] = None
    retry_after: Optional[Union[int, float, str]] = None
    delay: Optional[float] = None
    drop: bool = False
    body: Optional[Union[bytes, str]] = None
    content_type: Optional[str] = None
    truncate: bool = False


class FaultRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: Dict[str, Deque[Fault]] = collections.defaultdict(collections.deque)

    def add(self, route: str, fault: Fault) -> None:
        if fault.times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._queues[route].append(fault)

    def take(self, route: str) -> Optional[Fault]:
        """The fault for this request on ``route``, if one is pending."""
        with self._lock:
            queue = self._queues.get(route)
            if not queue:
                return None
            fault = queue[0]
            fault.times -= 1
            if fault.times == 0:
                queue.popleft()
            return fault

    def clear(self) -> None:
        with self._lock:
            self._queues.clear()
