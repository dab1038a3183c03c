"""Models of ``model.get_models_3d_id_`` (GET /models-3d/{id})."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, body_param, extra_fields, path_param, query_param
from ..._model import ExtraFields, Model, OperationResponse, RequestModel, object_alias
from ...types import UNSET, OptionalNullable
from ._shapes_model_asset import ModelAssetFields


@dataclasses.dataclass(repr=False)
class GetModels3dIDRequestBody(RequestModel):
    r"""Query parameters can also be provided in the request body as a JSON object."""

    id: OptionalNullable[str] = api_field("id", default=UNSET, nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class GetModels3dIDResponseBody(Model):
    r"""Responses for GET /api/rest/v1/models-3d/{id}."""

    model_assets_by_pk: Optional[GetModels3dIDModelAssets] = api_field(
        "model_assets_by_pk",
        nullable=True,
        description='columns and relationships of "model_assets"',
    )
    additional_properties: ExtraFields = extra_fields()


class GetModels3dIDModelAssets(ModelAssetFields):
    r"""columns and relationships of "model_assets"."""


@dataclasses.dataclass
class GetModels3dIDRequest:
    """The parameters of ``model.get_models_3d_id_``."""

    id: str = path_param(
        "id", description='_"id" is required (enter it either in parameters or request body)_'
    )
    request_body: Optional[GetModels3dIDRequestBody] = body_param(
        description="Query parameters can also be provided in the request body as a JSON object"
    )
    limit: Optional[int] = query_param(
        "limit", description="How many items to return at most. The API's default is 10."
    )
    offset: Optional[int] = query_param(
        "offset", description="How many items to skip from the newest. The API's default is 0."
    )


class GetModels3dIDResponse(OperationResponse[GetModels3dIDResponseBody]):
    """What ``model.get_models_3d_id_`` returns; ``object`` is the decoded body."""

    get_models_3d_id__200_application_json_object = object_alias()
