"""Retry configuration, in the official SDK's shape (intervals in milliseconds)."""

from __future__ import annotations

import dataclasses
from typing import Optional

from .. import _defaults
from ..models.errors import ConfigurationError


@dataclasses.dataclass(frozen=True)
class BackoffStrategy:
    """Exponential backoff: wait ``initial_interval * exponent**n`` ms, at most ``max_interval``,
    and stop retrying once ``max_elapsed_time`` ms have passed since the first attempt."""

    initial_interval: int = _defaults.BACKOFF_INITIAL_MS
    max_interval: int = _defaults.BACKOFF_MAX_MS
    exponent: float = _defaults.BACKOFF_EXPONENT
    max_elapsed_time: int = _defaults.MAX_ELAPSED_MS


@dataclasses.dataclass(frozen=True)
class RetryConfig:
    """When and how to retry.

    ``strategy`` is ``"backoff"`` or ``"none"``. ``retry_connection_errors`` allows retrying
    after a failed connection. ``max_retries`` and ``max_retry_after`` (ms) extend the official
    shape: at most that many retries, and a ``Retry-After`` longer than ``max_retry_after``
    is not waited for.
    """

    strategy: str = "backoff"
    backoff: Optional[BackoffStrategy] = None
    retry_connection_errors: bool = True
    max_retries: int = _defaults.MAX_RETRIES
    max_retry_after: int = _defaults.MAX_RETRY_AFTER_MS

    def __post_init__(self) -> None:
        if self.strategy not in ("backoff", "none"):
            raise ConfigurationError(
                f"RetryConfig.strategy must be 'backoff' or 'none', not {self.strategy!r}"
            )
        if self.max_retries < 0:
            raise ConfigurationError("RetryConfig.max_retries must be >= 0")


DEFAULT_RETRY_CONFIG = RetryConfig("backoff", BackoffStrategy())
NO_RETRIES = RetryConfig("none")
