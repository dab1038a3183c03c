"""Models of ``variation.create_variation_upscale`` (POST /variations/upscale)."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, extra_fields, required_field
from ..._model import ExtraFields, Model, OperationResponse, RequestModel, object_alias


@dataclasses.dataclass(repr=False)
class CreateVariationUpscaleRequestBody(RequestModel):
    r"""Query parameters are provided in the request body as a JSON object."""

    id: str = required_field("id")
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class CreateVariationUpscaleResponseBody(Model):
    r"""Responses for POST /variations/upscale."""

    sd_upscale_job: Optional[CreateVariationUpscaleSDUpscaleJobOutput] = api_field(
        "sdUpscaleJob", nullable=True
    )
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class CreateVariationUpscaleSDUpscaleJobOutput(Model):
    api_credit_cost: Optional[int] = api_field(
        "apiCreditCost",
        nullable=True,
        description="API Credits Cost for Upscale Variation. Available for Production API Users.",
    )
    id: Optional[str] = api_field("id")
    additional_properties: ExtraFields = extra_fields()


class CreateVariationUpscaleResponse(OperationResponse[CreateVariationUpscaleResponseBody]):
    """What ``variation.create_variation_upscale`` returns; ``object`` is the decoded body."""

    create_variation_upscale_200_application_json_object = object_alias()
