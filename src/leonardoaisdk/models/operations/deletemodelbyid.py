"""Models of ``model.delete_model_by_id`` (DELETE /models/{id})."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, extra_fields, path_param
from ..._model import ExtraFields, Model, OperationResponse, object_alias


@dataclasses.dataclass(repr=False)
class DeleteModelByIDResponseBody(Model):
    r"""Responses for DELETE /models/{id}."""

    delete_custom_models_by_pk: Optional[CustomModels] = api_field(
        "delete_custom_models_by_pk",
        nullable=True,
        description='columns and relationships of "custom_models"',
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class CustomModels(Model):
    r"""columns and relationships of "custom_models"."""

    id: Optional[str] = api_field("id", nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass
class DeleteModelByIDRequest:
    """The parameters of ``model.delete_model_by_id``."""

    id: str = path_param("id", description="The ID of the custom model to delete.")


class DeleteModelByIDResponse(OperationResponse[DeleteModelByIDResponseBody]):
    """What ``model.delete_model_by_id`` returns; ``object`` is the decoded body."""

    delete_model_by_id_200_application_json_object = object_alias()
