"""The sync transport: sending one attempt with ``requests``, and reading its answer within a
deadline and a size cap. It decides nothing: retries, errors and decoding are the pipeline's.

``requests`` gives a read timeout per ``recv``, so a server that drips a byte at a time keeps a
call alive forever. The SDK's own session reads every answer through a socket reader that
cuts each ``recv`` to the time left, which makes the read timeout a deadline for the whole
answer (status line, headers and body) of an attempt.
"""

from __future__ import annotations

import http.client
import io
import socket
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import connection as urllib3_connection
from urllib3 import connectionpool
from urllib3.exceptions import NewConnectionError, ReadTimeoutError

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

Timeout = Tuple[float, float]


# --- reading an answer within a deadline -----------------------------------------------------


class _DeadlineSocketIO(io.RawIOBase):
    """The raw reader under an answer: each ``recv`` waits at most the time left."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self._sock = sock
        # The socket's own reader, which keeps the socket open until it is closed itself
        # (http.client closes the connection of a `Connection: close` answer before its body
        # is read).
        self._reader = sock.makefile("rb", buffering=0)
        timeout = self._read_timeout = sock.gettimeout()
        self._deadline = None if timeout is None else time.monotonic() + timeout

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._deadline is not None:
            remaining = self._deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout(
                    f"the answer took longer than the read timeout ({self._read_timeout:g} s)"
                )
            self._sock.settimeout(min(remaining, self._read_timeout or remaining))
        read: Optional[int] = self._reader.readinto(buffer)
        return 0 if read is None else read

    def close(self) -> None:
        self._reader.close()
        super().close()


class _DeadlineSocket:
    """What ``http.client.HTTPResponse`` is given instead of the socket: only ``makefile``."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def makefile(self, mode: str) -> io.BufferedReader:
        # urllib3 has just set the socket's timeout to this attempt's read timeout.
        return io.BufferedReader(_DeadlineSocketIO(self._sock))


class _DeadlineHTTPResponse(http.client.HTTPResponse):
    def __init__(self, sock: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(_DeadlineSocket(sock), *args, **kwargs)  # type: ignore[arg-type]


class _HTTPConnection(urllib3_connection.HTTPConnection):
    response_class = _DeadlineHTTPResponse


class _HTTPSConnection(urllib3_connection.HTTPSConnection):
    response_class = _DeadlineHTTPResponse


class _HTTPPool(connectionpool.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(connectionpool.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """An adapter whose connections read every answer within its read timeout."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = dict(_POOLS)
        return manager


def new_session() -> requests.Session:
    session = requests.Session()
    # Retries are the pipeline's job; a pool as large as a typical thread pool avoids
    # "connection pool is full" churn when one SDK serves many threads.
    adapter = DeadlineAdapter(
        pool_connections=4, pool_maxsize=_defaults.POOL_MAXSIZE, max_retries=0
    )
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


# --- sending ---------------------------------------------------------------------------------


class RequestsTransport:
    """Sends through one ``requests.Session``, never changing its settings.

    ``requests`` re-reads the proxy and CA-bundle environment on every call (a third of a small
    call's time). For the SDK's own session those settings are resolved once per host, still
    from ``HTTP(S)_PROXY``, ``NO_PROXY`` and ``REQUESTS_CA_BUNDLE``; a session the user passes
    is asked every time, so that its settings always win.
    """

    def __init__(self, session: requests.Session, *, owns_session: bool) -> None:
        self.session = session
        self._cache_settings = owns_session
        self._settings: Dict[Tuple[str, str], Mapping[str, Any]] = {}
        self._base_headers = dict(session.headers)

    def _send_settings(self, url: str) -> Mapping[str, Any]:
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        settings = self._settings.get(key)
        if settings is None:
            # One entry per host, written once; racing threads compute the same value.
            settings = self.session.merge_environment_settings(url, {}, True, None, None)
            self._settings[key] = settings
        return settings

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Optional[Mapping[str, Any]],
        body: Optional[bytes],
        headers: Dict[str, str],
        timeout: Timeout,
        check_redirect: Optional[Callable[[str], None]] = None,
    ) -> requests.Response:
        """One attempt; the body is left unread (``read_body`` reads it).
        ``check_redirect(url)`` runs before a redirect to ``url`` is followed."""
        hooks = {"response": [_redirect_hook(check_redirect)]} if check_redirect else None
        if not self._cache_settings:  # the user's session, and whatever it overrides
            return self.session.request(
                method,
                url,
                params=params,
                data=body,
                headers=headers,
                timeout=timeout,
                stream=True,
                hooks=hooks,
            )
        # What Session.prepare_request would do, less its per-call merging of session settings
        # (fixed for our own session) and its ~/.netrc lookup, which would replace our header.
        prepared = requests.PreparedRequest()
        prepared.prepare(
            method=method,
            url=url,
            headers={**self._base_headers, **headers},
            data=body,
            params=params,
            cookies=self.session.cookies,
            hooks=hooks,
        )
        settings = self._send_settings(prepared.url or url)
        return self.session.send(
            prepared,
            timeout=timeout,
            allow_redirects=True,
            stream=True,
            verify=settings.get("verify"),
            proxies=settings.get("proxies"),
            cert=settings.get("cert"),
        )

    def attempt(self, step: Send) -> Outcome:
        """One attempt of the engine's: sent, and its answer read (or consumed)."""
        read_by = time.monotonic() + step.timeout[0] + step.timeout[1]
        response: Optional[requests.Response] = None
        try:
            response = self.send(
                step.method,
                step.url,
                params=step.params,
                body=step.body,
                headers=step.headers,
                timeout=step.timeout,
                check_redirect=step.check_redirect,
            )
            if step.consume is not None and 200 <= response.status_code < 300:
                with response:
                    return Answer(response, step.consume(response))
            read_body(response, step.limit, read_by)
            return Answer(response)
        except BodyTooLarge as exc:
            return Oversized(response, exc.limit)
        except requests.RequestException as exc:
            return Broke(classify(exc), exc)

    def close(self) -> None:
        self.session.close()


def _redirect_hook(check: Callable[[str], None]) -> Callable[..., requests.Response]:
    def hook(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        if response.is_redirect:
            check(urljoin(response.url, response.headers["Location"]))
        return response

    return hook


def read_body(response: requests.Response, limit: int, deadline: float) -> bytes:
    """The whole (decompressed) body, refusing one larger than ``limit`` without reading the
    rest. Stored on the response too, so ``raw_response.content`` and ``.text`` work."""
    try:
        collector = BodyCollector(response.headers, limit)
        for chunk in response.iter_content(collector.chunk_size):
            collector.add(chunk)
            if time.monotonic() > deadline:
                raise requests.exceptions.ReadTimeout(
                    "the answer took longer than the read timeout", response=response
                )
    except BaseException:
        response.close()  # drop the connection: the rest of the body is never read
        raise
    content = collector.content()
    response._content = content
    response._content_consumed = True  # type: ignore[attr-defined]
    return content


# --- what a failure means ---------------------------------------------------------------------


def classify(exc: requests.RequestException) -> Failure:
    chain = exception_chain(exc)
    timed_out = isinstance(exc, requests.Timeout) or any(
        isinstance(e, (ReadTimeoutError, socket.timeout)) for e in chain
    )
    return Failure(
        never_sent=_never_sent(exc, chain), timed_out=timed_out, reason=innermost_reason(chain)
    )


def _never_sent(exc: requests.RequestException, chain: List[BaseException]) -> bool:
    """Only failures that provably happened before the request's first byte left: a refused
    connection, DNS, a connect timeout, or a TLS handshake failure (the handshake completes
    before any request byte is written; a TLS error after it may follow a sent request)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if any(isinstance(e, NewConnectionError) for e in chain):
        return True
    if isinstance(exc, requests.exceptions.SSLError):
        return any(_failed_in_handshake(e) for e in chain)
    return False


def _failed_in_handshake(exc: BaseException) -> bool:
    import ssl

    if not isinstance(exc, ssl.SSLError):
        return False
    if isinstance(exc, ssl.SSLCertVerificationError):
        return True
    frame = exc.__traceback__
    while frame is not None:
        code = frame.tb_frame.f_code
        if code.co_name == "do_handshake" and code.co_filename.endswith("ssl.py"):
            return True
        frame = frame.tb_next
    return False
