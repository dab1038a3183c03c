"""Models of ``generation.delete_generations_texture_id_`` (DELETE /generations-texture/{id})."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, body_param, extra_fields, path_param
from ..._model import ExtraFields, Model, OperationResponse, RequestModel, object_alias
from ...types import UNSET, OptionalNullable


@dataclasses.dataclass(repr=False)
class DeleteGenerationsTextureIDRequestBody(RequestModel):
    r"""Query parameters can also be provided in the request body as a JSON object."""

    id: OptionalNullable[str] = api_field("id", default=UNSET, nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class DeleteGenerationsTextureIDResponseBody(Model):
    r"""Responses for DELETE /api/rest/v1/generations-texture/{id}."""

    delete_model_asset_texture_generations_by_pk: Optional[ModelAssetTextureGenerations] = (
        api_field(
            "delete_model_asset_texture_generations_by_pk",
            nullable=True,
            description='columns and relationships of "model_asset_texture_generations"',
        )
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class ModelAssetTextureGenerations(Model):
    r"""columns and relationships of "model_asset_texture_generations"."""

    id: Optional[str] = api_field("id", nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass
class DeleteGenerationsTextureIDRequest:
    """The parameters of ``generation.delete_generations_texture_id_``."""

    id: str = path_param(
        "id", description='_"id" is required (enter it either in parameters or request body)_'
    )
    request_body: Optional[DeleteGenerationsTextureIDRequestBody] = body_param(
        description="Query parameters can also be provided in the request body as a JSON object"
    )


class DeleteGenerationsTextureIDResponse(OperationResponse[DeleteGenerationsTextureIDResponseBody]):
    """What ``generation.delete_generations_texture_id_`` returns; ``object`` is the decoded body."""

    delete_generations_texture_id__200_application_json_object = object_alias()
