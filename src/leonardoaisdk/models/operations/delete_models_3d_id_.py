"""Models of ``model.delete_models_3d_id_`` (DELETE /models-3d/{id})."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, body_param, extra_fields, path_param
from ..._model import ExtraFields, Model, OperationResponse, RequestModel, object_alias
from ...types import UNSET, OptionalNullable


@dataclasses.dataclass(repr=False)
class DeleteModels3dIDRequestBody(RequestModel):
    r"""Query parameters can also be provided in the request body as a JSON object."""

    id: OptionalNullable[str] = api_field("id", default=UNSET, nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class DeleteModels3dIDResponseBody(Model):
    r"""Responses for DELETE /api/rest/v1/models-3d/{id}."""

    delete_model_assets_by_pk: Optional[ModelAssets] = api_field(
        "delete_model_assets_by_pk",
        nullable=True,
        description='columns and relationships of "model_assets"',
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class ModelAssets(Model):
    r"""columns and relationships of "model_assets"."""

    id: Optional[str] = api_field("id", nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass
class DeleteModels3dIDRequest:
    """The parameters of ``model.delete_models_3d_id_``."""

    id: str = path_param(
        "id", description='_"id" is required (enter it either in parameters or request body)_'
    )
    request_body: Optional[DeleteModels3dIDRequestBody] = body_param(
        description="Query parameters can also be provided in the request body as a JSON object"
    )


class DeleteModels3dIDResponse(OperationResponse[DeleteModels3dIDResponseBody]):
    """What ``model.delete_models_3d_id_`` returns; ``object`` is the decoded body."""

    delete_models_3d_id__200_application_json_object = object_alias()
