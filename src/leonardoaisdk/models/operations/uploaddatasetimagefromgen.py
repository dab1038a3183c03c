"""Models of ``dataset.upload_dataset_image_from_gen`` (POST /datasets/{datasetId}/upload/gen)."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, body_param, extra_fields, path_param, required_field
from ..._model import ExtraFields, Model, OperationResponse, RequestModel, object_alias


@dataclasses.dataclass(repr=False)
class UploadDatasetImageFromGenRequestBody(RequestModel):
    r"""Query parameters to be provided in the request body as a JSON object."""

    generated_image_id: str = required_field(
        "generatedImageId", description="The ID of the image to upload to the dataset."
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class UploadDatasetImageFromGenResponseBody(Model):
    r"""Responses for POST /datasets/{datasetId}/upload/gen."""

    upload_dataset_image_from_gen: Optional[DatasetGenUploadOutput] = api_field(
        "uploadDatasetImageFromGen", nullable=True
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class DatasetGenUploadOutput(Model):
    id: Optional[str] = api_field("id", nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass
class UploadDatasetImageFromGenRequest:
    """The parameters of ``dataset.upload_dataset_image_from_gen``."""

    request_body: UploadDatasetImageFromGenRequestBody = body_param(
        required=True,
        description="Query parameters to be provided in the request body as a JSON object",
    )
    dataset_id: str = path_param(
        "datasetId", description="The ID of the dataset to add the image to."
    )


class UploadDatasetImageFromGenResponse(OperationResponse[UploadDatasetImageFromGenResponseBody]):
    """What ``dataset.upload_dataset_image_from_gen`` returns; ``object`` is the decoded body."""

    upload_dataset_image_from_gen_200_application_json_object = object_alias()
