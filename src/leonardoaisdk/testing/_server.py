"""``LocalLeonardo``: a real, threaded HTTP server on 127.0.0.1 that speaks the Leonardo API."""

from __future__ import annotations

import collections
import dataclasses
import json
import secrets
import threading
import time
import uuid
from typing import Any, Callable, Deque, Dict, List, Optional, Union
from urllib.parse import parse_qsl, urlsplit

from . import _api, _png, _routes
from ._faults import Fault, FaultRegistry
from ._generation_routes import IMAGE_KINDS
from ._records import Records
from ._state import COMPLETE, FAILED, CompleteAfter, Job, Store
from ._transport import Handler, Limits, Server, logger
from ._uploads import BUCKET_PATH, FORM_OVERHEAD, IMAGE_EXTENSIONS, MODEL_EXTENSIONS, Uploads
from ._webhooks import (
    DEFAULT_BACKOFF,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    Event,
    WebhookDelivery,
    Webhooks,
    check_key,
    check_url,
    encode,
    generation_event,
)

DEFAULT_MAX_LOG_ENTRIES = 1000
DEFAULT_MAX_LOGGED_BODY = 64 * 1024
DEFAULT_MAX_BODY = 4 * 1024 * 1024  # Leonardo's JSON bodies are a few KB
DEFAULT_READ_TIMEOUT = 10.0
DEFAULT_MAX_CONNECTIONS = 256
DEFAULT_MAX_UPLOAD = 8 * 1024 * 1024
DEFAULT_UPLOAD_EXPIRES_AFTER = 120.0  # Leonardo's presigned URLs last about 2 minutes
DEFAULT_COMPLETE_AFTER = 1.0
DEFAULT_CONCURRENCY_LIMIT = 10  # the live API's default: 10 concurrent image jobs per account
DEFAULT_SEED = 0
STOP_TIMEOUT = 5.0
ONE_TRIANGLE_OBJ = b"# one triangle\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n"


@dataclasses.dataclass(frozen=True)
class RecordedRequest:
    """A request that reached the server. ``path`` is relative to the API base for API calls
    (``"/generations/abc"``) and the full path for image downloads (``"/cdn/..."``).

    ``body`` holds at most the server's ``max_logged_body`` bytes; ``body_length`` is the length
    the client sent, and ``truncated`` says whether ``body`` is shorter than that.
    """

    method: str
    path: str
    route: Optional[str]
    query: Dict[str, str]
    headers: Dict[str, str]
    body: bytes
    time: float
    body_length: int

    @property
    def truncated(self) -> bool:
        return len(self.body) < self.body_length

    def json(self) -> Any:
        if self.truncated:
            raise ValueError(
                f"the log kept {len(self.body)} of the body's {self.body_length} bytes "
                "(LocalLeonardo(max_logged_body=...) keeps more)"
            )
        return json.loads(self.body) if self.body else None


class LocalLeonardo:
    """A local, stateful Leonardo API for development and tests.

    ``with LocalLeonardo() as server:`` starts it on an ephemeral port of 127.0.0.1 and stops it
    on exit. Point the SDK at it with
    ``LeonardoAiSDK(bearer_auth=server.api_key, server_url=server.url)``.

    Args:
        port: the port to listen on; ``0`` picks a free one.
        api_key: the bearer token it accepts; a random one by default.
        user_id: the id ``GET /me`` reports and generations are listed under.
        complete_after: seconds a job stays ``PENDING`` before it is ``COMPLETE``; or a
            ``(low, high)`` range, from which each job draws its own duration uniformly.
            ``0`` completes every job at once.
        seed: seeds the draws from a ``complete_after`` range, so a run that creates the
            same jobs in the same order gets the same durations.
        concurrency_limit: how many jobs of a pool may be ``PENDING`` at once: image jobs
            (generations, motion and variations) share one pool, texture jobs have their
            own; model trainings are not limited. A create beyond it answers ``429``
            (``rate-limited``) and creates nothing. ``GET /me`` reports it as
            ``apiConcurrencySlots``. ``None``: no limit.
        max_log_entries: how many requests :attr:`request_log` keeps; the oldest go first.
        max_logged_body: bytes of each request body the log keeps (the rest is dropped;
            :attr:`RecordedRequest.body_length` keeps the true length).
        max_body: the largest API request body accepted; a larger one is answered ``413``
            from its headers, without being read (presigned uploads have ``max_upload``).
        read_timeout: seconds a client has to send each request, counted from when the
            server starts waiting for it (so idle keep-alive connections close after it), and
            to read each answer.
        max_connections: how many connections are served at once (one thread each); one
            more is answered ``503`` with ``Retry-After: 1`` and closed.
        max_upload: the largest file a presigned upload accepts (S3's ``EntityTooLarge``
            above it); the upload's whole request may be this plus 64 KiB of form fields.
        upload_expires_after: seconds a presigned upload stays valid after it is issued.
        clock: the monotonic clock upload expiry is measured with (tests can pass their own
            to expire an upload without waiting).
        webhook_url: where to POST a webhook event when a generation (image or motion) ends,
            ``COMPLETE`` or ``FAILED``, as the live API POSTs to an API key's callback URL;
            ``None``: no webhooks. Each attempt is in :attr:`webhook_deliveries`.
        webhook_key: the callback key, sent as ``authorization: Bearer <key>``; ``None``
            sends no ``Authorization``, as the live API does for a key without one.
        webhook_timeout: seconds each attempt may take, connecting, sending and reading the
            answer's status line together.
        webhook_retries: attempts made after a refused connection or a 5xx answer (the live
            API's retry policy is not published), waiting ``webhook_backoff`` seconds before
            the first, doubling each time. A timeout, a reset or a 4xx is not retried.

    Whatever clients do (reset connections, send garbage, oversized or endless bodies, or
    nothing at all), the server answers HTTP/1.1 with Leonardo's error body or closes the
    connection, logs connection failures at DEBUG on the ``leonardoaisdk.testing`` logger,
    and :meth:`stop` ends every connection and thread it started.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: Optional[str] = None,
        user_id: Optional[str] = None,
        complete_after: CompleteAfter = DEFAULT_COMPLETE_AFTER,
        seed: int = DEFAULT_SEED,
        concurrency_limit: Optional[int] = DEFAULT_CONCURRENCY_LIMIT,
        max_log_entries: int = DEFAULT_MAX_LOG_ENTRIES,
        max_logged_body: int = DEFAULT_MAX_LOGGED_BODY,
        max_body: int = DEFAULT_MAX_BODY,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        max_upload: int = DEFAULT_MAX_UPLOAD,
        upload_expires_after: float = DEFAULT_UPLOAD_EXPIRES_AFTER,
        clock: Callable[[], float] = time.monotonic,
        webhook_url: Optional[str] = None,
        webhook_key: Optional[str] = None,
        webhook_timeout: float = DEFAULT_TIMEOUT,
        webhook_retries: int = DEFAULT_RETRIES,
        webhook_backoff: float = DEFAULT_BACKOFF,
    ) -> None:
        if min(max_log_entries, max_logged_body, max_body, max_upload) < 0:
            raise ValueError(
                "max_log_entries, max_logged_body, max_body and max_upload must not be negative"
            )
        if not upload_expires_after > 0:
            raise ValueError("upload_expires_after must be positive")
        if not read_timeout > 0:
            raise ValueError("read_timeout must be positive")
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self.api_key = api_key or f"local-{secrets.token_hex(16)}"
        self.user_id = user_id or str(uuid.uuid4())
        self._host = host
        self._port = port
        self._store = Store(complete_after, seed=seed, concurrency_limit=concurrency_limit)
        self._uploads = Uploads(upload_expires_after, max_upload, clock)
        self._api = _api.Api(self._store, Records(), self._uploads, self.api_key, self.user_id)
        self._faults = FaultRegistry()
        self._log: Deque[RecordedRequest] = collections.deque(maxlen=max_log_entries)
        self._log_lock = threading.Lock()
        self._max_logged_body = max_logged_body
        self._limits = Limits(
            max_body,
            read_timeout,
            max_connections,
            body_limits={BUCKET_PATH: max_upload + FORM_OVERHEAD},
        )
        self._stopping = threading.Event()  # cuts injected delays short on stop()
        self._httpd: Optional[Server] = None
        self._thread: Optional[threading.Thread] = None
        self._webhooks: Optional[Webhooks] = None
        self._webhook_origin = ""  # image URLs in events; kept, as stop() clears _httpd first
        if webhook_url is not None:
            self._webhooks = Webhooks(
                check_url(webhook_url),
                check_key(webhook_key),
                timeout=webhook_timeout,
                retries=webhook_retries,
                backoff=webhook_backoff,
                max_records=max_log_entries,
                announce=self._announce,
            )
            self._store.watch(self._watch)
        elif webhook_key is not None:
            raise ValueError("webhook_key is set but webhook_url is not")

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> LocalLeonardo:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        self._httpd = Server((self._host, self._port), self._serve, self._limits)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"LocalLeonardo {self._httpd.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        if self._webhooks is not None:
            port = self._httpd.server_address[1]
            self._webhook_origin = f"http://{self._host}:{port}"
            self._webhooks.start(f"LocalLeonardo {port} webhook")
        return self

    def stop(self) -> None:
        """Stop listening, close every open connection and wait for every thread the server
        started to end (injected delays are cut short)."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        stuck = httpd.close_connections(timeout=STOP_TIMEOUT)
        if self._thread is not None:
            self._thread.join(timeout=STOP_TIMEOUT)
            self._thread = None
        if stuck:
            logger.warning("LocalLeonardo: %d connection threads outlived stop()", len(stuck))
        if self._webhooks is not None and self._webhooks.stop():
            logger.warning("LocalLeonardo: webhook threads outlived stop()")

    def __enter__(self) -> LocalLeonardo:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:<port>``: where image URLs point."""
        if self._httpd is None:
            raise RuntimeError("the server is not running: use start() or `with`")
        return f"http://{self._host}:{self._httpd.server_address[1]}"

    @property
    def url(self) -> str:
        """The API base URL, for ``LeonardoAiSDK(server_url=...)``."""
        return self.origin + _api.API_PREFIX

    def __repr__(self) -> str:
        where = self.url if self._httpd is not None else "stopped"
        return f"<LocalLeonardo {where} user_id={self.user_id}>"

    # --- what tests use ------------------------------------------------------------------------

    @property
    def concurrency_limit(self) -> Optional[int]:
        """How many jobs of a pool may be ``PENDING`` at once (``None``: no limit)."""
        return self._store.concurrency_limit

    @property
    def routes(self) -> List[str]:
        """The route names ``inject`` accepts, e.g. ``"GET /generations/{id}"``."""
        return [r.key for r in _routes.all_routes()]

    def inject(
        self,
        route: str,
        *,
        times: int = 1,
        status: Optional[int] = None,
        retry_after: Optional[Union[int, float, str]] = None,
        delay: Optional[float] = None,
        drop: bool = False,
        body: Optional[Union[bytes, str]] = None,
        content_type: Optional[str] = None,
        truncate: bool = False,
    ) -> None:
        """Make the next ``times`` requests on ``route`` misbehave.

        A ``status`` of 400 or more refuses the request without processing it (with
        Leonardo's error body, or ``body``), adding ``Retry-After`` if ``retry_after`` is given.
        Otherwise the request is processed, then its answer is altered: ``body`` and
        ``content_type`` replace the real ones, ``truncate`` sends only half the body, and
        ``drop`` resets the connection without answering. ``delay`` (seconds) comes first.
        Faults injected on the same route apply in order.
        """
        if route not in self.routes:
            raise ValueError(f"unknown route {route!r}; routes are: {', '.join(self.routes)}")
        self._faults.add(
            route,
            Fault(times, status, retry_after, delay, drop, body, content_type, truncate),
        )

    def clear_faults(self) -> None:
        self._faults.clear()

    @property
    def request_log(self) -> List[RecordedRequest]:
        """The requests that reached the API, oldest first (a copy): the last
        ``max_log_entries``, each body cut to ``max_logged_body`` bytes. Requests the transport
        refused (unreadable framing, a body over ``max_body``, a malformed request line) are
        not in it."""
        with self._log_lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    @property
    def webhook_deliveries(self) -> List[WebhookDelivery]:
        """Every attempt to deliver a webhook event, oldest first (a copy; the last
        ``max_log_entries``): url, event type, generation id, attempt number, the status
        answered or the error, when, how long, and whether a retry follows. Empty without
        ``webhook_url``."""
        return self._webhooks.deliveries if self._webhooks is not None else []

    def complete(self, job_id: str) -> None:
        """Finish a job now, whatever its delay: a generation, texture, variation or model
        training (the id ``POST /models`` answers)."""
        self._store.force(job_id, COMPLETE)

    def fail(self, job_id: str) -> None:
        """Make a job (generation, texture, variation or model training) end in ``FAILED``."""
        self._store.force(job_id, FAILED)

    def completes_at(self, job_id: str) -> float:
        """When a job stops (or stopped) being ``PENDING``, in :func:`time.monotonic` terms:
        its creation plus its duration, or the moment :meth:`complete` / :meth:`fail` ended
        it, if that was earlier. ``KeyError`` for an unknown id."""
        return self._store.timing(job_id)[1]

    def duration(self, job_id: str) -> float:
        """The seconds a job was drawn to stay ``PENDING`` (from ``complete_after``), whether
        or not :meth:`complete` / :meth:`fail` ended it sooner. ``KeyError`` for an unknown
        id."""
        return self._store.timing(job_id)[0]

    def add_init_image(self, data: Optional[bytes] = None, *, extension: str = "png") -> str:
        """An init image already uploaded (``data``, or a small PNG): its id, usable as
        ``init_image_id`` at once. For tests whose subject is not the upload itself."""
        if extension not in IMAGE_EXTENSIONS:
            raise ValueError(f"extension must be one of {IMAGE_EXTENSIONS}")
        image = self._api.records.add_init_image(self.user_id, extension)
        self._uploads.store(image.key, _png.render_png(64, 64, image.id) if data is None else data)
        return image.id

    def add_model_asset(
        self, data: Optional[bytes] = None, *, extension: str = "obj", name: Optional[str] = None
    ) -> str:
        """A 3D model already uploaded (``data``, or a one-triangle OBJ): its id, usable as
        ``modelAssetId`` of ``POST /generations-texture`` at once."""
        if extension not in MODEL_EXTENSIONS:
            raise ValueError(f"extension must be one of {MODEL_EXTENSIONS}")
        asset = self._api.records.add_model_asset(self.user_id, name, extension)
        self._uploads.store(asset.key, ONE_TRIANGLE_OBJ if data is None else data)
        return asset.id

    # --- webhooks ------------------------------------------------------------------------------

    def _watch(self, job: Job, ends_at: float) -> None:
        if self._webhooks is not None and job.kind in IMAGE_KINDS:
            self._webhooks.schedule(job.id, ends_at)

    def _announce(self, job_id: str) -> Optional[Event]:
        job = self._store.take_ended(job_id, IMAGE_KINDS)
        if job is None:  # deleted, or announced already
            return None
        event = generation_event(job, self._webhook_origin, time.monotonic(), time.time())
        return Event(job.id, encode(event))

    # --- serving -------------------------------------------------------------------------------

    def _serve(self, handler: Handler) -> None:
        url = urlsplit(handler.path)
        found, params, path = _api.match(handler.command, url.path)
        request = _api.Request(
            method=handler.command,
            path=path,
            query=dict(parse_qsl(url.query)),
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=handler.body,
            params=params,
            # From the handler's own server: a request still in flight while stop() runs has one.
            origin=f"http://{self._host}:{handler.server.server_address[1]}",
        )
        with self._log_lock:
            self._log.append(
                RecordedRequest(
                    request.method,
                    path,
                    found.key if found else None,
                    request.query,
                    request.headers,
                    request.body[: self._max_logged_body],
                    time.time(),
                    len(request.body),
                )
            )
        fault = self._faults.take(found.key) if found is not None else None
        if fault is None:
            handler.send(self._api.handle(found, request))
            return
        if fault.delay:
            self._stopping.wait(fault.delay)
        status = fault.status
        if status is not None and status >= 400:
            reply = _api.status_reply(status)  # refused: the request is not processed
        else:
            reply = self._api.handle(found, request)
            if status is not None:
                reply.status = status
        if fault.body is not None:
            reply.body = _bytes(fault.body)
        if fault.content_type is not None:
            reply.content_type = fault.content_type
        if fault.retry_after is not None:
            reply.headers["Retry-After"] = str(fault.retry_after)
        if fault.drop:
            handler.reset()
        elif fault.truncate:
            handler.send(reply, truncate=True)
        else:
            handler.send(reply)


def _bytes(body: Union[bytes, str]) -> bytes:
    return body.encode() if isinstance(body, str) else body
