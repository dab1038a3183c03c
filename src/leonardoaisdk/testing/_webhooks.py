"""Webhook callbacks from ``LocalLeonardo``: an event POSTed when a generation ends.

The live API POSTs ``{"type": "image_generation.complete", "object": "generation", "timestamp":
<ms>, "api_version": "v1", "data": {"object": <the generation, images in "images">}}`` with
``authorization: Bearer <callback key>`` to the callback URL of the API key. How often and how
long it retries is not published; this server makes ``retries`` more attempts, with doubling
backoff, after a refused connection or a 5xx, and none after a timeout, a reset or a 4xx.

Job status is computed when read (see ``_state``), so nothing would notice a generation ending
if nobody polls: a scheduler thread owned by the server wakes at each generation's end time
(or when ``complete()``/``fail()`` ends one) and queues its event; a few sender threads POST
them. API requests only push onto a heap, so a slow or dead receiver never slows the API.

Each attempt has one deadline for connecting, sending and reading the status line, so a
receiver that drips bytes cannot hold a sender longer than a silent one, and every wait also
watches a wake-up socket, so ``stop()`` cuts attempts short at once.
"""

from __future__ import annotations

import collections
import dataclasses
import errno
import functools
import heapq
import itertools
import json
import re
import selectors
import socket
import ssl
import threading
import time
from typing import Any, Callable, Deque, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

from .._version import __version__
from ._state import Job, generation_json
from ._transport import logger

DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 0.5  # seconds before the first retry; doubled for each next one
SENDERS = 4  # a slow receiver holds one sender per event, not the whole queue
MAX_QUEUED = 1000  # events waiting for a sender; more are dropped, and recorded as such
MAX_ANSWER_BYTES = 64 * 1024
STOP_TIMEOUT = 5.0
EVENT_TYPE = "image_generation.complete"
STATUS_LINE = re.compile(rb"HTTP/1\.[01] ([1-5][0-9][0-9])(?: |\r\n)")
CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*([0-9]{1,18})[ \t]*\r\n", re.I)


@dataclasses.dataclass(frozen=True)
class WebhookDelivery:
    """One attempt to deliver a webhook event (or an event dropped before any attempt).

    ``status`` is the HTTP status the receiver answered, ``None`` when it gave none; ``error``
    says why (refused, timed out, reset, not HTTP, queue full). ``time`` is when the attempt
    started (:func:`time.time`), ``elapsed`` how long it took, and ``will_retry`` whether
    another attempt follows.
    """

    url: str
    event_type: str
    generation_id: str
    attempt: int
    status: Optional[int]
    error: Optional[str]
    time: float
    elapsed: float
    will_retry: bool

    @property
    def ok(self) -> bool:
        """The receiver answered 2xx."""
        return self.status is not None and 200 <= self.status < 300


def generation_event(job: Job, origin: str, now: float, sent_at: float) -> Dict[str, Any]:
    """The event the live API POSTs when ``job`` (a generation) ended: the generation as
    ``GET /generations/{id}`` sends it, with its images under ``images``."""
    generation = generation_json(job, origin, now)
    images = generation.pop("generated_images")
    for image in images:
        # A fresh generation has no variations; the webhook's images carry no such list.
        image.pop("generated_image_variation_generics", None)
    generation["images"] = images
    return {
        "type": EVENT_TYPE,
        "object": "generation",
        "timestamp": int(sent_at * 1000),
        "api_version": "v1",
        "data": {"object": generation},
    }


def check_url(url: Any) -> str:
    """``url`` if LocalLeonardo can POST to it, else ``ValueError``."""
    if not isinstance(url, str) or not url.isascii() or any(c <= " " or c == "\x7f" for c in url):
        raise ValueError("webhook_url must be an http:// or https:// URL without spaces")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("webhook_url must be an http:// or https:// URL with a host")
    if parts.username is not None or parts.password is not None:
        raise ValueError("webhook_url must not carry a user name or password")
    try:
        parts.port  # noqa: B018 (urlsplit checks the port when it is read)
    except ValueError:
        raise ValueError("webhook_url has an invalid port") from None
    return url


def check_key(key: Any) -> Optional[str]:
    """``key`` if it can go in an ``Authorization`` header, else ``ValueError`` (which never
    shows the key)."""
    if key is None:
        return None
    if not isinstance(key, str) or not key:
        raise ValueError("webhook_key must be a non-empty str, or None to send no Authorization")
    if key != key.strip() or any(c < " " or c == "\x7f" for c in key):
        raise ValueError("webhook_key must not hold control characters or surrounding spaces")
    return key


@dataclasses.dataclass(frozen=True)
class _Target:
    url: str
    tls: bool
    host: str
    port: int
    # The request line and headers, up to Content-Length; never shown: it holds the key.
    request_head: bytes = dataclasses.field(repr=False)


def _target(url: str, key: Optional[str]) -> _Target:
    parts = urlsplit(url)
    host = parts.hostname or ""
    tls = parts.scheme == "https"
    port = parts.port or (443 if tls else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    shown_host = f"[{host}]" if ":" in host else host
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {shown_host}:{port}" if parts.port else f"Host: {shown_host}",
        f"User-Agent: LocalLeonardo/{__version__} (leonardoaisdk webhook)",
        "Content-Type: application/json",
        "Connection: close",
    ]
    head = "\r\n".join(lines).encode("ascii") + b"\r\n"
    if key is not None:
        # Lower-case, as the live API's documentation shows it (names are case-insensitive).
        head += b"authorization: Bearer " + key.encode("utf-8") + b"\r\n"
    return _Target(url, tls, host, port, head)


class _Stopped(Exception):
    pass


class _TimedOut(Exception):
    pass


class _BadAnswer(Exception):
    pass


@dataclasses.dataclass
class Event:
    generation_id: str
    body: bytes


class Webhooks:
    """The scheduler and senders of one server's webhook events.

    ``announce(job_id)`` (the server's) returns the event body of a job that has ended, once,
    or ``None``; :meth:`schedule` says when to ask.
    """

    def __init__(
        self,
        url: str,
        key: Optional[str],
        *,
        timeout: float,
        retries: int,
        backoff: float,
        max_records: int,
        announce: Callable[[str], Optional[Event]],
    ) -> None:
        if not timeout > 0:
            raise ValueError("webhook_timeout must be positive")
        if retries < 0:
            raise ValueError("webhook_retries must not be negative")
        if not backoff >= 0:
            raise ValueError("webhook_backoff must not be negative")
        self.url = url
        self._target = _target(url, key)
        self._timeout = timeout
        self._retries = retries
        self._backoff = backoff
        self._announce = announce
        self._lock = threading.Lock()
        self._due = threading.Condition(self._lock)  # the scheduler waits on it
        self._ready = threading.Condition(self._lock)  # the senders wait on it
        self._heap: List[Tuple[float, int, str]] = []
        self._order = itertools.count()
        self._queue: Deque[Event] = collections.deque()
        self._records: Deque[WebhookDelivery] = collections.deque(maxlen=max_records)
        self._records_lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads: List[threading.Thread] = []
        self._wake: Optional[Tuple[socket.socket, socket.socket]] = None
        self._tls = ssl.create_default_context() if self._target.tls else None

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self, name: str) -> None:
        if self._threads:
            return
        self._stopping.clear()
        self._wake = socket.socketpair()
        self._threads = [threading.Thread(target=self._schedule_loop, name=f"{name} scheduler")]
        self._threads += [
            threading.Thread(target=self._send_loop, name=f"{name} sender {n}")
            for n in range(1, SENDERS + 1)
        ]
        for thread in self._threads:
            thread.daemon = True
            thread.start()

    def stop(self) -> List[threading.Thread]:
        """End every thread (in-flight attempts are cut short); events not yet delivered are
        dropped. Returns the threads still alive after the wait (none, normally)."""
        self._stopping.set()
        with self._lock:
            self._due.notify_all()
            self._ready.notify_all()
            self._queue.clear()
        wake = self._wake
        if wake is not None:
            wake[1].send(b"x")  # never read: it keeps every sender's select awake
        deadline = time.monotonic() + STOP_TIMEOUT
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        stuck = [t for t in self._threads if t.is_alive()]
        self._threads = []
        if wake is not None and not stuck:
            for end in wake:
                end.close()
            self._wake = None
        return stuck

    # --- what the server calls -----------------------------------------------------------------

    def schedule(self, job_id: str, at: float) -> None:
        """Ask ``announce(job_id)`` once ``time.monotonic()`` reaches ``at``. Cheap: API
        threads call it."""
        with self._lock:
            heapq.heappush(self._heap, (at, next(self._order), job_id))
            self._due.notify()

    @property
    def deliveries(self) -> List[WebhookDelivery]:
        with self._records_lock:
            return list(self._records)

    # --- threads -------------------------------------------------------------------------------

    def _schedule_loop(self) -> None:
        while True:
            job_id = self._next_due()
            if job_id is None:
                return
            event = self._announce(job_id)  # takes the store's lock: not under ours
            if event is not None:
                self._enqueue(event)

    def _next_due(self) -> Optional[str]:
        """The next job whose end time has come, once it has; ``None`` on stop."""
        with self._lock:
            while not self._stopping.is_set():
                if self._heap and self._heap[0][0] <= time.monotonic():
                    return heapq.heappop(self._heap)[2]
                self._due.wait(self._heap[0][0] - time.monotonic() if self._heap else None)
            return None

    def _enqueue(self, event: Event) -> None:
        with self._lock:
            if len(self._queue) < MAX_QUEUED:
                self._queue.append(event)
                self._ready.notify()
                return
        self._record(event, 1, None, f"dropped: {MAX_QUEUED} events already wait", time.time(), 0)

    def _send_loop(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._stopping.is_set():
                    self._ready.wait()
                if self._stopping.is_set():
                    return
                event = self._queue.popleft()
            self._deliver(event)

    def _deliver(self, event: Event) -> None:
        for attempt in range(1, self._retries + 2):
            started, clock = time.time(), time.monotonic()
            status: Optional[int] = None
            error: Optional[str] = None
            retry = False
            try:
                status = self._post(event.body, clock + self._timeout)
                retry = status >= 500
            except _Stopped:
                return
            except _TimedOut:
                error = f"no answer within {self._timeout:g} s"
            except _BadAnswer as exc:
                error = str(exc)
            except ConnectionRefusedError:
                error, retry = "connection refused", True
            except OSError as exc:  # ssl.SSLError is one
                error = _describe(exc)
            retry = retry and attempt <= self._retries
            self._record(event, attempt, status, error, started, time.monotonic() - clock, retry)
            if not retry:
                return
            if self._stopping.wait(self._backoff * 2 ** (attempt - 1)):
                return

    def _record(
        self,
        event: Event,
        attempt: int,
        status: Optional[int],
        error: Optional[str],
        started: float,
        elapsed: float,
        will_retry: bool = False,
    ) -> None:
        record = WebhookDelivery(
            url=self.url,
            event_type=EVENT_TYPE,
            generation_id=event.generation_id,
            attempt=attempt,
            status=status,
            error=error,
            time=started,
            elapsed=elapsed,
            will_retry=will_retry,
        )
        with self._records_lock:
            self._records.append(record)
        if not record.ok:
            logger.debug(
                "webhook for generation %s, attempt %d: %s",
                event.generation_id,
                attempt,
                error or f"HTTP {status}",
            )

    # --- one attempt ---------------------------------------------------------------------------

    def _post(self, body: bytes, deadline: float) -> int:
        """POST ``body``; the status the receiver answered. Raises ``_TimedOut``, ``_Stopped``,
        ``_BadAnswer`` or ``OSError`` (``ConnectionRefusedError`` when nothing listens)."""
        target = self._target
        conn = self._connect(deadline)
        try:
            if self._tls is not None:
                tls = self._tls.wrap_socket(
                    conn, server_hostname=target.host, do_handshake_on_connect=False
                )
                conn = tls
                self._io(conn, tls.do_handshake, deadline)
            request = target.request_head + b"Content-Length: %d\r\n\r\n" % len(body) + body
            view = memoryview(request)
            while view:
                view = view[self._io(conn, functools.partial(conn.send, view), deadline) :]
            return self._read_status(conn, deadline)
        finally:
            conn.close()

    def _connect(self, deadline: float) -> socket.socket:
        target = self._target
        refused: Optional[OSError] = None
        # DNS is the one step without a deadline: the resolver has its own timeouts.
        for family, kind, proto, _, address in socket.getaddrinfo(
            target.host, target.port, type=socket.SOCK_STREAM
        ):
            sock = socket.socket(family, kind, proto)
            try:
                sock.setblocking(False)
                code = sock.connect_ex(address)
                if code in (errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN):
                    self._wait(sock, selectors.EVENT_WRITE, deadline)
                    code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if code:
                    raise OSError(code, f"connect: {errno.errorcode.get(code, code)}")
                return sock
            except ConnectionRefusedError as exc:  # "localhost": ::1 may refuse, 127.0.0.1 not
                sock.close()
                refused = exc
            except BaseException:
                sock.close()
                raise
        raise refused or OSError(f"{target.host} has no address")

    def _io(self, conn: socket.socket, step: Callable[[], Any], deadline: float) -> Any:
        """``step()`` on a non-blocking (TLS) socket, waiting as it asks, until it is done."""
        while True:
            try:
                return step()
            except (BlockingIOError, ssl.SSLWantReadError):
                self._wait(conn, selectors.EVENT_READ, deadline)
            except ssl.SSLWantWriteError:
                self._wait(conn, selectors.EVENT_WRITE, deadline)

    def _wait(self, sock: socket.socket, events: int, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _TimedOut()
        wake = self._wake
        if wake is None or self._stopping.is_set():
            raise _Stopped()
        with selectors.DefaultSelector() as selector:
            selector.register(sock, events)
            selector.register(wake[0], selectors.EVENT_READ)
            ready = selector.select(remaining)
        if any(key.fileobj is wake[0] for key, _ in ready):
            raise _Stopped()
        if not ready:
            raise _TimedOut()

    def _read_status(self, conn: socket.socket, deadline: float) -> int:
        answer = b""
        while b"\r\n\r\n" not in answer:
            if len(answer) > MAX_ANSWER_BYTES:
                raise _BadAnswer(f"answered more than {MAX_ANSWER_BYTES} bytes of headers")
            chunk = self._io(conn, functools.partial(conn.recv, MAX_ANSWER_BYTES), deadline)
            if not chunk:
                raise _BadAnswer(
                    "closed the connection without answering"
                    if not answer
                    else "closed the connection in the middle of its answer"
                )
            answer += chunk
        head, _, rest = answer.partition(b"\r\n\r\n")
        found = STATUS_LINE.match(head + b"\r\n")
        if found is None:
            raise _BadAnswer("answered something that is not HTTP/1.x")
        status = int(found.group(1))
        self._drain(conn, head, len(rest), deadline)
        return status

    def _drain(self, conn: socket.socket, head: bytes, have: int, deadline: float) -> None:
        """Read the rest of the answer before closing, so that the receiver does not see its
        answer cut off; best effort, within the attempt's deadline and a size cap."""
        length = CONTENT_LENGTH.search(head + b"\r\n")
        wanted = int(length.group(1)) if length else MAX_ANSWER_BYTES
        try:
            while have < min(wanted, MAX_ANSWER_BYTES):
                chunk = self._io(conn, functools.partial(conn.recv, MAX_ANSWER_BYTES), deadline)
                if not chunk:
                    return
                have += len(chunk)
        except (_TimedOut, _Stopped, OSError):
            return


def _describe(exc: OSError) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not accepted: {exc.verify_message}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed: {exc.reason or exc}"
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    if isinstance(exc, socket.gaierror):
        return f"host not found: {exc.strerror}"
    return f"connection failed: {exc.strerror or exc}"


def encode(event: Dict[str, Any]) -> bytes:
    return json.dumps(event, separators=(",", ":"), allow_nan=False).encode()
