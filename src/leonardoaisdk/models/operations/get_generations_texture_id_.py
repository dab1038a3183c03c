"""Models of ``generation.get_generations_texture_id_`` (GET /generations-texture/{id})."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, body_param, extra_fields, path_param, query_param
from ..._model import ExtraFields, Model, OperationResponse, RequestModel, object_alias
from ...types import UNSET, OptionalNullable
from ._shapes_texture_generation import TextureGenerationFields, TextureImageFields


@dataclasses.dataclass(repr=False)
class GetGenerationsTextureIDRequestBody(RequestModel):
    r"""Query parameters can also be provided in the request body as a JSON object."""

    id: OptionalNullable[str] = api_field("id", default=UNSET, nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class GetGenerationsTextureIDResponseBody(Model):
    r"""Responses for GET /api/rest/v1/generations-texture/{id}."""

    model_asset_texture_generations_by_pk: Optional[
        GetGenerationsTextureIDModelAssetTextureGenerations
    ] = api_field(
        "model_asset_texture_generations_by_pk",
        nullable=True,
        description='columns and relationships of "model_asset_texture_generations"',
    )
    additional_properties: ExtraFields = extra_fields()


class GetGenerationsTextureIDModelAssetTextureImages(TextureImageFields):
    r"""columns and relationships of "model_asset_texture_images"."""


class GetGenerationsTextureIDModelAssetTextureGenerations(
    TextureGenerationFields[GetGenerationsTextureIDModelAssetTextureImages]
):
    r"""columns and relationships of "model_asset_texture_generations"."""


@dataclasses.dataclass
class GetGenerationsTextureIDRequest:
    """The parameters of ``generation.get_generations_texture_id_``."""

    id: str = path_param(
        "id", description='_"id" is required (enter it either in parameters or request body)_'
    )
    request_body: Optional[GetGenerationsTextureIDRequestBody] = body_param(
        description="Query parameters can also be provided in the request body as a JSON object"
    )
    limit: Optional[int] = query_param(
        "limit", description="How many items to return at most. The API's default is 10."
    )
    offset: Optional[int] = query_param(
        "offset", description="How many items to skip from the newest. The API's default is 0."
    )


class GetGenerationsTextureIDResponse(OperationResponse[GetGenerationsTextureIDResponseBody]):
    """What ``generation.get_generations_texture_id_`` returns; ``object`` is the decoded body."""

    get_generations_texture_id__200_application_json_object = object_alias()
