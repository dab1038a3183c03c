"""Models of ``dataset.delete_dataset_by_id`` (DELETE /datasets/{id})."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, extra_fields, path_param
from ..._model import ExtraFields, Model, OperationResponse, object_alias


@dataclasses.dataclass(repr=False)
class DeleteDatasetByIDResponseBody(Model):
    r"""Responses for DELETE /datasets/{id}."""

    delete_datasets_by_pk: Optional[DeleteDatasetByIDDatasets] = api_field(
        "delete_datasets_by_pk",
        nullable=True,
        description='columns and relationships of "datasets"',
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class DeleteDatasetByIDDatasets(Model):
    r"""columns and relationships of "datasets"."""

    id: Optional[str] = api_field("id", nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass
class DeleteDatasetByIDRequest:
    """The parameters of ``dataset.delete_dataset_by_id``."""

    id: str = path_param("id", description="The ID of the dataset to delete.")


class DeleteDatasetByIDResponse(OperationResponse[DeleteDatasetByIDResponseBody]):
    """What ``dataset.delete_dataset_by_id`` returns; ``object`` is the decoded body."""

    delete_dataset_by_id_200_application_json_object = object_alias()
