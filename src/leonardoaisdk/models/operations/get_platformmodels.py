"""Models of ``model.get_platform_models`` (GET /platformModels)."""

from __future__ import annotations

import dataclasses
from typing import List, Optional

from ..._fields import api_field, extra_fields
from ..._model import ExtraFields, Model, OperationResponse, object_alias


@dataclasses.dataclass(repr=False)
class GetPlatformModelsResponseBody(Model):
    r"""Responses for GET /api/rest/v1/platformModels."""

    custom_models: Optional[List[GetPlatformModelsCustomModels]] = api_field("custom_models")
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class GetPlatformModelsCustomModels(Model):
    r"""columns and relationships of "custom_models"."""

    description: Optional[str] = api_field("description")
    featured: Optional[bool] = api_field("featured")
    generated_image: Optional[GetPlatformModelsGeneratedImages] = api_field(
        "generated_image",
        nullable=True,
        description='columns and relationships of "generated_images"',
    )
    id: Optional[str] = api_field("id", nullable=True)
    name: Optional[str] = api_field("name")
    nsfw: Optional[bool] = api_field("nsfw")
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class GetPlatformModelsGeneratedImages(Model):
    r"""columns and relationships of "generated_images"."""

    id: Optional[str] = api_field("id", nullable=True)
    url: Optional[str] = api_field("url")
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass
class GetPlatformModelsRequest:
    """``model.get_platform_models`` takes no parameters."""


class GetPlatformModelsResponse(OperationResponse[GetPlatformModelsResponseBody]):
    """What ``model.get_platform_models`` returns; ``object`` is the decoded body."""

    get_platform_models_200_application_json_object = object_alias()
