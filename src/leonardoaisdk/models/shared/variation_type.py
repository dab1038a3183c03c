"""The ``VariationType`` enum."""

from __future__ import annotations

from ..._enum import ApiEnum


class VariationType(ApiEnum):
    r"""The type of variation."""

    OUTPAINT = "OUTPAINT"
    INPAINT = "INPAINT"
    UPSCALE = "UPSCALE"
    UNZOOM = "UNZOOM"
    NOBG = "NOBG"
