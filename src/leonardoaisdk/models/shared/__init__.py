"""Models and enums shared by several operations.

Names load on first use, so importing this package is cheap.
"""

from typing import TYPE_CHECKING

from ..._lazy import lazy_exports

if TYPE_CHECKING:
    from .controlnet_type import ControlnetType
    from .element_input import ElementInput
    from .job_status import JobStatus
    from .model_asset_texture_types import ModelAssetTextureTypes
    from .sd_generation_schedulers import SdGenerationSchedulers
    from .sd_generation_style import SdGenerationStyle
    from .sd_versions import SdVersions
    from .security import Security
    from .variation_type import VariationType

_EXPORTS = {
    "ControlnetType": ".controlnet_type",
    "ElementInput": ".element_input",
    "JobStatus": ".job_status",
    "ModelAssetTextureTypes": ".model_asset_texture_types",
    "SdGenerationSchedulers": ".sd_generation_schedulers",
    "SdGenerationStyle": ".sd_generation_style",
    "SdVersions": ".sd_versions",
    "Security": ".security",
    "VariationType": ".variation_type",
}

__all__ = [
    "ControlnetType",
    "ElementInput",
    "JobStatus",
    "ModelAssetTextureTypes",
    "SdGenerationSchedulers",
    "SdGenerationStyle",
    "SdVersions",
    "Security",
    "VariationType",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
