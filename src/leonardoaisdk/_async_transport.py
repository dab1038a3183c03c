"""The async transport: one attempt of the engine's with ``httpx``, its answer read within a
deadline and a size cap. It decides nothing: retries, errors and decoding are the engine's.

httpx, like requests, times each read, not the answer: a server that drips a byte at a time
would hold a call forever. Every attempt therefore runs under a deadline: the connect timeout
plus the read timeout until the request is written, then the read timeout from that moment, so
the read timeout bounds the whole answer, as the sync transport's socket reader makes it do.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, Awaitable, Callable, Optional, Set
from urllib.parse import urljoin

import httpx

from . import _defaults
from ._engine import (
    Answer,
    BodyCollector,
    BodyTooLarge,
    Broke,
    Failure,
    Outcome,
    Oversized,
    Send,
    exception_chain,
    innermost_reason,
)
from ._redact import mask_sent_headers

MAX_REDIRECTS = 20

# asyncio.Timeout (Python 3.11+): a deadline on the running task that can be moved.
_TIMEOUT_SCOPE: Optional[Callable[[Optional[float]], Any]] = getattr(asyncio, "Timeout", None)

# Raised before any byte of the request is written: the connection was never made (refused,
# DNS, TLS handshake, connect timeout) or no pooled connection became free.
_NEVER_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.InvalidURL,
)

# Everything httpx raises, and what its network layer lets through unwrapped (an
# ssl.SSLError on a read, say): none of it may reach the user as anything but an SDKError.
_FAILURES = (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, httpx.CookieConflict, OSError)


def new_client() -> httpx.AsyncClient:
    limits = httpx.Limits(
        max_connections=_defaults.POOL_MAXSIZE, max_keepalive_connections=_defaults.POOL_MAXSIZE
    )
    # No client-wide timeout: every attempt brings its own (the engine's, per call). trust_env
    # stays on, so HTTP(S)_PROXY, NO_PROXY and SSL_CERT_FILE are honoured as by the sync client.
    return httpx.AsyncClient(limits=limits, timeout=None)


class HttpxTransport:
    """Sends through one ``httpx.AsyncClient``, never changing its settings."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def attempt(self, step: Send) -> Outcome:
        """One attempt, ended by its deadline: the connect timeout plus the read timeout
        until the request is written, then the read timeout from there (as the sync
        transport's socket reader does)."""
        if _TIMEOUT_SCOPE is not None:
            return await self._attempt_in_scope(step)
        return await self._attempt_in_task(step)

    async def _attempt_in_scope(self, step: Send) -> Outcome:
        # Python 3.11+: one timeout scope, moved when the request is written; no extra task.
        assert _TIMEOUT_SCOPE is not None
        loop = asyncio.get_running_loop()
        connect, read = step.timeout
        scope = _TIMEOUT_SCOPE(loop.time() + connect + read)
        written = False

        async def trace(event: str, info: Any) -> None:
            nonlocal written
            if not written and event.endswith("send_request_headers.started"):
                written = True
                scope.reschedule(loop.time() + read)

        try:
            async with scope:
                return await self._attempt(step, trace)
        except TimeoutError:
            if not scope.expired():
                raise
        return _timed_out(read)

    async def _attempt_in_task(self, step: Send) -> Outcome:
        # Python 3.9 and 3.10 have no movable timeout scope: the attempt runs as a task, waited
        # for until its deadline, which moves when the request is written.
        loop = asyncio.get_running_loop()
        connect, read = step.timeout
        written: asyncio.Future[float] = loop.create_future()

        async def trace(event: str, info: Any) -> None:
            if event.endswith("send_request_headers.started") and not written.done():
                written.set_result(loop.time())

        inner = asyncio.ensure_future(self._attempt(step, trace))
        started = loop.time()
        try:
            while True:
                end = written.result() + read if written.done() else started + connect + read
                left = end - loop.time()
                if left <= 0:
                    break
                waiting: Set[asyncio.Future[Any]] = {inner}
                if not written.done():
                    waiting.add(written)
                done, _ = await asyncio.wait(
                    waiting, timeout=left, return_when=asyncio.FIRST_COMPLETED
                )
                if inner in done:
                    return inner.result()
        except BaseException:  # cancelled: the attempt ends (its connection closed) first
            await _cancelled(inner)
            raise
        await _cancelled(inner)
        return _timed_out(read)

    async def _attempt(self, step: Send, trace: Callable[[str, Any], Awaitable[None]]) -> Outcome:
        try:
            return await self._exchange(step, trace)
        except _FAILURES as exc:
            return Broke(classify(exc), exc)

    async def _exchange(self, step: Send, trace: Callable[[str, Any], Awaitable[None]]) -> Outcome:
        connect, read = step.timeout
        timeout = httpx.Timeout(connect=connect, read=read, write=read, pool=connect)
        extensions = {"trace": trace}
        request = self.client.build_request(
            step.method,
            step.url,
            params=step.params,
            content=step.body,
            headers=step.headers,
            timeout=timeout,
            extensions=extensions,
        )
        check = step.check_redirect
        # With a check, redirects are followed here, one at a time, each target checked first.
        response = await self.client.send(request, stream=True, follow_redirects=check is None)
        try:
            hops = 0
            while check is not None and response.is_redirect:
                hops += 1
                if hops > MAX_REDIRECTS:
                    raise httpx.TooManyRedirects("too many redirects", request=request)
                target = urljoin(str(response.url), response.headers["Location"])
                check(target)
                await response.aclose()
                request = self.client.build_request(
                    "GET", target, headers=step.headers, timeout=timeout, extensions=extensions
                )
                response = await self.client.send(request, stream=True, follow_redirects=False)
            mask_sent_headers(response)
            if step.consume is not None and 200 <= response.status_code < 300:
                return Answer(response, await step.consume(response))
            collector = BodyCollector(response.headers, step.limit)
            async for chunk in response.aiter_bytes(collector.chunk_size):
                collector.add(chunk)
            response._content = collector.content()
            return Answer(response)
        except BodyTooLarge as exc:
            return Oversized(response, exc.limit)
        finally:
            # The body is read (or refused): give the connection back, or drop it.
            await response.aclose()

    async def close(self) -> None:
        await self.client.aclose()


def _timed_out(read: float) -> Outcome:
    reason = f"the answer took longer than the read timeout ({read:g} s)"
    return Broke(Failure(never_sent=False, timed_out=True, reason=reason), TimeoutError(reason))


async def _cancelled(task: asyncio.Future[Outcome]) -> None:
    """Cancel an attempt and let it close its response; what it ends with no longer matters."""
    task.cancel()
    with contextlib.suppress(BaseException):
        await task


def classify(exc: BaseException) -> Failure:
    # httpcore raises ConnectError only while connecting, so a TLS error inside one happened in
    # the handshake, before any request byte was written.
    return Failure(
        never_sent=isinstance(exc, _NEVER_SENT),
        timed_out=isinstance(exc, httpx.TimeoutException),
        reason=innermost_reason(exception_chain(exc)),
    )
