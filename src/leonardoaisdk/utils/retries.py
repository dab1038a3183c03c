"""Retry configuration, in the official SDK's shape (intervals in milliseconds)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Optional

from .. import _defaults
from ..models.errors import ConfigurationError


def _check_number(owner: str, name: str, value: Any, *, minimum: float, integer: bool) -> None:
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        kind = "an int" if integer else "a number"
        raise ConfigurationError(
            f"{owner}.{name} must be {kind}, not {type(value).__name__} {value!r}"
        )
    if not math.isfinite(value) or value < minimum:
        raise ConfigurationError(f"{owner}.{name} must be at least {minimum:g}, not {value!r}")


@dataclasses.dataclass(frozen=True)
class BackoffStrategy:
    """Exponential backoff: wait ``initial_interval * exponent**n`` ms, at most ``max_interval``,
    and stop retrying once ``max_elapsed_time`` ms have passed since the first attempt."""

    initial_interval: int = _defaults.BACKOFF_INITIAL_MS
    max_interval: int = _defaults.BACKOFF_MAX_MS
    exponent: float = _defaults.BACKOFF_EXPONENT
    max_elapsed_time: int = _defaults.MAX_ELAPSED_MS

    def __post_init__(self) -> None:
        for name, minimum in (("initial_interval", 0), ("max_interval", 0), ("exponent", 1)):
            _check_number(
                "BackoffStrategy", name, getattr(self, name), minimum=minimum, integer=False
            )
        _check_number(
            "BackoffStrategy", "max_elapsed_time", self.max_elapsed_time, minimum=0, integer=False
        )


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
        if self.backoff is not None and not isinstance(self.backoff, BackoffStrategy):
            raise ConfigurationError(
                f"RetryConfig.backoff must be a BackoffStrategy, not {type(self.backoff).__name__}"
            )
        if not isinstance(self.retry_connection_errors, bool):
            raise ConfigurationError("RetryConfig.retry_connection_errors must be True or False")
        _check_number("RetryConfig", "max_retries", self.max_retries, minimum=0, integer=True)
        _check_number(
            "RetryConfig", "max_retry_after", self.max_retry_after, minimum=0, integer=False
        )


DEFAULT_RETRY_CONFIG = RetryConfig("backoff", BackoffStrategy())
NO_RETRIES = RetryConfig("none")
