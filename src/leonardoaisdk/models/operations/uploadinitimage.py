"""Models of ``initimage.upload_init_image`` (POST /init-image)."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, extra_fields
from ..._model import ExtraFields, Model, OperationResponse, object_alias
from ._shapes_presigned_upload import ImageExtensionFields, PresignedUploadFields


class UploadInitImageRequestBody(ImageExtensionFields):
    r"""Query parameters provided in the request body as a JSON object."""


@dataclasses.dataclass(repr=False)
class UploadInitImageResponseBody(Model):
    r"""Responses for POST /init-image."""

    upload_init_image: Optional[InitImageUploadOutput] = api_field("uploadInitImage", nullable=True)
    additional_properties: ExtraFields = extra_fields()


class InitImageUploadOutput(PresignedUploadFields):
    pass


class UploadInitImageResponse(OperationResponse[UploadInitImageResponseBody]):
    """What ``initimage.upload_init_image`` returns; ``object`` is the decoded body."""

    upload_init_image_200_application_json_object = object_alias()
