"""Models of ``model.post_models_3d_upload`` (POST /models-3d/upload)."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, extra_fields
from ..._model import ExtraFields, Model, OperationResponse, RequestModel, object_alias
from ...types import UNSET, Omittable, OptionalNullable


@dataclasses.dataclass(repr=False)
class PostModels3dUploadRequestBody(RequestModel):
    r"""Query parameters can also be provided in the request body as a JSON object."""

    model_extension: Omittable[str] = api_field("modelExtension", default=UNSET)
    name: OptionalNullable[str] = api_field("name", default=UNSET, nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class PostModels3dUploadResponseBody(Model):
    r"""Responses for POST /api/rest/v1/models-3d/upload."""

    upload_model_asset: Optional[ModelAssetUploadOutput] = api_field(
        "uploadModelAsset", nullable=True
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class ModelAssetUploadOutput(Model):
    model_fields: Optional[str] = api_field("modelFields", nullable=True)
    model_id: Optional[str] = api_field("modelId", nullable=True)
    model_key: Optional[str] = api_field("modelKey", nullable=True)
    model_url: Optional[str] = api_field("modelUrl", nullable=True)
    additional_properties: ExtraFields = extra_fields()


class PostModels3dUploadResponse(OperationResponse[PostModels3dUploadResponseBody]):
    """What ``model.post_models_3d_upload`` returns; ``object`` is the decoded body."""

    post_models_3d_upload_200_application_json_object = object_alias()
