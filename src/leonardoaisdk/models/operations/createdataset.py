"""Models of ``dataset.create_dataset`` (POST /datasets)."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, extra_fields, required_field
from ..._model import ExtraFields, Model, OperationResponse, RequestModel, object_alias
from ...types import UNSET, OptionalNullable


@dataclasses.dataclass(repr=False)
class CreateDatasetRequestBody(RequestModel):
    r"""Query parameters to be provided in the request body as a JSON object."""

    name: str = required_field("name", description="The name of the dataset.")
    description: OptionalNullable[str] = api_field(
        "description", default=UNSET, nullable=True, description="A description for the dataset."
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class CreateDatasetResponseBody(Model):
    r"""Responses for POST /datasets."""

    insert_datasets_one: Optional[Datasets] = api_field(
        "insert_datasets_one", nullable=True, description='columns and relationships of "datasets"'
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class Datasets(Model):
    r"""columns and relationships of "datasets"."""

    id: Optional[str] = api_field("id", nullable=True)
    additional_properties: ExtraFields = extra_fields()


class CreateDatasetResponse(OperationResponse[CreateDatasetResponseBody]):
    """What ``dataset.create_dataset`` returns; ``object`` is the decoded body."""

    create_dataset_200_application_json_object = object_alias()
