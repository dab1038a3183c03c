"""Models of ``model.get_model_by_id`` (GET /models/{id})."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Optional, Union

from ..._codec import parse_timestamp
from ..._fields import api_field, extra_fields, path_param
from ..._model import ExtraFields, Model, OperationResponse, object_alias
from ..shared.custom_model_type import CustomModelType
from ..shared.job_status import JobStatus
from ..shared.sd_versions import SdVersions


@dataclasses.dataclass(repr=False)
class GetModelByIDResponseBody(Model):
    r"""Responses for GET /models/{id}."""

    custom_models_by_pk: Optional[GetModelByIDCustomModels] = api_field(
        "custom_models_by_pk",
        nullable=True,
        description='columns and relationships of "custom_models"',
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class GetModelByIDCustomModels(Model):
    r"""columns and relationships of "custom_models"."""

    created_at: Optional[str] = api_field("createdAt")
    description: Optional[str] = api_field("description")
    id: Optional[str] = api_field("id", nullable=True)
    instance_prompt: Optional[str] = api_field("instancePrompt", nullable=True)
    model_height: Optional[int] = api_field("modelHeight")
    model_width: Optional[int] = api_field("modelWidth")
    name: Optional[str] = api_field("name")
    public: Optional[bool] = api_field("public")
    sd_version: Optional[Union[SdVersions, str]] = api_field(
        "sdVersion",
        description="The base version of stable diffusion to use if not using a custom model. v1_5 is 1.5, v2 is 2.1, if not specified it will default to v1_5.",
    )
    status: Optional[Union[JobStatus, str]] = api_field(
        "status", description="The status of the current task."
    )
    type: Optional[Union[CustomModelType, str]] = api_field(
        "type",
        default=CustomModelType.GENERAL,
        description="The category the most accurately reflects the model.",
    )
    updated_at: Optional[str] = api_field("updatedAt")
    additional_properties: ExtraFields = extra_fields()

    @property
    def created_at_datetime(self) -> Optional[datetime.datetime]:
        """``created_at`` as a timezone-aware datetime (UTC if the API names no zone), or ``None``
        when absent or not a timestamp."""
        return parse_timestamp(self.created_at)

    @property
    def updated_at_datetime(self) -> Optional[datetime.datetime]:
        """``updated_at`` as a timezone-aware datetime (UTC if the API names no zone), or ``None``
        when absent or not a timestamp."""
        return parse_timestamp(self.updated_at)


@dataclasses.dataclass
class GetModelByIDRequest:
    """The parameters of ``model.get_model_by_id``."""

    id: str = path_param("id", description="The ID of the custom model to return.")


class GetModelByIDResponse(OperationResponse[GetModelByIDResponseBody]):
    """What ``model.get_model_by_id`` returns; ``object`` is the decoded body."""

    get_model_by_id_200_application_json_object = object_alias()
