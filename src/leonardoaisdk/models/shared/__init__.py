"""Models and enums shared by several operations.

Names load on first use, so importing this package is cheap.
"""

from typing import TYPE_CHECKING

from ..._lazy import lazy_exports

if TYPE_CHECKING:
    from .controlnet_type import ControlnetType
    from .custom_model_type import CustomModelType
    from .element_input import ElementInput
    from .job_status import JobStatus
    from .model_asset_texture_types import ModelAssetTextureTypes
    from .sd_generation_schedulers import SdGenerationSchedulers
    from .sd_generation_style import SdGenerationStyle
    from .sd_versions import SdVersions
    from .security import Security
    from .strength import Strength
    from .variation_type import VariationType

_EXPORTS = {
    "ControlnetType": ".controlnet_type",
    "CustomModelType": ".custom_model_type",
    "ElementInput": ".element_input",
    "JobStatus": ".job_status",
    "ModelAssetTextureTypes": ".model_asset_texture_types",
    "SdGenerationSchedulers": ".sd_generation_schedulers",
    "SdGenerationStyle": ".sd_generation_style",
    "SdVersions": ".sd_versions",
    "Security": ".security",
    "Strength": ".strength",
    "VariationType": ".variation_type",
}

__all__ = [
    "ControlnetType",
    "CustomModelType",
    "ElementInput",
    "JobStatus",
    "ModelAssetTextureTypes",
    "SdGenerationSchedulers",
    "SdGenerationStyle",
    "SdVersions",
    "Security",
    "Strength",
    "VariationType",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
