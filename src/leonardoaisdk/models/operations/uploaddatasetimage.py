"""Models of ``dataset.upload_dataset_image`` (POST /datasets/{datasetId}/upload)."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, body_param, extra_fields, path_param
from ..._model import ExtraFields, Model, OperationResponse, object_alias
from ._shapes_presigned_upload import ImageExtensionFields, PresignedUploadFields


class UploadDatasetImageRequestBody(ImageExtensionFields):
    r"""Query parameters provided in the request body as a JSON object."""


@dataclasses.dataclass(repr=False)
class UploadDatasetImageResponseBody(Model):
    r"""Responses for POST /datasets/{datasetId}/upload."""

    upload_dataset_image: Optional[DatasetUploadOutput] = api_field(
        "uploadDatasetImage", nullable=True
    )
    additional_properties: ExtraFields = extra_fields()


class DatasetUploadOutput(PresignedUploadFields):
    pass


@dataclasses.dataclass
class UploadDatasetImageRequest:
    """The parameters of ``dataset.upload_dataset_image``."""

    request_body: UploadDatasetImageRequestBody = body_param(
        required=True, description="Query parameters provided in the request body as a JSON object"
    )
    dataset_id: str = path_param(
        "datasetId", description="The ID of the dataset to upload the image to."
    )


class UploadDatasetImageResponse(OperationResponse[UploadDatasetImageResponseBody]):
    """What ``dataset.upload_dataset_image`` returns; ``object`` is the decoded body."""

    upload_dataset_image_200_application_json_object = object_alias()
