"""The ``Strength`` enum."""

from __future__ import annotations

from ..._enum import ApiEnum


class Strength(ApiEnum):
    r"""When training using the PIXEL_ART model type, this influences the training strength."""

    VERY_LOW = "VERY_LOW"
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
