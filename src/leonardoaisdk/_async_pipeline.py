"""The async request pipeline: the engine's steps (:mod:`._engine`) driven with ``httpx``.

The same steps as the sync :class:`~leonardoaisdk._pipeline.Pipeline`, awaited: an attempt is
``await transport.attempt(step)``, a backoff is ``await asyncio.sleep``. Cancelling the task
stops the call where it is; nothing is sent again after a cancel.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, Awaitable, Callable, Dict, Optional, Union

import httpx

from ._async_transport import HttpxTransport
from ._engine import Answer, Engine, Sleep, Steps, Timeout, TimeoutArg
from ._operation import Operation, ResponseT
from ._retry import RetriesArg, RetryPolicy

AsyncToken = Callable[[], Union[str, Awaitable[str]]]


class AsyncPipeline(Engine):
    def __init__(
        self,
        transport: HttpxTransport,
        server_url: str,
        token: AsyncToken,
        timeout: Timeout,
        retries: RetryPolicy,
        **limits: int,
    ) -> None:
        super().__init__(server_url, token, timeout, retries, **limits)
        self.transport = transport

    @property
    def client(self) -> httpx.AsyncClient:
        return self.transport.client

    async def call(
        self,
        op: Operation[ResponseT],
        request: Any,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
        *,
        deadline: Optional[float] = None,
    ) -> ResponseT:
        """Send ``request`` as operation ``op`` and decode the answer (``Pipeline.call``)."""
        token = self._token()
        if inspect.isawaitable(token):
            token = await token
        secrets = self.secrets(token)
        steps = self.call_steps(op, request, secrets, timeout, retries, deadline)
        return self.decode(op, await self._run(steps), secrets.redactor)

    async def download(
        self,
        url: str,
        consume: Callable[[httpx.Response], Awaitable[Any]],
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
        *,
        deadline: Optional[float] = None,
        check_redirect: Optional[Callable[[str], None]] = None,
    ) -> Any:
        """GET a URL off the API, streaming its body into ``await consume(response)``."""
        steps = self.download_steps(url, consume, timeout, retries, deadline, check_redirect)
        return (await self._run(steps)).result

    async def presigned_post(
        self,
        url: str,
        fields: Dict[str, str],
        file_name: str,
        data: bytes,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> httpx.Response:
        """POST a file to a presigned upload URL (``Engine.presigned_post_steps``)."""
        steps = self.presigned_post_steps(url, fields, file_name, data, timeout, retries)
        response: httpx.Response = (await self._run(steps)).response
        return response

    async def _run(self, steps: Steps) -> Answer:
        try:
            step = next(steps)
            while True:
                if isinstance(step, Sleep):
                    await asyncio.sleep(step.seconds)
                    step = steps.send(None)  # type: ignore[arg-type]
                else:
                    step = steps.send(await self.transport.attempt(step))
        except StopIteration as done:
            answer: Answer = done.value
            return answer
        finally:
            steps.close()
