"""Configuration helpers users pass to the SDK."""

from .retries import BackoffStrategy, RetryConfig

__all__ = ["BackoffStrategy", "RetryConfig"]
