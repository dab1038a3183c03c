"""Models of ``model.create_model`` (POST /models)."""

from __future__ import annotations

import dataclasses
from typing import Optional, Union

from ..._fields import api_field, extra_fields, required_field
from ..._model import ExtraFields, Model, OperationResponse, RequestModel, object_alias
from ...types import UNSET, Omittable
from ..shared.custom_model_type import CustomModelType
from ..shared.sd_versions import SdVersions
from ..shared.strength import Strength


@dataclasses.dataclass(repr=False)
class CreateModelRequestBody(RequestModel):
    r"""Query parameters to be provided in the request body as a JSON object."""

    dataset_id: str = required_field(
        "datasetId", description="The ID of the dataset to train the model on."
    )
    instance_prompt: str = required_field(
        "instance_prompt", description="The instance prompt to use during training."
    )
    name: str = required_field("name", description="The name of the model.")
    description: Omittable[str] = api_field(
        "description", default="", description="The description of the model."
    )
    model_type: Omittable[Union[CustomModelType, str]] = api_field(
        "modelType",
        default=CustomModelType.GENERAL,
        description="The category the most accurately reflects the model.",
    )
    nsfw: Omittable[bool] = api_field(
        "nsfw", default=False, description="Whether or not the model is NSFW."
    )
    resolution: Omittable[int] = api_field(
        "resolution", default=512, description="The resolution for training. Must be 512 or 768."
    )
    sd_version: Omittable[Union[SdVersions, str]] = api_field(
        "sd_Version",
        default=UNSET,
        description="The base version of stable diffusion to use if not using a custom model. v1_5 is 1.5, v2 is 2.1, if not specified it will default to v1_5.",
    )
    strength: Omittable[Union[Strength, str]] = api_field(
        "strength",
        default=Strength.MEDIUM,
        description="When training using the PIXEL_ART model type, this influences the training strength.",
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class CreateModelResponseBody(Model):
    r"""Responses for POST /models."""

    sd_training_job: Optional[SDTrainingOutput] = api_field("sdTrainingJob", nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class SDTrainingOutput(Model):
    api_credit_cost: Optional[int] = api_field(
        "apiCreditCost",
        nullable=True,
        description="API Credits Cost for Model Training. Available for Production API Users.",
    )
    custom_model_id: Optional[str] = api_field("customModelId")
    additional_properties: ExtraFields = extra_fields()


class CreateModelResponse(OperationResponse[CreateModelResponseBody]):
    """What ``model.create_model`` returns; ``object`` is the decoded body."""

    create_model_200_application_json_object = object_alias()
