"""The ``JobStatus`` enum."""

from __future__ import annotations

from ..._enum import ApiEnum


class JobStatus(ApiEnum):
    r"""The status of the current task."""

    PENDING = "PENDING"
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"
