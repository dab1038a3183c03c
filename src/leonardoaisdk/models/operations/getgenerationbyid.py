"""Models of ``generation.get_generation_by_id`` (GET /generations/{id})."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._display import response_html
from ..._fields import api_field, extra_fields, path_param
from ..._model import ExtraFields, Model, OperationResponse, object_alias
from ._shapes_generation import (
    ElementFields,
    GeneratedImageFields,
    GenerationElementFields,
    GenerationFields,
    VariationFields,
)


@dataclasses.dataclass(repr=False)
class GetGenerationByIDResponseBody(Model):
    r"""Responses for GET /generations/{id}."""

    generations_by_pk: Optional[GetGenerationByIDGenerations] = api_field(
        "generations_by_pk", nullable=True, description='columns and relationships of "generations"'
    )
    additional_properties: ExtraFields = extra_fields()


class GetGenerationByIDGeneratedImageVariationGeneric(VariationFields):
    r"""columns and relationships of "generated_image_variation_generic"."""


class GeneratedImages(GeneratedImageFields[GetGenerationByIDGeneratedImageVariationGeneric]):
    r"""columns and relationships of "generated_images"."""


class GetGenerationByIDLoras(ElementFields):
    r"""Element used for the generation."""


class GenerationElements(GenerationElementFields[GetGenerationByIDLoras]):
    r"""This table captures the elements that are applied to Generations."""


class GetGenerationByIDGenerations(GenerationFields[GeneratedImages, GenerationElements]):
    r"""columns and relationships of "generations"."""


@dataclasses.dataclass
class GetGenerationByIDRequest:
    """The parameters of ``generation.get_generation_by_id``."""

    id: str = path_param("id", description="The ID of the generation to return.")


class GetGenerationByIDResponse(OperationResponse[GetGenerationByIDResponseBody]):
    """What ``generation.get_generation_by_id`` returns; ``object`` is the decoded body."""

    get_generation_by_id_200_application_json_object = object_alias()

    def _repr_html_(self) -> str:
        """Jupyter: what the response holds, as HTML."""
        return response_html(self)
