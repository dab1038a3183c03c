"""Models of ``model.get_models_3d_user_user_id_`` (GET /models-3d/user/{userId})."""

from __future__ import annotations

import dataclasses
from typing import List, Optional

from ..._fields import api_field, body_param, extra_fields, path_param, query_param
from ..._model import ExtraFields, Model, OperationResponse, RequestModel, object_alias
from ...types import UNSET, OptionalNullable
from ._shapes_model_asset import ModelAssetFields


@dataclasses.dataclass(repr=False)
class GetModels3dUserUserIDRequestBody(RequestModel):
    r"""Query parameters can also be provided in the request body as a JSON object."""

    user_id: OptionalNullable[str] = api_field("userId", default=UNSET, nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class GetModels3dUserUserIDResponseBody(Model):
    r"""Responses for GET /api/rest/v1/models-3d/user/{userId}."""

    model_assets: Optional[List[GetModels3dUserUserIDModelAssets]] = api_field("model_assets")
    additional_properties: ExtraFields = extra_fields()


class GetModels3dUserUserIDModelAssets(ModelAssetFields):
    r"""columns and relationships of "model_assets"."""


@dataclasses.dataclass
class GetModels3dUserUserIDRequest:
    """The parameters of ``model.get_models_3d_user_user_id_``."""

    user_id: str = path_param(
        "userId",
        description='_"userId" is required (enter it either in parameters or request body)_',
    )
    request_body: Optional[GetModels3dUserUserIDRequestBody] = body_param(
        description="Query parameters can also be provided in the request body as a JSON object"
    )
    limit: Optional[int] = query_param(
        "limit", description="How many items to return at most. The API's default is 10."
    )
    offset: Optional[int] = query_param(
        "offset", description="How many items to skip from the newest. The API's default is 0."
    )


class GetModels3dUserUserIDResponse(OperationResponse[GetModels3dUserUserIDResponseBody]):
    """What ``model.get_models_3d_user_user_id_`` returns; ``object`` is the decoded body."""

    get_models_3d_user_user_id__200_application_json_object = object_alias()
