"""The one request pipeline: prepare -> send (with retries) -> map status -> decode.

Every operation goes through :meth:`Pipeline.call`; operations differ only in the data of
their :class:`~leonardoaisdk._operation.Operation`. Nothing shared is mutated per request:
headers are built per call, the session is only used, never configured, here.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Callable, Dict, Optional, Tuple, TypeVar, Union

import requests

from . import _defaults
from ._codec import ShapeError
from ._operation import Operation, ResponseT
from ._retry import (
    RetriesArg,
    RetryPolicy,
    exception_is_retryable,
    parse_retry_after,
    status_is_retryable,
)
from .models import errors

logger = logging.getLogger("leonardoaisdk")

TimeoutArg = Union[float, Tuple[float, float], None]
Timeout = Tuple[float, float]
ResultT = TypeVar("ResultT")

STATUS_ERRORS: Dict[int, type] = {
    400: errors.BadRequestError,
    401: errors.AuthenticationError,
    403: errors.PermissionDeniedError,
    404: errors.NotFoundError,
    422: errors.BadRequestError,
    429: errors.RateLimitError,
}

REDACTED = "[REDACTED]"


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
        if isinstance(part, bool) or not isinstance(part, (int, float)) or not part > 0:
            raise errors.ConfigurationError(
                f"timeout values must be positive seconds, not {value!r}"
            )
    return (float(pair[0]), float(pair[1]))


def is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


class Pipeline:
    def __init__(
        self,
        session: requests.Session,
        server_url: str,
        token: Callable[[], str],
        timeout: Timeout,
        retries: RetryPolicy,
    ) -> None:
        self.session = session
        self.server_url = server_url
        self.timeout = timeout
        self.retries = retries
        self._token = token

    def call(
        self,
        op: Operation[ResponseT],
        request: Any,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> ResponseT:
        prepared = op.prepare(request)
        timeout_pair, policy = self._options(timeout, retries)
        response = self._send(
            op.method,
            self.server_url + prepared.path,
            params=prepared.query,
            body=prepared.body,
            timeout=timeout_pair,
            policy=policy,
        )
        return self._decode(op, response)

    def download(
        self,
        url: str,
        consume: Callable[[requests.Response], ResultT],
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> ResultT:
        """GET a URL off the API (an image on the CDN): no ``Authorization`` header; the body
        is streamed into ``consume`` and retried as a whole if it is cut short."""
        timeout_pair, policy = self._options(timeout, retries)
        result: ResultT = self._send(
            "GET", url, timeout=timeout_pair, policy=policy, authenticated=False, consume=consume
        )
        return result

    def _options(self, timeout: TimeoutArg, retries: RetriesArg) -> Tuple[Timeout, RetryPolicy]:
        """A call's timeout and retry policy: its own if given, else the SDK's."""
        policy = self.retries if retries is None else RetryPolicy.from_config(retries)
        return normalize_timeout(timeout, self.timeout), policy

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Optional[Dict[str, Any]] = None,
        body: Optional[bytes] = None,
        timeout: Timeout,
        policy: RetryPolicy,
        authenticated: bool = True,
        consume: Optional[Callable[[requests.Response], Any]] = None,
    ) -> Any:
        """Send with retries; return a 2xx response or raise the right ``SDKError``.

        With ``consume``, the body is streamed into ``consume(response)`` inside the retry loop,
        so a body cut short counts as a failed attempt, and its result is returned.
        ``authenticated=False`` sends no ``Authorization`` header (for URLs on other hosts).
        """
        token = self._token_value() if authenticated else ""
        headers = {"User-Agent": _defaults.USER_AGENT, "Accept": "*/*"}
        if authenticated:
            headers["Authorization"] = f"Bearer {token}"
            headers["Accept"] = "application/json"
        if body is not None:
            headers["Content-Type"] = "application/json"
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            sent_at = time.monotonic()
            cause: Optional[BaseException] = None
            retry_after: Optional[float] = None
            outcome: Union[int, str]
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    data=body,
                    headers=headers,
                    timeout=timeout,
                    stream=consume is not None,
                )
                status = outcome = response.status_code
                if consume is not None and 200 <= status < 300:
                    with response:
                        result = consume(response)
            except requests.RequestException as exc:
                cause, outcome = exc, type(exc).__name__
                error = _connection_error(exc, method, url, token)
                retryable = exception_is_retryable(method, exc, policy)
            else:
                if 200 <= status < 300:
                    _log_attempt(method, url, headers, status, attempt, sent_at)
                    return result if consume is not None else response
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                error = status_error(response, token, retry_after)
                retryable = status_is_retryable(method, status)
            _log_attempt(method, url, headers, outcome, attempt, sent_at)
            wait = None
            if retryable:
                wait = policy.wait_before(attempt, time.monotonic() - started, retry_after)
            if wait is None:
                raise error from cause
            logger.debug("retrying %s %s in %.2f s after %s", method, url, wait, outcome)
            self._sleep(wait)

    def _sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def _token_value(self) -> str:
        token = self._token()
        if not isinstance(token, str) or not token:
            raise errors.ConfigurationError(
                f"the bearer_auth callable must return a non-empty str, not {type(token).__name__}"
            )
        if not token.isprintable() or " " in token:
            raise errors.ConfigurationError(
                "the bearer token contains whitespace or control characters"
            )
        return token

    def _decode(self, op: Operation[ResponseT], response: requests.Response) -> ResponseT:
        content_type = response.headers.get("Content-Type", "")
        status = response.status_code
        obj = None
        if status != 204:
            if not is_json(content_type):
                raise errors.ResponseValidationError(
                    f"expected a JSON response, got Content-Type {content_type!r}",
                    status,
                    response.text,
                    response,
                )
            try:
                obj = op.decode_body(json.loads(response.content))
            except (ValueError, RecursionError) as exc:
                raise errors.ResponseValidationError(
                    f"{op.name}: malformed JSON body ({exc})", status, response.text, response
                ) from None
            except ShapeError as exc:
                raise errors.ResponseValidationError(
                    f"{op.name}: unexpected JSON shape: {exc}", status, response.text, response
                ) from None
        return op.response_type(
            content_type=content_type, status_code=status, raw_response=response, object=obj
        )


def status_error(
    response: requests.Response, token: str, retry_after: Optional[float]
) -> errors.SDKError:
    """The typed error for a non-2xx response, with the token scrubbed from its text."""
    status = response.status_code
    body = _redact(response.text, token)
    error, path, code = _leonardo_error_fields(body)
    message = error or response.reason or "API error"
    if status >= 500:
        cls: Any = errors.ServerError
    elif status >= 400:
        cls = STATUS_ERRORS.get(status, errors.APIStatusError)
    else:
        cls = errors.SDKError
        message = f"unexpected HTTP status {status}: {message}"
    result: errors.SDKError = cls(
        message, status, body, response, error=error, path=path, code=code
    )
    if isinstance(result, errors.RateLimitError):
        result.retry_after = retry_after
    return result


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
    exc: requests.RequestException, method: str, url: str, token: str
) -> errors.SDKError:
    cls = errors.APITimeoutError if isinstance(exc, requests.Timeout) else errors.APIConnectionError
    what = "timed out" if cls is errors.APITimeoutError else "failed"
    reason = _redact(_root_cause(exc), token)
    error: errors.SDKError = cls(f"{method} {url} {what}: {reason}")
    return error


def _root_cause(exc: BaseException) -> str:
    """The innermost reason behind a requests exception (e.g. "Connection refused"), not the
    layers of urllib3 wrappers around it."""
    seen = {id(exc)}
    current = exc
    while True:
        inner = getattr(current, "reason", None)
        if not isinstance(inner, BaseException):
            first = current.args[0] if current.args else None
            inner = (
                first
                if isinstance(first, BaseException)
                else current.__cause__ or current.__context__
            )
        if not isinstance(inner, BaseException) or id(inner) in seen:
            break
        seen.add(id(inner))
        current = inner
    if isinstance(current, OSError) and current.strerror:
        return current.strerror
    return str(current) or type(current).__name__


def _redact(text: str, token: str) -> str:
    return text.replace(token, REDACTED) if token and token in text else text


def _log_attempt(
    method: str, url: str, headers: Dict[str, str], outcome: Any, attempt: int, sent_at: float
) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        shown = {
            k: (f"Bearer {REDACTED}" if k == "Authorization" else v) for k, v in headers.items()
        }
        logger.debug(
            "%s %s -> %s (attempt %d, %.1f ms) headers=%s",
            method,
            url,
            outcome,
            attempt,
            (time.monotonic() - sent_at) * 1000,
            shown,
        )
