"""Models of ``initimage.delete_init_image_by_id`` (DELETE /init-image/{id})."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, extra_fields, path_param
from ..._model import ExtraFields, Model, OperationResponse, object_alias


@dataclasses.dataclass(repr=False)
class DeleteInitImageByIDResponseBody(Model):
    r"""Responses for DELETE /init-image/{id}."""

    delete_init_images_by_pk: Optional[InitImages] = api_field(
        "delete_init_images_by_pk",
        nullable=True,
        description='columns and relationships of "init_images"',
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class InitImages(Model):
    r"""columns and relationships of "init_images"."""

    id: Optional[str] = api_field("id", nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass
class DeleteInitImageByIDRequest:
    """The parameters of ``initimage.delete_init_image_by_id``."""

    id: str = path_param("id", description="The ID of the init image to delete.")


class DeleteInitImageByIDResponse(OperationResponse[DeleteInitImageByIDResponseBody]):
    """What ``initimage.delete_init_image_by_id`` returns; ``object`` is the decoded body."""

    delete_init_image_by_id_200_application_json_object = object_alias()
