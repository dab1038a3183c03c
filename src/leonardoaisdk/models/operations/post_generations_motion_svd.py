"""Models of ``generation.post_generations_motion_svd`` (POST /generations-motion-svd)."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._display import response_html
from ..._fields import api_field, extra_fields, required_field
from ..._model import ExtraFields, Model, OperationResponse, RequestModel, object_alias
from ...types import UNSET, OptionalNullable


@dataclasses.dataclass(repr=False)
class PostGenerationsMotionSvdRequestBody(RequestModel):
    r"""Query parameters can also be provided in the request body as a JSON object."""

    image_id: str = required_field(
        "imageId",
        description="The ID of the image, supports generated images, variation images, and init images.",
    )
    is_init_image: OptionalNullable[bool] = api_field(
        "isInitImage",
        default=UNSET,
        nullable=True,
        description="If it is an init image uploaded by the user. This image is uploaded from endpoint: Upload init image.",
    )
    is_public: OptionalNullable[bool] = api_field(
        "isPublic",
        default=UNSET,
        nullable=True,
        description="Whether the generation is public or not",
    )
    is_variation: OptionalNullable[bool] = api_field(
        "isVariation", default=UNSET, nullable=True, description="If it is a variation image."
    )
    motion_strength: OptionalNullable[int] = api_field(
        "motionStrength", default=UNSET, nullable=True, description="The motion strength."
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class PostGenerationsMotionSvdResponseBody(Model):
    r"""Responses for POST /generations-motion-svd."""

    sd_generation_job: Optional[MotionSvdGenerationOutput] = api_field(
        "sdGenerationJob", nullable=True
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class MotionSvdGenerationOutput(Model):
    api_credit_cost: Optional[int] = api_field(
        "apiCreditCost",
        nullable=True,
        description="API credits cost, available for Production API users.",
    )
    generation_id: Optional[str] = api_field("generationId")
    additional_properties: ExtraFields = extra_fields()


class PostGenerationsMotionSvdResponse(OperationResponse[PostGenerationsMotionSvdResponseBody]):
    """What ``generation.post_generations_motion_svd`` returns; ``object`` is the decoded body."""

    post_generations_motion_svd_200_application_json_object = object_alias()

    def _repr_html_(self) -> str:
        """Jupyter: what the response holds, as HTML."""
        return response_html(self)
