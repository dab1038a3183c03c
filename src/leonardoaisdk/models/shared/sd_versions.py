"""The ``SdVersions`` enum."""

from __future__ import annotations

from ..._enum import ApiEnum


class SdVersions(ApiEnum):
    r"""The base version of stable diffusion to use if not using a custom model. v1_5 is 1.5, v2 is 2.1, if not specified it will default to v1_5."""

    V1_5 = "v1_5"
    V2 = "v2"
