"""Models of ``variation.get_variation_by_id`` (GET /variations/{id})."""

from __future__ import annotations

import dataclasses
import datetime
from typing import List, Optional, Union

from ..._codec import parse_timestamp
from ..._fields import api_field, extra_fields, path_param
from ..._model import ExtraFields, Model, OperationResponse, object_alias
from ..shared.job_status import JobStatus
from ..shared.variation_type import VariationType


@dataclasses.dataclass(repr=False)
class GetVariationByIDResponseBody(Model):
    r"""Responses for GET /variations/{id}."""

    generated_image_variation_generic: Optional[List[GeneratedImageVariationGeneric]] = api_field(
        "generated_image_variation_generic"
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class GeneratedImageVariationGeneric(Model):
    r"""columns and relationships of "generated_image_variation_generic"."""

    created_at: Optional[str] = api_field("createdAt")
    id: Optional[str] = api_field("id", nullable=True)
    status: Optional[Union[JobStatus, str]] = api_field(
        "status", description="The status of the current task."
    )
    transform_type: Optional[Union[VariationType, str]] = api_field(
        "transformType", description="The type of variation."
    )
    url: Optional[str] = api_field("url", nullable=True)
    additional_properties: ExtraFields = extra_fields()

    @property
    def created_at_datetime(self) -> Optional[datetime.datetime]:
        """``created_at`` as a timezone-aware datetime (UTC if the API names no zone), or ``None``
        when absent or not a timestamp."""
        return parse_timestamp(self.created_at)


@dataclasses.dataclass
class GetVariationByIDRequest:
    """The parameters of ``variation.get_variation_by_id``."""

    id: str = path_param("id", description="The ID of the variation to return.")


class GetVariationByIDResponse(OperationResponse[GetVariationByIDResponseBody]):
    """What ``variation.get_variation_by_id`` returns; ``object`` is the decoded body."""

    get_variation_by_id_200_application_json_object = object_alias()
