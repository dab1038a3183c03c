"""Models of ``variation.post_variations_unzoom`` (POST /variations/unzoom)."""

from __future__ import annotations

import dataclasses
from typing import Optional

from ..._fields import api_field, extra_fields
from ..._model import ExtraFields, Model, OperationResponse, RequestModel, object_alias
from ...types import UNSET, Omittable, OptionalNullable


@dataclasses.dataclass(repr=False)
class PostVariationsUnzoomRequestBody(RequestModel):
    r"""Query parameters can also be provided in the request body as a JSON object."""

    id: Omittable[str] = api_field("id", default=UNSET)
    is_variation: OptionalNullable[bool] = api_field("isVariation", default=UNSET, nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class PostVariationsUnzoomResponseBody(Model):
    r"""Responses for POST /api/rest/v1/variations/unzoom."""

    sd_unzoom_job: Optional[SDUnzoomOutput] = api_field("sdUnzoomJob", nullable=True)
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class SDUnzoomOutput(Model):
    api_credit_cost: Optional[int] = api_field(
        "apiCreditCost",
        nullable=True,
        description="API Credits Cost for Unzoom Variation. Available for Production API Users.",
    )
    id: Optional[str] = api_field("id")
    additional_properties: ExtraFields = extra_fields()


class PostVariationsUnzoomResponse(OperationResponse[PostVariationsUnzoomResponseBody]):
    """What ``variation.post_variations_unzoom`` returns; ``object`` is the decoded body."""

    post_variations_unzoom_200_application_json_object = object_alias()
