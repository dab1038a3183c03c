"""Models of ``generation.get_generations_by_user_id`` (GET /generations/user/{userId})."""

from __future__ import annotations

import dataclasses
from typing import List, Optional

from ..._display import response_html
from ..._fields import api_field, extra_fields, path_param, query_param
from ..._model import ExtraFields, Model, OperationResponse, object_alias
from ._shapes_generation import (
    ElementFields,
    GeneratedImageFields,
    GenerationElementFields,
    GenerationFields,
    VariationFields,
)


@dataclasses.dataclass(repr=False)
class GetGenerationsByUserIDResponseBody(Model):
    r"""Responses for GET /generations/user/{userId}."""

    generations: Optional[List[GetGenerationsByUserIDGenerations]] = api_field("generations")
    additional_properties: ExtraFields = extra_fields()


class GetGenerationsByUserIDGeneratedImageVariationGeneric(VariationFields):
    r"""columns and relationships of "generated_image_variation_generic"."""


class GetGenerationsByUserIDGeneratedImages(
    GeneratedImageFields[GetGenerationsByUserIDGeneratedImageVariationGeneric]
):
    r"""columns and relationships of "generated_images"."""


class Elements(ElementFields):
    r"""Element used for the generation."""


class GetGenerationsByUserIDGenerationElements(GenerationElementFields[Elements]):
    r"""This table captures the elements that are applied to a Generations, also the order and weightings used when applied."""


class GetGenerationsByUserIDGenerations(
    GenerationFields[
        GetGenerationsByUserIDGeneratedImages, GetGenerationsByUserIDGenerationElements
    ]
):
    r"""columns and relationships of "generations"."""


@dataclasses.dataclass
class GetGenerationsByUserIDRequest:
    """The parameters of ``generation.get_generations_by_user_id``."""

    user_id: str = path_param(
        "userId", description="The ID of the user whose generations to return."
    )
    limit: Optional[int] = query_param(
        "limit", description="How many items to return at most. The API's default is 10."
    )
    offset: Optional[int] = query_param(
        "offset", description="How many items to skip from the newest. The API's default is 0."
    )


class GetGenerationsByUserIDResponse(OperationResponse[GetGenerationsByUserIDResponseBody]):
    """What ``generation.get_generations_by_user_id`` returns; ``object`` is the decoded body."""

    get_generations_by_user_id_200_application_json_object = object_alias()

    def _repr_html_(self) -> str:
        """Jupyter: what the response holds, as HTML."""
        return response_html(self)
