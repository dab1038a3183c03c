"""Retry decisions: which failures are safe to repeat, and how long to wait before repeating.

A POST creates a job and costs credits, so it is repeated only when the server provably never
received it (the connection was never made) or refused it with 429. GET and DELETE are
idempotent and are also repeated after timeouts, resets and transient statuses.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from typing import NamedTuple, Optional, Tuple, Union

from . import _defaults
from .models.errors import ConfigurationError
from .utils.retries import DEFAULT_RETRY_CONFIG, NO_RETRIES, BackoffStrategy, RetryConfig

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "PUT"})
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
UNSENT_RETRYABLE_STATUSES = frozenset({429})
"""Statuses that prove a non-idempotent request was refused, not performed."""

RetriesArg = Union[RetryConfig, str, None]


class RetryPolicy(NamedTuple):
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


def failure_is_retryable(method: str, never_sent: bool, policy: RetryPolicy) -> bool:
    """A transport failure may be repeated when it provably never reached the server, or
    when the method is idempotent; never when the policy turns connection retries off."""
    if not policy.retry_connection_errors:
        return False
    return never_sent or method in IDEMPOTENT_METHODS


class CallBudget:
    """The time one call may take, retries included: the retry policy's elapsed limit, or a
    caller's harder deadline (a wait's). Each attempt gets what is left of it."""

    def __init__(
        self, policy: RetryPolicy, timeout: Tuple[float, float], deadline: Optional[float]
    ) -> None:
        self.policy = policy
        self.timeout = timeout
        self.started = time.monotonic()
        self.attempt = 0
        # One attempt always gets its whole timeout, however small the elapsed limit.
        end = self.started + max(policy.max_elapsed, timeout[0] + timeout[1])
        self.end = end if deadline is None else min(end, deadline)

    def next_attempt(self) -> Optional[Tuple[float, float]]:
        """The (connect, read) timeout of the next attempt, or ``None``: no time is left."""
        left = self.end - time.monotonic()
        if left <= 0.001:
            return None
        self.attempt += 1
        return (min(self.timeout[0], left), min(self.timeout[1], left))

    def wait_before_retry(self, retry_after: Optional[float]) -> Optional[float]:
        """Seconds to wait before the next attempt, or ``None``: do not retry."""
        elapsed = time.monotonic() - self.started
        wait = self.policy.wait_before(self.attempt, elapsed, retry_after)
        if wait is None or time.monotonic() + wait >= self.end:
            return None
        return wait


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date), never negative."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
            seconds = when.timestamp() - time.time()
        except (TypeError, ValueError, IndexError, OverflowError, OSError, AttributeError):
            return None  # not a date this platform can represent: as if there were none
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)
