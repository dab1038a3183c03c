"""Retry decisions: which failures are safe to repeat, and how long to wait before repeating.

A POST creates a job and costs credits, so it is repeated only when the server provably never
received it (the connection was never made) or refused it with 429. GET and DELETE are
idempotent and are also repeated after timeouts, resets and transient statuses.
"""

from __future__ import annotations

import dataclasses
import email.utils
import random
import time
from typing import Any, Optional, Union

import requests
from urllib3.exceptions import NewConnectionError

from . import _defaults
from .models.errors import ConfigurationError
from .utils.retries import DEFAULT_RETRY_CONFIG, NO_RETRIES, BackoffStrategy, RetryConfig

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "PUT"})
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
UNSENT_RETRYABLE_STATUSES = frozenset({429})
"""Statuses that prove a non-idempotent request was refused, not performed."""

RetriesArg = Union[RetryConfig, str, None]


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    max_retries: int
    initial: float
    max_interval: float
    exponent: float
    max_elapsed: float
    max_retry_after: float
    retry_connection_errors: bool

    @classmethod
    def from_config(cls, config: RetriesArg) -> RetryPolicy:
        if config is None:
            config = DEFAULT_RETRY_CONFIG
        elif config == "none":
            config = NO_RETRIES
        if not isinstance(config, RetryConfig):
            raise ConfigurationError(
                f"retries must be a utils.RetryConfig or 'none', not {type(config).__name__}"
            )
        backoff = config.backoff or BackoffStrategy()
        return cls(
            max_retries=0 if config.strategy == "none" else config.max_retries,
            initial=backoff.initial_interval / 1000,
            max_interval=backoff.max_interval / 1000,
            exponent=backoff.exponent,
            max_elapsed=backoff.max_elapsed_time / 1000,
            max_retry_after=config.max_retry_after / 1000,
            retry_connection_errors=config.retry_connection_errors,
        )

    def backoff(self, retry_number: int) -> float:
        base = min(self.max_interval, self.initial * self.exponent ** (retry_number - 1))
        jitter = random.uniform(1 - _defaults.BACKOFF_JITTER, 1 + _defaults.BACKOFF_JITTER)
        return min(self.max_interval, base * jitter)

    def wait_before(
        self, retry_number: int, elapsed: float, retry_after: Optional[float]
    ) -> Optional[float]:
        """Seconds to wait before retry ``retry_number`` (1-based), or ``None``: do not retry."""
        if retry_number > self.max_retries:
            return None
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            wait = retry_after
        else:
            wait = self.backoff(retry_number)
        if elapsed + wait > self.max_elapsed:
            return None
        return wait


def status_is_retryable(method: str, status: int) -> bool:
    if method in IDEMPOTENT_METHODS:
        return status in RETRYABLE_STATUSES
    return status in UNSENT_RETRYABLE_STATUSES


def exception_is_retryable(method: str, exc: BaseException, policy: RetryPolicy) -> bool:
    if not policy.retry_connection_errors:
        return False
    if request_never_sent(exc):
        return True
    return method in IDEMPOTENT_METHODS


def request_never_sent(exc: BaseException) -> bool:
    """True when the failure happened before any byte of the request reached the server:
    connection refused, DNS failure, connect timeout, or a TLS handshake failure."""
    if isinstance(exc, (requests.ConnectTimeout, requests.exceptions.SSLError)):
        return True
    if isinstance(exc, requests.ConnectionError):
        cause: Any = exc.args[0] if exc.args else None
        reason = getattr(cause, "reason", cause)
        return isinstance(reason, NewConnectionError)
    return False


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date), never negative."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())
