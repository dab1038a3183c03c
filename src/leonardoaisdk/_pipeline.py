"""The one request pipeline: prepare -> send (with retries) -> map status -> decode.

Every operation goes through :meth:`Pipeline.call`; operations differ only in the data of
their :class:`~leonardoaisdk._operation.Operation`. Nothing shared is mutated per request:
headers are built per call, the session is only used, never configured, here.
"""

from __future__ import annotations

import json
import logging
import math
import time
from typing import Any, Callable, Dict, NamedTuple, Optional, Tuple, TypeVar, Union

import requests

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
from ._transport import BodyTooLarge, Failure, RequestsTransport, classify, read_body
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


class Pipeline:
    def __init__(
        self,
        transport: RequestsTransport,
        server_url: str,
        token: Callable[[], str],
        timeout: Timeout,
        retries: RetryPolicy,
        *,
        max_response_bytes: int = _defaults.MAX_RESPONSE_BYTES,
        max_download_bytes: int = _defaults.MAX_DOWNLOAD_BYTES,
    ) -> None:
        self.transport = transport
        self.server_url = server_url
        self.timeout = timeout
        self.retries = retries
        self.max_response_bytes = max_response_bytes
        self.max_download_bytes = max_download_bytes
        self._token = token
        self._url_secrets = url_secrets(server_url)
        self._shown_server_url = safe_url(server_url)

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
        ``time.monotonic()`` value) ends the call, retries included, however long its
        timeout and retry policy would allow."""
        prepared = op.prepare(request)
        timeout_pair, policy = self._options(timeout, retries)
        secrets = _Secrets.of(self._token_value(), self._url_secrets)
        response = self._send(
            op.method,
            self.server_url + prepared.path,
            params=prepared.query,
            body=prepared.body,
            timeout=timeout_pair,
            policy=policy,
            deadline=deadline,
            secrets=secrets,
        )
        return self._decode(op, response, secrets.redactor)

    def download(
        self,
        url: str,
        consume: Callable[[requests.Response], ResultT],
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
        *,
        deadline: Optional[float] = None,
        check_redirect: Optional[Callable[[str], None]] = None,
    ) -> ResultT:
        """GET a URL off the API (an image on the CDN): no ``Authorization`` header; the body
        is streamed into ``consume`` and retried as a whole if it is cut short.
        ``check_redirect(url)`` runs before each redirect is followed, and may raise."""
        timeout_pair, policy = self._options(timeout, retries)
        result: ResultT = self._send(
            "GET",
            url,
            timeout=timeout_pair,
            policy=policy,
            deadline=deadline,
            secrets=_Secrets.of("", ()),
            consume=consume,
            check_redirect=check_redirect,
        )
        return result

    def presigned_post(
        self,
        url: str,
        fields: Dict[str, str],
        file_name: str,
        data: bytes,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> requests.Response:
        """POST a file to a presigned upload URL (S3's form upload): every form field, then the
        file, as multipart/form-data, with no ``Authorization`` header (the URL carries its own
        signature, and the storage service refuses a foreign one)."""
        from urllib3 import encode_multipart_formdata

        parts: list[Any] = list(fields.items())
        parts.append(("file", (file_name, data)))
        body, content_type = encode_multipart_formdata(parts)
        timeout_pair, policy = self._options(timeout, retries)
        response: requests.Response = self._send(
            "POST",
            url,
            body=body,
            timeout=timeout_pair,
            policy=policy,
            deadline=None,
            secrets=_Secrets.of("", ()),
            content_type=content_type,
        )
        return response

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
        deadline: Optional[float],
        secrets: _Secrets,
        consume: Optional[Callable[[requests.Response], Any]] = None,
        check_redirect: Optional[Callable[[str], None]] = None,
        content_type: str = "application/json",
    ) -> Any:
        """Send with retries; return a 2xx response (its body read) or raise the right
        ``SDKError``.

        With ``consume``, the body is streamed into ``consume(response)`` inside the retry loop,
        so a body cut short counts as a failed attempt, and its result is returned. Without a
        token (``consume`` calls) no ``Authorization`` header is sent (URLs on other hosts).
        """
        headers: Dict[str, str] = {"User-Agent": _defaults.USER_AGENT, "Accept": "*/*"}
        if secrets.token:
            headers["Authorization"] = bearer_header(secrets.token)
            headers["Accept"] = "application/json"
        if body is not None:
            headers["Content-Type"] = content_type
        shown_url = safe_url(url)
        budget = CallBudget(policy, timeout, deadline)
        error: Optional[errors.SDKError] = None
        while True:
            attempt_timeout = budget.next_attempt()
            if attempt_timeout is None:
                raise error or errors.APITimeoutError(f"{method} {shown_url} ran out of time")
            sent_at = time.monotonic()
            cause: Optional[BaseException] = None
            retry_after: Optional[float] = None
            outcome: Union[int, str]
            try:
                response = self.transport.send(
                    method,
                    url,
                    params=params,
                    body=body,
                    headers=headers,
                    timeout=attempt_timeout,
                    check_redirect=check_redirect,
                )
                status = outcome = response.status_code
                read_by = sent_at + attempt_timeout[0] + attempt_timeout[1]
                if consume is not None and 200 <= status < 300:
                    with response:
                        result = consume(response)
                else:
                    read_body(response, self.max_response_bytes, read_by)
            except BodyTooLarge as exc:
                cause, outcome, retryable = None, "body too large", False
                error = errors.ResponseValidationError(
                    f"{method} {shown_url}: the answer is larger than {exc.limit} bytes "
                    "(max_response_bytes); it was not read",
                    response.status_code,
                    "",
                    secrets.redactor.response(response),
                )
            except requests.RequestException as exc:
                failure = classify(exc)
                cause, outcome = exc, type(exc).__name__
                error = _connection_error(failure, method, shown_url, secrets.redactor)
                retryable = failure_is_retryable(method, failure.never_sent, policy)
            else:
                if 200 <= status < 300:
                    _log_attempt(method, shown_url, headers, status, budget.attempt, sent_at)
                    return result if consume is not None else response
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                error = status_error(response, secrets.redactor, retry_after)
                retryable = status_is_retryable(method, status)
            _log_attempt(method, shown_url, headers, outcome, budget.attempt, sent_at)
            wait = budget.wait_before_retry(retry_after) if retryable else None
            if wait is None:
                raise error from cause
            logger.debug("retrying %s %s in %.2f s after %s", method, shown_url, wait, outcome)
            self._sleep(wait)

    def _sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def _token_value(self) -> str:
        return check_token(self._token(), "the bearer_auth callable")

    def _decode(
        self, op: Operation[ResponseT], response: requests.Response, redactor: Redactor
    ) -> ResponseT:
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


class _Secrets(NamedTuple):
    """A call's token and the redactor that scrubs it (and the URL's password) from text."""

    token: str
    redactor: Redactor

    @classmethod
    def of(cls, token: str, url_secrets: Tuple[str, ...]) -> _Secrets:
        return cls(token, Redactor((token, *url_secrets)))


def status_error(
    response: requests.Response, redactor: Redactor, retry_after: Optional[float]
) -> errors.SDKError:
    """The typed error for a non-2xx response, with the secrets scrubbed from its text."""
    status = response.status_code
    response = redactor.response(response)
    body = response.text
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
    failure: Failure, method: str, shown_url: str, redactor: Redactor
) -> errors.SDKError:
    cls = errors.APITimeoutError if failure.timed_out else errors.APIConnectionError
    what = "timed out" if failure.timed_out else "failed"
    error: errors.SDKError = cls(f"{method} {shown_url} {what}: {redactor.text(failure.reason)}")
    return error


def _log_attempt(
    method: str, url: str, headers: Dict[str, str], outcome: Any, attempt: int, sent_at: float
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
