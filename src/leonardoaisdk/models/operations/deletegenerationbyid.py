"""Models of ``generation.delete_generation_by_id`` (DELETE /generations/{id})."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, extra_fields, path_param
from ..._model import ExtraFields, Model, OperationResponse, object_alias


@dataclasses.dataclass(repr=False)
class DeleteGenerationByIDResponseBody(Model):
    r"""Responses for DELETE /generations/{id}."""

    delete_generations_by_pk: Optional[Generations] = api_field(
        "delete_generations_by_pk",
        nullable=True,
        description='columns and relationships of "generations"',
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class Generations(Model):
    r"""columns and relationships of "generations"."""

    id: Optional[str] = api_field("id", nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass
class DeleteGenerationByIDRequest:
    """The parameters of ``generation.delete_generation_by_id``."""

    id: str = path_param("id", description="The ID of the generation to delete.")


class DeleteGenerationByIDResponse(OperationResponse[DeleteGenerationByIDResponseBody]):
    """What ``generation.delete_generation_by_id`` returns; ``object`` is the decoded body."""

    delete_generation_by_id_200_application_json_object = object_alias()
