"""Models of ``dataset.get_dataset_by_id`` (GET /datasets/{id})."""

from __future__ import annotations

import dataclasses
import datetime
from typing import List, Optional

from ..._codec import parse_timestamp
from ..._fields import api_field, extra_fields, path_param
from ..._model import ExtraFields, Model, OperationResponse, object_alias
from ._shapes_stored_image import StoredImageFields


@dataclasses.dataclass(repr=False)
class GetDatasetByIDResponseBody(Model):
    r"""Responses for GET /datasets/{id}."""

    datasets_by_pk: Optional[GetDatasetByIDDatasets] = api_field(
        "datasets_by_pk", nullable=True, description='columns and relationships of "datasets"'
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class GetDatasetByIDDatasets(Model):
    r"""columns and relationships of "datasets"."""

    created_at: Optional[str] = api_field("createdAt")
    dataset_images: Optional[List[DatasetImages]] = api_field("dataset_images")
    description: Optional[str] = api_field("description", nullable=True)
    id: Optional[str] = api_field("id", nullable=True)
    name: Optional[str] = api_field("name")
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


class DatasetImages(StoredImageFields):
    r"""columns and relationships of "dataset_images"."""


@dataclasses.dataclass
class GetDatasetByIDRequest:
    """The parameters of ``dataset.get_dataset_by_id``."""

    id: str = path_param("id", description="The ID of the dataset to return.")


class GetDatasetByIDResponse(OperationResponse[GetDatasetByIDResponseBody]):
    """What ``dataset.get_dataset_by_id`` returns; ``object`` is the decoded body."""

    get_dataset_by_id_200_application_json_object = object_alias()
