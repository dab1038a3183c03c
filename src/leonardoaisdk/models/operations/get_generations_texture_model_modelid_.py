"""Models of ``generation.get_generations_texture_model_model_id_`` (GET /generations-texture/model/{modelId})."""

from __future__ import annotations

import dataclasses
from typing import List, Optional

from ..._fields import api_field, body_param, extra_fields, path_param, query_param
from ..._model import ExtraFields, Model, OperationResponse, RequestModel, object_alias
from ...types import UNSET, OptionalNullable
from ._shapes_texture_generation import TextureGenerationFields, TextureImageFields


@dataclasses.dataclass(repr=False)
class GetGenerationsTextureModelModelIDRequestBody(RequestModel):
    r"""Query parameters can also be provided in the request body as a JSON object."""

    limit: OptionalNullable[int] = api_field("limit", default=UNSET, nullable=True)
    model_id: OptionalNullable[str] = api_field("modelId", default=UNSET, nullable=True)
    offset: OptionalNullable[int] = api_field("offset", default=UNSET, nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class GetGenerationsTextureModelModelIDResponseBody(Model):
    r"""Responses for GET /api/rest/v1/generations-texture/model/{modelId}."""

    model_asset_texture_generations: Optional[
        List[GetGenerationsTextureModelModelIDModelAssetTextureGenerations]
    ] = api_field("model_asset_texture_generations")
    additional_properties: ExtraFields = extra_fields()


class ModelAssetTextureImages(TextureImageFields):
    r"""columns and relationships of "model_asset_texture_images"."""


class GetGenerationsTextureModelModelIDModelAssetTextureGenerations(
    TextureGenerationFields[ModelAssetTextureImages]
):
    r"""columns and relationships of "model_asset_texture_generations"."""


@dataclasses.dataclass
class GetGenerationsTextureModelModelIDRequest:
    """The parameters of ``generation.get_generations_texture_model_model_id_``."""

    model_id: str = path_param(
        "modelId",
        description='_"modelId" is required (enter it either in parameters or request body)_',
    )
    request_body: Optional[GetGenerationsTextureModelModelIDRequestBody] = body_param(
        description="Query parameters can also be provided in the request body as a JSON object"
    )
    limit: Optional[int] = query_param(
        "limit", description="How many items to return at most. The API's default is 10."
    )
    offset: Optional[int] = query_param(
        "offset", description="How many items to skip from the newest. The API's default is 0."
    )


class GetGenerationsTextureModelModelIDResponse(
    OperationResponse[GetGenerationsTextureModelModelIDResponseBody]
):
    """What ``generation.get_generations_texture_model_model_id_`` returns; ``object`` is the decoded body."""

    get_generations_texture_model_model_id__200_application_json_object = object_alias()
