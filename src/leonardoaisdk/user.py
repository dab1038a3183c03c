"""The ``user`` sub-client: who the API key belongs to (needed to list your generations)."""

from __future__ import annotations

from ._operations import GET_USER_SELF, USER_OPERATIONS, UserOperations

OPERATIONS = USER_OPERATIONS
__all__ = ["GET_USER_SELF", "OPERATIONS", "User"]


class User(UserOperations):
    """User operations; keyword-only ``timeout`` and ``retries`` as on ``generation``."""
