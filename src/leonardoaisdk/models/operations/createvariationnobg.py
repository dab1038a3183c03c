"""Models of ``variation.create_variation_no_bg`` (POST /variations/nobg)."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, extra_fields, required_field
from ..._model import ExtraFields, Model, OperationResponse, RequestModel, object_alias
from ...types import UNSET, Omittable


@dataclasses.dataclass(repr=False)
class CreateVariationNoBGRequestBody(RequestModel):
    r"""Query parameters are provided in the request body as a JSON object."""

    id: str = required_field("id")
    is_variation: Omittable[bool] = api_field("isVariation", default=UNSET)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class CreateVariationNoBGResponseBody(Model):
    r"""Responses for POST /variations/nobg."""

    sd_nobg_job: Optional[SDUpscaleJobOutput] = api_field("sdNobgJob")
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class SDUpscaleJobOutput(Model):
    api_credit_cost: Optional[int] = api_field(
        "apiCreditCost",
        nullable=True,
        description="API Credits Cost for No Background Variation. Available for Production API Users.",
    )
    id: Optional[str] = api_field("id", nullable=True)
    additional_properties: ExtraFields = extra_fields()


class CreateVariationNoBGResponse(OperationResponse[CreateVariationNoBGResponseBody]):
    """What ``variation.create_variation_no_bg`` returns; ``object`` is the decoded body."""

    create_variation_no_bg_200_application_json_object = object_alias()
