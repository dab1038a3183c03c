"""Models of ``generation.post_generations_texture`` (POST /generations-texture)."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, extra_fields
from ..._model import ExtraFields, Model, OperationResponse, RequestModel, object_alias
from ...types import UNSET, Omittable, OptionalNullable


@dataclasses.dataclass(repr=False)
class PostGenerationsTextureRequestBody(RequestModel):
    r"""Query parameters can also be provided in the request body as a JSON object."""

    front_rotation_offset: OptionalNullable[int] = api_field(
        "front_rotation_offset", default=UNSET, nullable=True
    )
    model_asset_id: Omittable[str] = api_field("modelAssetId", default=UNSET)
    negative_prompt: OptionalNullable[str] = api_field(
        "negative_prompt", default=UNSET, nullable=True
    )
    preview: OptionalNullable[bool] = api_field("preview", default=UNSET, nullable=True)
    preview_direction: OptionalNullable[str] = api_field(
        "preview_direction", default=UNSET, nullable=True
    )
    prompt: Omittable[str] = api_field("prompt", default=UNSET)
    sd_version: OptionalNullable[str] = api_field("sd_version", default=UNSET, nullable=True)
    seed: OptionalNullable[int] = api_field("seed", default=UNSET, nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class PostGenerationsTextureResponseBody(Model):
    r"""Responses for POST /api/rest/v1/generations-texture."""

    texture_generation_job: Optional[TextureGenerationJobOutput] = api_field(
        "textureGenerationJob", nullable=True
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class TextureGenerationJobOutput(Model):
    api_credit_cost: Optional[int] = api_field(
        "apiCreditCost",
        nullable=True,
        description="API Credits Cost for Texture Generation. Available for Production API Users.",
    )
    id: Optional[str] = api_field("id")
    additional_properties: ExtraFields = extra_fields()


class PostGenerationsTextureResponse(OperationResponse[PostGenerationsTextureResponseBody]):
    """What ``generation.post_generations_texture`` returns; ``object`` is the decoded body."""

    post_generations_texture_200_application_json_object = object_alias()
