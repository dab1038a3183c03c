"""The ``ElementInput`` model."""

from __future__ import annotations

import dataclasses
from typing import Any, Dict

from ..._fields import api_field, extra_fields
from ..._model import Model
from ...types import UNSET, OptionalNullable


@dataclasses.dataclass(repr=False)
class ElementInput(Model):
    ak_uuid: OptionalNullable[str] = api_field(
        "akUUID",
        default=UNSET,
        nullable=True,
        description="Unique identifier for element. Elements can be found from the List Elements endpoint.",
    )
    weight: OptionalNullable[float] = api_field(
        "weight",
        default=UNSET,
        nullable=True,
        description="Weight for the element",
    )
    additional_properties: Dict[str, Any] = extra_fields()
