"""The ``ControlnetType`` enum."""

from __future__ import annotations

from ..._enum import ApiEnum


class ControlnetType(ApiEnum):
    r"""The type of ControlNet to use."""

    POSE = "POSE"
    CANNY = "CANNY"
    DEPTH = "DEPTH"
