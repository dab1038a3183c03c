"""Models of ``element.get_elements`` (GET /elements)."""

from __future__ import annotations

import dataclasses
from typing import List, Optional, Union

from ..._fields import api_field, extra_fields
from ..._model import ExtraFields, Model, OperationResponse, object_alias
from ..shared.sd_versions import SdVersions


@dataclasses.dataclass(repr=False)
class GetElementsResponseBody(Model):
    r"""Responses for GET /api/rest/v1/elements."""

    loras: Optional[List[Loras]] = api_field("loras")
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class Loras(Model):
    r"""columns and relationships of "elements"."""

    ak_uuid: Optional[str] = api_field(
        "akUUID",
        nullable=True,
        description="Unique identifier for the element. Elements can be found from the List Elements endpoint.",
    )
    base_model: Optional[Union[SdVersions, str]] = api_field(
        "baseModel",
        description="The base version of stable diffusion to use if not using a custom model. v1_5 is 1.5, v2 is 2.1, if not specified it will default to v1_5.",
    )
    creator_name: Optional[str] = api_field(
        "creatorName", nullable=True, description="Name of the creator of the element"
    )
    description: Optional[str] = api_field(
        "description", nullable=True, description="Description for the element"
    )
    name: Optional[str] = api_field("name", nullable=True, description="Name of the element")
    url_image: Optional[str] = api_field(
        "urlImage", nullable=True, description="URL of the element image"
    )
    weight_default: Optional[int] = api_field(
        "weightDefault", nullable=True, description="Default weight for the element"
    )
    weight_max: Optional[int] = api_field(
        "weightMax", nullable=True, description="Maximum weight for the element"
    )
    weight_min: Optional[int] = api_field(
        "weightMin", nullable=True, description="Minimum weight for the element"
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass
class GetElementsRequest:
    """``element.get_elements`` takes no parameters."""


class GetElementsResponse(OperationResponse[GetElementsResponseBody]):
    """What ``element.get_elements`` returns; ``object`` is the decoded body."""

    get_elements_200_application_json_object = object_alias()
