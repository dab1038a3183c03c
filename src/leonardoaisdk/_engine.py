"""The request engine: every decision of a call, and no I/O.

A call is a generator (:meth:`Engine.exchange`) that yields what to do next, a :class:`Send`
(one attempt) or a :class:`Sleep` (backoff), and is sent back what happened: an
:class:`Answer`, a :class:`Broke` (the transport failed) or an :class:`Oversized`. Building the
URL, headers and body, the retry decision (what may be sent again), backoff, deadlines,
status mapping, redaction and decoding all live here, so the sync pipeline (``requests``) and
the async one (``httpx``) are thin drivers of the same steps and cannot drift apart.
"""

from __future__ import annotations

import errno
import json
import logging
import math
import os
import time
from typing import (
    Any,
    Callable,
    Dict,
    Generator,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Tuple,
    Union,
)
from urllib.parse import urlsplit

from . import _defaults
from ._codec import ShapeError
from ._config import check_token
from ._operation import Operation, ResponseT
from ._redact import Redactor, bearer_header, masked_headers, safe_url, url_secrets
from ._retry import (
    CallBudget,
    RetriesArg,
    RetryPolicy,
    failure_is_retryable,
    parse_retry_after,
    status_is_retryable,
)
from .models import errors

logger = logging.getLogger("leonardoaisdk")

TimeoutArg = Union[float, Tuple[float, float], None]
Timeout = Tuple[float, float]

STATUS_ERRORS: Dict[int, type] = {
    400: errors.BadRequestError,
    401: errors.AuthenticationError,
    403: errors.PermissionDeniedError,
    404: errors.NotFoundError,
    422: errors.BadRequestError,
    429: errors.RateLimitError,
}

API_PATH = "/api/rest/v1"
"""The path every Leonardo API URL starts with; a server URL without it reaches no route."""


# --- what the engine asks a transport to do, and what it is told back --------------------------


class Failure(NamedTuple):
    """What a transport failure means to the retry decision."""

    never_sent: bool
    """Provably failed before the first byte of the request left: safe to repeat a POST."""
    timed_out: bool
    reason: str


class Send(NamedTuple):
    """One attempt. The transport sends it, reads the answer's body within ``limit`` bytes and
    ``timeout`` (the read timeout bounds the whole answer, not one read) and stores it on the
    response, or with ``consume`` streams a 2xx body into ``consume(response)``."""

    method: str
    url: str
    params: Optional[Dict[str, Any]]
    body: Optional[bytes]
    headers: Dict[str, str]
    timeout: Timeout
    limit: int
    consume: Optional[Callable[[Any], Any]]
    check_redirect: Optional[Callable[[str], None]]


class Sleep(NamedTuple):
    seconds: float


class Answer(NamedTuple):
    """A response with its body read (or, for a ``consume`` call, ``consume``'s result)."""

    response: Any
    result: Any = None


class Broke(NamedTuple):
    """The transport failed; ``cause`` is its exception, chained to the error the user gets."""

    failure: Failure
    cause: BaseException


class Oversized(NamedTuple):
    response: Any
    limit: int


Outcome = Union[Answer, Broke, Oversized]


class BodyTooLarge(Exception):
    def __init__(self, limit: int, seen: int) -> None:
        super().__init__(f"the response body is larger than {limit} bytes")
        self.limit = limit
        self.seen = seen


class BodyCollector:
    """Gathers an answer's (decompressed) body, refusing one larger than ``limit``: at once
    when its ``Content-Length`` says so, else as soon as the bytes read pass it."""

    def __init__(self, headers: Mapping[str, str], limit: int) -> None:
        declared = headers.get("Content-Length", "")
        encoded = bool(headers.get("Content-Encoding"))
        length = (
            int(declared) if declared.isdigit() and len(declared) < 20 and not encoded else None
        )
        if length is not None and length > limit:
            raise BodyTooLarge(limit, length)
        self.limit = limit
        self.chunk_size = length + 1 if length is not None else 64 * 1024
        self._chunks: List[bytes] = []
        self._seen = 0

    def add(self, chunk: bytes) -> None:
        self._seen += len(chunk)
        if self._seen > self.limit:
            raise BodyTooLarge(self.limit, self._seen)
        self._chunks.append(chunk)

    def content(self) -> bytes:
        return self._chunks[0] if len(self._chunks) == 1 else b"".join(self._chunks)


def exception_chain(exc: BaseException) -> List[BaseException]:
    """``exc`` and every exception it wraps (urllib3 and httpcore nest them in ``reason``,
    ``args`` and ``__cause__``)."""
    found: List[BaseException] = []
    pending: List[Any] = [exc]
    while pending and len(found) < 32:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or any(current is e for e in found):
            continue
        found.append(current)
        pending.append(getattr(current, "reason", None))
        pending.extend(current.args[:1])
        pending.append(current.__cause__)
        pending.append(current.__context__)
    return found


def innermost_reason(chain: List[BaseException]) -> str:
    """The innermost reason (e.g. "Connection refused"), not the layers of wrappers."""
    for exc in chain:
        if isinstance(exc, OSError) and exc.strerror:
            code = exc.errno
            if code and code in errno.errorcode and not type(exc).__module__.startswith("ssl"):
                # asyncio words a refused connection "Connect call failed (host, port)"
                return os.strerror(code)
            return exc.strerror
    innermost = chain[-1]
    return str(innermost) or type(innermost).__name__


Steps = Generator[Union[Send, Sleep], Outcome, Answer]


class Secrets(NamedTuple):
    """A call's token and the redactor that scrubs it (and the URL's password) from text."""

    token: str
    redactor: Redactor

    @classmethod
    def of(cls, token: str, url_secrets: Tuple[str, ...]) -> Secrets:
        return cls(token, Redactor((token, *url_secrets)))


NO_SECRETS = Secrets("", Redactor(()))


def normalize_timeout(value: Any, default: Timeout) -> Timeout:
    """``None`` -> ``default``; a number -> (n, n); a (connect, read) pair -> itself."""
    if value is None:
        return default
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        pair: Tuple[Any, Any] = (value, value)
    elif isinstance(value, tuple) and len(value) == 2:
        pair = value
    else:
        raise errors.ConfigurationError(
            f"timeout must be seconds or a (connect, read) tuple, not {value!r}"
        )
    for part in pair:
        if (
            isinstance(part, bool)
            or not isinstance(part, (int, float))
            or not 0 < part <= _defaults.MAX_TIMEOUT
            or not math.isfinite(part)
        ):
            raise errors.ConfigurationError(
                f"timeout values must be positive seconds, at most {_defaults.MAX_TIMEOUT:g}, "
                f"not {value!r}"
            )
    return (float(pair[0]), float(pair[1]))


def is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


class Engine:
    """The settings of one SDK and the steps of its calls; a driver adds the I/O."""

    def __init__(
        self,
        server_url: str,
        token: Callable[[], Any],
        timeout: Timeout,
        retries: RetryPolicy,
        *,
        max_response_bytes: int = _defaults.MAX_RESPONSE_BYTES,
        max_download_bytes: int = _defaults.MAX_DOWNLOAD_BYTES,
    ) -> None:
        self.server_url = server_url
        self.timeout = timeout
        self.retries = retries
        self.max_response_bytes = max_response_bytes
        self.max_download_bytes = max_download_bytes
        self._token = token
        self._url_secrets = url_secrets(server_url)

    def secrets(self, token: Any) -> Secrets:
        return Secrets.of(check_token(token, "the bearer_auth callable"), self._url_secrets)

    def options(self, timeout: TimeoutArg, retries: RetriesArg) -> Tuple[Timeout, RetryPolicy]:
        """A call's timeout and retry policy: its own if given, else the SDK's."""
        policy = self.retries if retries is None else RetryPolicy.from_config(retries)
        return normalize_timeout(timeout, self.timeout), policy

    def call_steps(
        self,
        op: Operation[Any],
        request: Any,
        secrets: Secrets,
        timeout: TimeoutArg,
        retries: RetriesArg,
        deadline: Optional[float],
    ) -> Steps:
        """The steps of sending ``request`` as operation ``op``; the answer is decoded with
        :meth:`decode`. ``deadline`` (a ``time.monotonic()`` value) ends the call, retries
        included, however long its timeout and retry policy would allow."""
        prepared = op.prepare(request)
        timeout_pair, policy = self.options(timeout, retries)
        return self.exchange(
            op.method,
            self.server_url + prepared.path,
            params=prepared.query,
            body=prepared.body,
            timeout=timeout_pair,
            policy=policy,
            deadline=deadline,
            secrets=secrets,
        )

    def download_steps(
        self,
        url: str,
        consume: Callable[[Any], Any],
        timeout: TimeoutArg,
        retries: RetriesArg,
        deadline: Optional[float],
        check_redirect: Optional[Callable[[str], None]],
    ) -> Steps:
        """The steps of a GET off the API (an image on the CDN): no ``Authorization`` header;
        the body is streamed into ``consume`` and retried as a whole if it is cut short."""
        timeout_pair, policy = self.options(timeout, retries)
        return self.exchange(
            "GET",
            url,
            timeout=timeout_pair,
            policy=policy,
            deadline=deadline,
            secrets=NO_SECRETS,
            consume=consume,
            check_redirect=check_redirect,
        )

    def presigned_post_steps(
        self,
        url: str,
        fields: Dict[str, str],
        file_name: str,
        data: bytes,
        timeout: TimeoutArg,
        retries: RetriesArg,
    ) -> Steps:
        """The steps of POSTing a file to a presigned upload URL (S3's form upload): every form
        field, then the file, as multipart/form-data, with no ``Authorization`` header (the URL
        carries its own signature, and the storage service refuses a foreign one)."""
        from urllib3 import encode_multipart_formdata

        parts: list[Any] = list(fields.items())
        parts.append(("file", (file_name, data)))
        body, content_type = encode_multipart_formdata(parts)
        timeout_pair, policy = self.options(timeout, retries)
        return self.exchange(
            "POST",
            url,
            body=body,
            timeout=timeout_pair,
            policy=policy,
            deadline=None,
            secrets=NO_SECRETS,
            content_type=content_type,
        )

    def exchange(
        self,
        method: str,
        url: str,
        *,
        params: Optional[Dict[str, Any]] = None,
        body: Optional[bytes] = None,
        timeout: Timeout,
        policy: RetryPolicy,
        deadline: Optional[float],
        secrets: Secrets,
        consume: Optional[Callable[[Any], Any]] = None,
        check_redirect: Optional[Callable[[str], None]] = None,
        content_type: str = "application/json",
    ) -> Steps:
        """Attempts until one is answered 2xx (returned) or no retry is allowed (the right
        ``SDKError`` is raised). A body that breaks off inside ``consume`` counts as a failed
        attempt. Without a token no ``Authorization`` header is sent (URLs on other hosts)."""
        headers: Dict[str, str] = {"User-Agent": _defaults.USER_AGENT, "Accept": "*/*"}
        if secrets.token:
            headers["Authorization"] = bearer_header(secrets.token)
            headers["Accept"] = "application/json"
        if body is not None:
            headers["Content-Type"] = content_type
        limit = self.max_response_bytes  # a consume call caps its 2xx body itself
        shown_url = safe_url(url)
        budget = CallBudget(policy, timeout, deadline)
        error: Optional[errors.SDKError] = None
        while True:
            attempt_timeout = budget.next_attempt()
            if attempt_timeout is None:
                raise error or errors.APITimeoutError(f"{method} {shown_url} ran out of time")
            sent_at = time.monotonic()
            outcome = yield Send(
                method, url, params, body, headers, attempt_timeout, limit, consume, check_redirect
            )
            cause: Optional[BaseException] = None
            retry_after: Optional[float] = None
            shown: Union[int, str]
            if isinstance(outcome, Answer):
                status = shown = outcome.response.status_code
                if 200 <= status < 300:
                    _log_attempt(method, shown_url, headers, status, budget.attempt, sent_at)
                    return outcome
                retry_after = parse_retry_after(outcome.response.headers.get("Retry-After"))
                error = status_error(
                    outcome.response, secrets.redactor, retry_after, api_call=bool(secrets.token)
                )
                retryable = status_is_retryable(method, status)
            elif isinstance(outcome, Broke):
                cause, shown = outcome.cause, type(outcome.cause).__name__
                error = _connection_error(outcome.failure, method, shown_url, secrets.redactor)
                retryable = failure_is_retryable(method, outcome.failure.never_sent, policy)
            else:
                shown, retryable = "body too large", False
                error = errors.ResponseValidationError(
                    f"{method} {shown_url}: the answer is larger than {outcome.limit} bytes "
                    "(max_response_bytes); it was not read",
                    outcome.response.status_code,
                    "",
                    secrets.redactor.response(outcome.response),
                )
            _log_attempt(method, shown_url, headers, shown, budget.attempt, sent_at)
            wait = budget.wait_before_retry(retry_after) if retryable else None
            if wait is None:
                raise error from cause
            logger.debug("retrying %s %s in %.2f s after %s", method, shown_url, wait, shown)
            yield Sleep(wait)

    def decode(self, op: Operation[ResponseT], answer: Answer, redactor: Redactor) -> ResponseT:
        response = answer.response
        content_type = response.headers.get("Content-Type", "")
        status = response.status_code
        obj = None
        if status != 204:
            problem = None
            if not is_json(content_type):
                problem = f"expected a JSON response, got Content-Type {content_type!r}"
            else:
                try:
                    obj = op.decode_body(json.loads(response.content))
                except (ValueError, RecursionError) as exc:
                    problem = f"{op.name}: malformed JSON body ({exc})"
                except ShapeError as exc:
                    problem = f"{op.name}: unexpected JSON shape: {exc}"
            if problem is not None:
                raise errors.ResponseValidationError(
                    redactor.text(problem),
                    status,
                    redactor.text(response.text),
                    redactor.response(response),
                ) from None
        return op.response_type(
            content_type=content_type, status_code=status, raw_response=response, object=obj
        )


def status_error(
    response: Any, redactor: Redactor, retry_after: Optional[float], *, api_call: bool = True
) -> errors.SDKError:
    """The typed error for a non-2xx response, with the secrets scrubbed from its text."""
    status = response.status_code
    response = redactor.response(response)
    body = response.text
    error, path, code = _leonardo_error_fields(body)
    message = error or reason_of(response) or "API error"
    if status >= 500:
        cls: Any = errors.ServerError
    elif status >= 400:
        cls = STATUS_ERRORS.get(status, errors.APIStatusError)
    else:
        cls = errors.SDKError
        message = f"unexpected HTTP status {status}: {message}"
    if status == 404 and api_call:
        message += _api_path_hint(str(response.url or ""))
    result: errors.SDKError = cls(
        message, status, body, response, error=error, path=path, code=code
    )
    if isinstance(result, errors.RateLimitError):
        result.retry_after = retry_after
    return result


def reason_of(response: Any) -> str:
    """The reason phrase of a ``requests`` or ``httpx`` response."""
    reason = getattr(response, "reason", None)
    if reason is None:
        reason = getattr(response, "reason_phrase", "")
    return str(reason or "")


def _api_path_hint(url: str) -> str:
    """For a 404 from a URL whose path lacks ``/api/rest/v1``: the server URL to use instead
    (``http://127.0.0.1:8765`` reaches a server, but none of the API's routes)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if not parts.scheme or API_PATH in parts.path:
        return ""
    base = safe_url(f"{parts.scheme}://{parts.netloc}{API_PATH}")
    return (
        f"; the URL {safe_url(url.split('?', 1)[0])!r} lacks the API path {API_PATH!r}: "
        f"use server_url={base!r} (or LEONARDO_SERVER_URL={base})"
    )


def _leonardo_error_fields(body: str) -> Tuple[Optional[str], Optional[str], Optional[str]]:
    """``error``, ``path`` and ``code`` of Leonardo's JSON error body, where present."""
    if not body.lstrip().startswith("{"):
        return None, None, None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None, None, None
    if not isinstance(data, dict):
        return None, None, None
    found = [data.get(key) for key in ("error", "path", "code")]
    error, path, code = (value if isinstance(value, str) else None for value in found)
    return error, path, code


def _connection_error(
    failure: Failure, method: str, shown_url: str, redactor: Redactor
) -> errors.SDKError:
    cls = errors.APITimeoutError if failure.timed_out else errors.APIConnectionError
    what = "timed out" if failure.timed_out else "failed"
    error: errors.SDKError = cls(f"{method} {shown_url} {what}: {redactor.text(failure.reason)}")
    return error


def _log_attempt(
    method: str, url: str, headers: Mapping[str, str], outcome: Any, attempt: int, sent_at: float
) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "%s %s -> %s (attempt %d, %.1f ms) headers=%s",
            method,
            url,
            outcome,
            attempt,
            (time.monotonic() - sent_at) * 1000,
            masked_headers(headers),
        )
