"""Everything the SDK raises is an :class:`SDKError`; subclasses say why.

``str(error)`` gives the HTTP status (when there was a response) and the message. The bearer
token is scrubbed from messages before an error is built, so printing or logging an error
never leaks it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:  # requests is imported lazily by the SDK; errors must stay cheap to import
    import requests

__all__ = [
    "SDKError",
    "ConfigurationError",
    "RequestValidationError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "APIConnectionError",
    "APITimeoutError",
    "ResponseValidationError",
    "GenerationFailedError",
    "WaitTimeoutError",
    "WebhookError",
    "BatchInterrupted",
]


class SDKError(Exception):
    """Base of every error the SDK raises.

    Attributes:
        message: what went wrong, in words.
        status_code: the HTTP status, or ``None`` when no response was received.
        body: the response body as text (``""`` without a response).
        raw_response: the ``requests.Response``, when there is one.
        error, path, code: the fields of Leonardo's error body
            ``{"error": ..., "path": ..., "code": ...}`` when the response carried one.
    """

    def __init__(
        self,
        message: str,
        status_code: Optional[int] = None,
        body: str = "",
        raw_response: Optional[requests.Response] = None,
        *,
        error: Optional[str] = None,
        path: Optional[str] = None,
        code: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.body = body
        self.raw_response = raw_response
        self.error = error
        self.path = path
        self.code = code

    def __str__(self) -> str:
        text = self.message
        if self.code:
            text = f"{text} (code: {self.code})"
        if self.status_code is not None:
            text = f"HTTP {self.status_code}: {text}"
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code!r}, message={self.message!r})"


class ConfigurationError(SDKError, ValueError):
    """The SDK was constructed or configured with values it cannot use."""


class RequestValidationError(SDKError, ValueError):
    """The request could not be built from what was passed; nothing was sent."""


class APIStatusError(SDKError):
    """The API answered with a 4xx or 5xx status."""


class BadRequestError(APIStatusError):
    """400 or 422: the API rejected the request's content."""


class AuthenticationError(APIStatusError):
    """401: the bearer token is missing, wrong or expired."""


class PermissionDeniedError(APIStatusError):
    """403: the token may not do this."""


class NotFoundError(APIStatusError):
    """404: no such resource (or it was deleted)."""


class RateLimitError(APIStatusError):
    """429: too many requests. ``retry_after`` is the server's wait hint in seconds, if any."""

    def __init__(self, *args: Any, retry_after: Optional[float] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """5xx: the API failed or is overloaded."""


class APIConnectionError(SDKError):
    """No HTTP response arrived: the connection failed, was reset, or the body was cut short."""


class APITimeoutError(APIConnectionError):
    """The connect or read timeout elapsed before a response arrived."""


class ResponseValidationError(SDKError):
    """A 2xx response could not be decoded: not JSON, malformed JSON, or JSON of the wrong shape."""


class GenerationFailedError(SDKError):
    """A job the SDK waited for ended in ``FAILED``. ``generation`` holds its last state."""

    def __init__(self, message: str, *, generation: Any = None) -> None:
        super().__init__(message)
        self.generation = generation


class WaitTimeoutError(SDKError):
    """Waiting for a job ran out of time. ``last_state`` holds the last state seen (or ``None``)."""

    def __init__(self, message: str, *, last_state: Any = None) -> None:
        super().__init__(message)
        self.last_state = last_state


class WebhookError(SDKError, ValueError):
    """A webhook request that ``webhooks.parse_event`` refuses: no or a wrong ``Authorization``
    header, or a body that is too large or not a JSON object. The message says which, and never
    holds the callback key or the key that was presented.

    ``http_status`` is what the receiving route should answer: 401 for a missing or wrong key,
    413 for a body over the limit, 400 otherwise.
    """

    def __init__(self, message: str, *, http_status: int = 400) -> None:
        super().__init__(message)
        self.http_status = http_status


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl+C during ``generate_many``: no further job was started. ``results`` holds one entry
    per request as far as it got (unfinished ones have neither ``generation`` nor ``error``),
    ``created_ids`` every generation already created, so none goes unreported. A
    ``KeyboardInterrupt``, so that an interrupted program still stops."""

    def __init__(self, results: Any, created_ids: Any) -> None:
        super().__init__(f"batch interrupted after creating {len(created_ids)} generations")
        self.results = results
        self.created_ids = created_ids
