"""Field sets the spec defines twice, once per operation (e.g. a generation as
``GET /generations/{id}`` and as ``GET /generations/user/{userId}`` send it).

Each public model names its shape and, where the two differ, the types of its parts:
``class GetGenerationByIDGenerations(GenerationFields[GeneratedImages, GenerationElements])``.
The codec fills the type parameters in once per class (``_codec.model_hints``).
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Generic, List, Optional, TypeVar, Union

from ..._codec import parse_timestamp
from ..._display import generation_html
from ..._fields import api_field, extra_fields
from ..._model import ExtraFields, Model
from ..shared.job_status import JobStatus
from ..shared.model_asset_texture_types import ModelAssetTextureTypes
from ..shared.sd_generation_schedulers import SdGenerationSchedulers
from ..shared.sd_generation_style import SdGenerationStyle
from ..shared.sd_versions import SdVersions
from ..shared.variation_type import VariationType

ImageT = TypeVar("ImageT")
ElementT = TypeVar("ElementT")
VariationT = TypeVar("VariationT")
LoraT = TypeVar("LoraT")
TextureImageT = TypeVar("TextureImageT")


@dataclasses.dataclass(repr=False)
class GenerationFields(Model, Generic[ImageT, ElementT]):
    """A generation: ``generated_images`` of ``ImageT``, ``generation_elements`` of ``ElementT``."""

    created_at: Optional[str] = api_field("createdAt")
    generated_images: Optional[List[ImageT]] = api_field("generated_images")
    generation_elements: Optional[List[ElementT]] = api_field("generation_elements")
    guidance_scale: Optional[float] = api_field("guidanceScale", nullable=True)
    id: Optional[str] = api_field("id", nullable=True)
    image_height: Optional[int] = api_field("imageHeight")
    image_width: Optional[int] = api_field("imageWidth")
    inference_steps: Optional[int] = api_field("inferenceSteps", nullable=True)
    init_strength: Optional[float] = api_field("initStrength", nullable=True)
    model_id: Optional[str] = api_field("modelId", nullable=True)
    negative_prompt: Optional[str] = api_field("negativePrompt", nullable=True)
    photo_real: Optional[bool] = api_field(
        "photoReal",
        nullable=True,
        description="If photoReal feature was used.",
    )
    photo_real_strength: Optional[float] = api_field(
        "photoRealStrength",
        nullable=True,
        description="Depth of field of photoReal used. 0.55 is low, 0.5 is medium, and 0.45 is high. Default is 0.55.",
    )
    preset_style: Optional[Union[SdGenerationStyle, str]] = api_field(
        "presetStyle",
        description="The style to generate images with. When photoReal is enabled, use CINEMATIC, CREATIVE, VIBRANT, or NONE. When alchemy is disabled, use LEONARDO or NONE. When alchemy is enabled, use ANIME, CREATIVE, DYNAMIC, ENVIRONMENT, GENERAL, ILLUSTRATION, PHOTOGRAPHY, RAYTRACED, RENDER_3D, SKETCH_BW, SKETCH_COLOR, or NONE.",
    )
    prompt: Optional[str] = api_field("prompt")
    prompt_magic: Optional[bool] = api_field(
        "promptMagic",
        nullable=True,
        description="If prompt magic was used.",
    )
    prompt_magic_strength: Optional[float] = api_field(
        "promptMagicStrength",
        nullable=True,
        description="Strength of prompt magic used.",
    )
    prompt_magic_version: Optional[str] = api_field(
        "promptMagicVersion",
        nullable=True,
        description="Version of prompt magic used.",
    )
    public: Optional[bool] = api_field("public")
    scheduler: Optional[Union[SdGenerationSchedulers, str]] = api_field(
        "scheduler",
        description="The scheduler to generate images with. Defaults to EULER_DISCRETE if not specified.",
    )
    sd_version: Optional[Union[SdVersions, str]] = api_field(
        "sdVersion",
        description="The base version of stable diffusion to use if not using a custom model. v1_5 is 1.5, v2 is 2.1, if not specified it will default to v1_5.",
    )
    seed: Optional[int] = api_field("seed", nullable=True)
    status: Optional[Union[JobStatus, str]] = api_field(
        "status",
        description="The status of the current task.",
    )
    additional_properties: ExtraFields = extra_fields()

    @property
    def created_at_datetime(self) -> Optional[datetime.datetime]:
        """``created_at`` as a timezone-aware datetime (UTC if the API names no zone), or
        ``None`` when absent or not a timestamp."""
        return parse_timestamp(self.created_at)

    def _repr_html_(self) -> str:
        """Jupyter: the generation as a grid of its images with prompt, status, size, model, cost."""
        return generation_html(self)


@dataclasses.dataclass(repr=False)
class GeneratedImageFields(Model, Generic[VariationT]):
    """A generated image, with variations of ``VariationT``."""

    generated_image_variation_generics: Optional[List[VariationT]] = api_field(
        "generated_image_variation_generics",
    )
    id: Optional[str] = api_field("id", nullable=True)
    image_to_video: Optional[bool] = api_field(
        "imageToVideo",
        nullable=True,
        description="If it is an image to video generation.",
    )
    like_count: Optional[int] = api_field("likeCount")
    motion: Optional[bool] = api_field(
        "motion",
        nullable=True,
        description="If generation is of motion type.",
    )
    motion_mp4_url: Optional[str] = api_field(
        "motionMP4URL",
        nullable=True,
        description="The URL of the motion MP4.",
    )
    motion_model: Optional[str] = api_field(
        "motionModel",
        nullable=True,
        description="The name of the motion model.",
    )
    motion_strength: Optional[int] = api_field(
        "motionStrength",
        nullable=True,
        description="The motion strength.",
    )
    nsfw: Optional[bool] = api_field("nsfw")
    url: Optional[str] = api_field("url")
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class GenerationElementFields(Model, Generic[LoraT]):
    """An element applied to a generation; its ``lora`` is a ``LoraT``."""

    id: Optional[int] = api_field("id", nullable=True)
    lora: Optional[LoraT] = api_field(
        "lora",
        nullable=True,
        description="Element used for the generation.",
    )
    weight_applied: Optional[float] = api_field("weightApplied", nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class VariationFields(Model):
    """A variation of a generated image."""

    id: Optional[str] = api_field("id", nullable=True)
    status: Optional[Union[JobStatus, str]] = api_field(
        "status",
        description="The status of the current task.",
    )
    transform_type: Optional[Union[VariationType, str]] = api_field(
        "transformType",
        description="The type of variation.",
    )
    url: Optional[str] = api_field("url", nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class ElementFields(Model):
    """An element (LoRA) used for a generation."""

    ak_uuid: Optional[str] = api_field(
        "akUUID",
        nullable=True,
        description="Unique identifier for the element. Elements can be found from the List Elements endpoint.",
    )
    base_model: Optional[Union[SdVersions, str]] = api_field(
        "baseModel",
        description="The base version of stable diffusion to use if not using a custom model. v1_5 is 1.5, v2 is 2.1, if not specified it will default to v1_5.",
    )
    description: Optional[str] = api_field(
        "description",
        nullable=True,
        description="Description for the element",
    )
    name: Optional[str] = api_field("name", nullable=True, description="Name of the element")
    url_image: Optional[str] = api_field(
        "urlImage",
        nullable=True,
        description="URL of the element image",
    )
    weight_default: Optional[int] = api_field(
        "weightDefault",
        nullable=True,
        description="Default weight for the element",
    )
    weight_max: Optional[int] = api_field(
        "weightMax",
        nullable=True,
        description="Maximum weight for the element",
    )
    weight_min: Optional[int] = api_field(
        "weightMin",
        nullable=True,
        description="Minimum weight for the element",
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class TextureGenerationFields(Model, Generic[TextureImageT]):
    """A texture generation, with images of ``TextureImageT``."""

    created_at: Optional[str] = api_field("createdAt")
    id: Optional[str] = api_field("id", nullable=True)
    model_asset_texture_images: Optional[List[TextureImageT]] = api_field(
        "model_asset_texture_images"
    )
    negative_prompt: Optional[str] = api_field("negativePrompt", nullable=True)
    prompt: Optional[str] = api_field("prompt")
    seed: Optional[int] = api_field("seed", nullable=True)
    status: Optional[Union[JobStatus, str]] = api_field(
        "status",
        description="The status of the current task.",
    )
    additional_properties: ExtraFields = extra_fields()

    @property
    def created_at_datetime(self) -> Optional[datetime.datetime]:
        """``created_at`` as a timezone-aware datetime (UTC if the API names no zone), or
        ``None`` when absent or not a timestamp."""
        return parse_timestamp(self.created_at)


@dataclasses.dataclass(repr=False)
class TextureImageFields(Model):
    """An image of a texture generation."""

    id: Optional[str] = api_field("id", nullable=True)
    type: Optional[Union[ModelAssetTextureTypes, str]] = api_field(
        "type",
        default=ModelAssetTextureTypes.NORMAL,
        description="When training model assets these are the texture types available to use.",
    )
    url: Optional[str] = api_field("url")
    additional_properties: ExtraFields = extra_fields()
