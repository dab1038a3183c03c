"""The ``ElementInput`` model."""

from __future__ import annotations

import dataclasses

from ..._fields import api_field, extra_fields
from ..._model import ExtraFields, RequestModel
from ...types import UNSET, OptionalNullable


@dataclasses.dataclass(repr=False)
class ElementInput(RequestModel):
    ak_uuid: OptionalNullable[str] = api_field(
        "akUUID",
        default=UNSET,
        nullable=True,
        description="Unique identifier for element. Elements can be found from the List Elements endpoint.",
    )
    weight: OptionalNullable[float] = api_field(
        "weight", default=UNSET, nullable=True, description="Weight for the element"
    )
    additional_properties: ExtraFields = extra_fields()
