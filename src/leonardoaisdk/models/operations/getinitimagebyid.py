"""Models of ``initimage.get_init_image_by_id`` (GET /init-image/{id})."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, extra_fields, path_param
from ..._model import ExtraFields, Model, OperationResponse, object_alias
from ._shapes_stored_image import StoredImageFields


@dataclasses.dataclass(repr=False)
class GetInitImageByIDResponseBody(Model):
    r"""Responses for GET /init-image/{id}."""

    init_images_by_pk: Optional[GetInitImageByIDInitImages] = api_field(
        "init_images_by_pk", nullable=True, description='columns and relationships of "init_images"'
    )
    additional_properties: ExtraFields = extra_fields()


class GetInitImageByIDInitImages(StoredImageFields):
    r"""columns and relationships of "init_images"."""


@dataclasses.dataclass
class GetInitImageByIDRequest:
    """The parameters of ``initimage.get_init_image_by_id``."""

    id: str = path_param("id", description="The ID of the init image to return.")


class GetInitImageByIDResponse(OperationResponse[GetInitImageByIDResponseBody]):
    """What ``initimage.get_init_image_by_id`` returns; ``object`` is the decoded body."""

    get_init_image_by_id_200_application_json_object = object_alias()
