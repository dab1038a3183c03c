"""Declaration helpers for model fields: each records the field's wire facts as metadata.

The codec and the docs generator read this metadata; nothing reads it per request.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, Optional

from .types import UNSET

WIRE = "leonardoaisdk.wire"
NULLABLE = "leonardoaisdk.nullable"
DESCRIPTION = "leonardoaisdk.description"
LOCATION = "leonardoaisdk.location"
EXTRA = "leonardoaisdk.extra"

BODY = "body"
PATH = "path"
QUERY = "query"
REQUEST_BODY = "request_body"


def _metadata(
    wire: Optional[str], nullable: bool, description: str, location: str
) -> Dict[str, Any]:
    return {WIRE: wire, NULLABLE: nullable, DESCRIPTION: description, LOCATION: location}


def api_field(
    wire: str,
    *,
    default: Any = None,
    nullable: bool = False,
    description: str = "",
) -> Any:
    """A JSON property. Response models default to ``None``; request models pass ``default=UNSET``
    or the spec's default value."""
    return dataclasses.field(default=default, metadata=_metadata(wire, nullable, description, BODY))


def required_field(wire: str, *, description: str = "") -> Any:
    """A JSON property the request must carry; the dataclass gives it no default."""
    return dataclasses.field(metadata=_metadata(wire, False, description, BODY))


def extra_fields() -> Any:
    """``additional_properties``: JSON properties the model does not declare, by wire name.

    Decoding keeps unknown properties here; encoding sends what the user puts here.
    """
    return dataclasses.field(default_factory=dict, metadata={EXTRA: True})


def path_param(wire: str, *, description: str = "") -> Any:
    return dataclasses.field(metadata=_metadata(wire, False, description, PATH))


def query_param(wire: str, *, description: str = "") -> Any:
    return dataclasses.field(default=None, metadata=_metadata(wire, False, description, QUERY))


def body_param(*, description: str = "") -> Any:
    return dataclasses.field(
        default=None, metadata=_metadata(None, False, description, REQUEST_BODY)
    )


__all__ = [
    "UNSET",
    "api_field",
    "required_field",
    "extra_fields",
    "path_param",
    "query_param",
    "body_param",
]
