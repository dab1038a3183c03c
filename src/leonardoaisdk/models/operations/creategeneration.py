"""Models of ``generation.create_generation`` (POST /generations)."""

from __future__ import annotations

import dataclasses
from typing import List, Optional, Union

from ..._display import response_html
from ..._fields import api_field, extra_fields
from ..._model import ExtraFields, Model, OperationResponse, RequestModel, object_alias
from ...types import UNSET, Omittable, OptionalNullable
from ..shared.controlnet_type import ControlnetType
from ..shared.element_input import ElementInput
from ..shared.sd_generation_schedulers import SdGenerationSchedulers
from ..shared.sd_generation_style import SdGenerationStyle
from ..shared.sd_versions import SdVersions


@dataclasses.dataclass(repr=False)
class CreateGenerationRequestBody(RequestModel):
    r"""Query parameters to be provided in the request body as a JSON object."""

    alchemy: OptionalNullable[bool] = api_field(
        "alchemy", default=UNSET, nullable=True, description="Enable to use Alchemy."
    )
    contrast_ratio: OptionalNullable[float] = api_field(
        "contrastRatio",
        default=UNSET,
        nullable=True,
        description="Contrast Ratio to use with Alchemy. Must be a float between 0 and 1 inclusive.",
    )
    control_net: OptionalNullable[bool] = api_field(
        "controlNet",
        default=UNSET,
        nullable=True,
        description="Enable to use ControlNet. Requires an init image to be provided. Requires a model based on SD v1.5",
    )
    control_net_type: Omittable[Union[ControlnetType, str]] = api_field(
        "controlNetType", default=UNSET, description="The type of ControlNet to use."
    )
    elements: OptionalNullable[List[ElementInput]] = api_field(
        "elements", default=UNSET, nullable=True
    )
    expanded_domain: OptionalNullable[bool] = api_field(
        "expandedDomain",
        default=UNSET,
        nullable=True,
        description="Enable to use the Expanded Domain feature of Alchemy.",
    )
    guidance_scale: OptionalNullable[int] = api_field(
        "guidance_scale",
        default=UNSET,
        nullable=True,
        description="How strongly the generation should reflect the prompt. 7 is recommended. Must be between 1 and 20.",
    )
    height: Omittable[int] = api_field(
        "height",
        default=512,
        description="The input height of the images. Must be between 32 and 1024 and be a multiple of 8. Note: Input resolution is not always the same as output resolution due to upscaling from other features.",
    )
    high_contrast: OptionalNullable[bool] = api_field(
        "highContrast",
        default=UNSET,
        nullable=True,
        description="Enable to use the High Contrast feature of Prompt Magic. Note: Controls RAW mode. Set to false to enable RAW mode.",
    )
    high_resolution: OptionalNullable[bool] = api_field(
        "highResolution",
        default=UNSET,
        nullable=True,
        description="Enable to use the High Resolution feature of Prompt Magic.",
    )
    image_prompt_weight: OptionalNullable[float] = api_field(
        "imagePromptWeight", default=UNSET, nullable=True
    )
    image_prompts: OptionalNullable[List[str]] = api_field(
        "imagePrompts", default=UNSET, nullable=True
    )
    init_generation_image_id: OptionalNullable[str] = api_field(
        "init_generation_image_id",
        default=UNSET,
        nullable=True,
        description="The ID of an existing image to use in image2image.",
    )
    init_image_id: OptionalNullable[str] = api_field(
        "init_image_id",
        default=UNSET,
        nullable=True,
        description="The ID of an Init Image to use in image2image.",
    )
    init_strength: OptionalNullable[float] = api_field(
        "init_strength",
        default=UNSET,
        nullable=True,
        description="How strongly the generated images should reflect the original image in image2image. Must be a float between 0.1 and 0.9.",
    )
    model_id: Omittable[str] = api_field(
        "modelId",
        default="6bef9f1b-29cb-40c7-b9df-32b51c1f67d3",
        description="The model ID used for image generation. If not provided, uses sd_version to determine the version of Stable Diffusion to use. In-app, model IDs are under the Finetune Models menu. Click on the platform model or your custom model, then click View More. For platform models, you can also use the List Platform Models API.",
    )
    negative_prompt: OptionalNullable[str] = api_field(
        "negative_prompt",
        default=UNSET,
        nullable=True,
        description="The negative prompt used for the image generation",
    )
    nsfw: OptionalNullable[bool] = api_field(
        "nsfw", default=UNSET, nullable=True, description="Not Safe For Work Flag."
    )
    num_images: OptionalNullable[int] = api_field(
        "num_images",
        default=UNSET,
        nullable=True,
        description="The number of images to generate. Must be between 1 and 8. If either width or height is over 768, must be between 1 and 4.",
    )
    num_inference_steps: OptionalNullable[int] = api_field(
        "num_inference_steps",
        default=UNSET,
        nullable=True,
        description="The number of inference steps to use for the generation. Must be between 30 and 60.",
    )
    photo_real: OptionalNullable[bool] = api_field(
        "photoReal",
        default=UNSET,
        nullable=True,
        description="Enable the photoReal feature. Requires enabling alchemy and unspecifying modelId.",
    )
    photo_real_strength: OptionalNullable[float] = api_field(
        "photoRealStrength",
        default=UNSET,
        nullable=True,
        description="Depth of field of photoReal. Must be 0.55 for low, 0.5 for medium, or 0.45 for high. Defaults to 0.55 if not specified.",
    )
    preset_style: Omittable[Union[SdGenerationStyle, str]] = api_field(
        "presetStyle",
        default=UNSET,
        description="The style to generate images with. When photoReal is enabled, use CINEMATIC, CREATIVE, VIBRANT, or NONE. When alchemy is disabled, use LEONARDO or NONE. When alchemy is enabled, use ANIME, CREATIVE, DYNAMIC, ENVIRONMENT, GENERAL, ILLUSTRATION, PHOTOGRAPHY, RAYTRACED, RENDER_3D, SKETCH_BW, SKETCH_COLOR, or NONE.",
    )
    prompt: Omittable[str] = api_field(
        "prompt",
        default="An oil painting of a cat",
        description="The prompt used to generate images",
    )
    prompt_magic: OptionalNullable[bool] = api_field(
        "promptMagic", default=UNSET, nullable=True, description="Enable to use Prompt Magic."
    )
    prompt_magic_strength: OptionalNullable[float] = api_field(
        "promptMagicStrength",
        default=UNSET,
        nullable=True,
        description="Strength of prompt magic. Must be a float between 0.1 and 1.0",
    )
    prompt_magic_version: OptionalNullable[str] = api_field(
        "promptMagicVersion",
        default=UNSET,
        nullable=True,
        description="Prompt magic version v2 or v3, for use when promptMagic: true",
    )
    public: OptionalNullable[bool] = api_field(
        "public",
        default=UNSET,
        nullable=True,
        description="Whether the generated images should show in the community feed.",
    )
    scheduler: Omittable[Union[SdGenerationSchedulers, str]] = api_field(
        "scheduler",
        default=UNSET,
        description="The scheduler to generate images with. Defaults to EULER_DISCRETE if not specified.",
    )
    sd_version: Omittable[Union[SdVersions, str]] = api_field(
        "sd_version",
        default=UNSET,
        description="The base version of stable diffusion to use if not using a custom model. v1_5 is 1.5, v2 is 2.1, if not specified it will default to v1_5.",
    )
    seed: OptionalNullable[int] = api_field("seed", default=UNSET, nullable=True)
    tiling: OptionalNullable[bool] = api_field(
        "tiling",
        default=UNSET,
        nullable=True,
        description="Whether the generated images should tile on all axis.",
    )
    unzoom: OptionalNullable[bool] = api_field(
        "unzoom",
        default=UNSET,
        nullable=True,
        description="Whether the generated images should be unzoomed (requires unzoomAmount and init_image_id to be set).",
    )
    unzoom_amount: OptionalNullable[float] = api_field(
        "unzoomAmount",
        default=UNSET,
        nullable=True,
        description="How much the image should be unzoomed (requires an init_image_id and unzoom to be set to true).",
    )
    upscale_ratio: OptionalNullable[float] = api_field(
        "upscaleRatio",
        default=UNSET,
        nullable=True,
        description="How much the image should be upscaled. (Enterprise Only)",
    )
    weighting: OptionalNullable[float] = api_field(
        "weighting",
        default=UNSET,
        nullable=True,
        description="How much weighting to use for generation.",
    )
    width: Omittable[int] = api_field(
        "width",
        default=512,
        description="The input width of the images. Must be between 32 and 1024 and be a multiple of 8. Note: Input resolution is not always the same as output resolution due to upscaling from other features.",
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class CreateGenerationResponseBody(Model):
    r"""Responses for POST /generations."""

    sd_generation_job: Optional[SDGenerationOutput] = api_field("sdGenerationJob", nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class SDGenerationOutput(Model):
    api_credit_cost: Optional[int] = api_field(
        "apiCreditCost",
        nullable=True,
        description="API Credits Cost for Image Generation. Available for Production API Users.",
    )
    generation_id: Optional[str] = api_field("generationId")
    additional_properties: ExtraFields = extra_fields()


class CreateGenerationResponse(OperationResponse[CreateGenerationResponseBody]):
    """What ``generation.create_generation`` returns; ``object`` is the decoded body."""

    create_generation_200_application_json_object = object_alias()

    def _repr_html_(self) -> str:
        """Jupyter: what the response holds, as HTML."""
        return response_html(self)
