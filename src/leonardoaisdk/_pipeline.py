"""The sync request pipeline: the engine's steps (:mod:`._engine`) driven with ``requests``.

Every operation goes through :meth:`Pipeline.call`; operations differ only in the data of
their :class:`~leonardoaisdk._operation.Operation`. Nothing shared is mutated per request:
headers are built per call, the session is only used, never configured, here.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, Optional

import requests

from ._engine import (
    STATUS_ERRORS,
    Answer,
    Engine,
    Sleep,
    Steps,
    Timeout,
    TimeoutArg,
    normalize_timeout,
)
from ._operation import Operation, ResponseT
from ._retry import RetriesArg, RetryPolicy
from ._transport import RequestsTransport

__all__ = ["STATUS_ERRORS", "Pipeline", "TimeoutArg", "normalize_timeout"]


class Pipeline(Engine):
    def __init__(
        self,
        transport: RequestsTransport,
        server_url: str,
        token: Callable[[], str],
        timeout: Timeout,
        retries: RetryPolicy,
        **limits: int,
    ) -> None:
        super().__init__(server_url, token, timeout, retries, **limits)
        self.transport = transport

    @property
    def session(self) -> requests.Session:
        return self.transport.session

    def call(
        self,
        op: Operation[ResponseT],
        request: Any,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
        *,
        deadline: Optional[float] = None,
    ) -> ResponseT:
        """Send ``request`` as operation ``op`` and decode the answer. ``deadline`` (a
        ``time.monotonic()`` value) ends the call, retries included."""
        secrets = self.secrets(self._token())
        steps = self.call_steps(op, request, secrets, timeout, retries, deadline)
        return self.decode(op, self._run(steps), secrets.redactor)

    def download(
        self,
        url: str,
        consume: Callable[[requests.Response], Any],
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
        *,
        deadline: Optional[float] = None,
        check_redirect: Optional[Callable[[str], None]] = None,
    ) -> Any:
        """GET a URL off the API, streaming its body into ``consume`` (``Engine.download_steps``);
        ``check_redirect(url)`` runs before each redirect is followed, and may raise."""
        steps = self.download_steps(url, consume, timeout, retries, deadline, check_redirect)
        return self._run(steps).result

    def presigned_post(
        self,
        url: str,
        fields: Dict[str, str],
        file_name: str,
        data: bytes,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> requests.Response:
        """POST a file to a presigned upload URL (``Engine.presigned_post_steps``)."""
        steps = self.presigned_post_steps(url, fields, file_name, data, timeout, retries)
        response: requests.Response = self._run(steps).response
        return response

    def _run(self, steps: Steps) -> Answer:
        try:
            step = next(steps)
            while True:
                if isinstance(step, Sleep):
                    self._sleep(step.seconds)
                    step = steps.send(None)  # type: ignore[arg-type]
                else:
                    step = steps.send(self.transport.attempt(step))
        except StopIteration as done:
            answer: Answer = done.value
            return answer
        finally:
            steps.close()

    def _sleep(self, seconds: float) -> None:
        time.sleep(seconds)
