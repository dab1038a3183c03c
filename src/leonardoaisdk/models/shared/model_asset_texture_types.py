"""The ``ModelAssetTextureTypes`` enum."""

from __future__ import annotations

from ..._enum import ApiEnum


class ModelAssetTextureTypes(ApiEnum):
    r"""When training model assets these are the texture types available to use."""

    ALBEDO = "ALBEDO"
    NORMAL = "NORMAL"
    ROUGHNESS = "ROUGHNESS"
    DISPLACEMENT = "DISPLACEMENT"
    HDRP_MASK = "HDRP_MASK"
