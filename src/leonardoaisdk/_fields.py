"""Declaration helpers for model fields: each records the field's wire facts as metadata.

A field's JSON (wire) name is declared once, as dataclasses-json's ``field_name``: the
library's own ``to_dict``/``from_dict``/``schema`` and this SDK's codec and docs generator all
read it from there (:func:`wire_name`). The SDK's other facts (nullable, description, where a
parameter goes) ride along in the same metadata dict. Nothing reads metadata per request.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Dict, Mapping, Optional

from .types import UNSET

NULLABLE = "leonardoaisdk.nullable"
DESCRIPTION = "leonardoaisdk.description"
LOCATION = "leonardoaisdk.location"
EXTRA = "leonardoaisdk.extra"
LIBRARY = "dataclasses_json"  # the key dataclasses-json keeps its per-field config under

BODY = "body"
PATH = "path"
QUERY = "query"
REQUEST_BODY = "request_body"


def wire_name(field: dataclasses.Field) -> Optional[str]:  # type: ignore[type-arg]
    """The JSON name ``field`` was declared with, or ``None`` (the extra-fields dict, a body)."""
    letter_case: Optional[Callable[[str], str]] = field.metadata.get(LIBRARY, {}).get("letter_case")
    return None if letter_case is None else letter_case(field.name)


def _is_unset(value: Any) -> bool:
    return value is UNSET


def _is_unset_or_none(value: Any) -> bool:
    return value is UNSET or value is None


def _metadata(
    wire: Optional[str],
    nullable: bool,
    description: str,
    location: str,
    omit: Optional[Callable[[Any], bool]] = None,
) -> Dict[str, Any]:
    # Imported here, as model modules declare their fields: the SDK itself loads without it.
    from dataclasses_json import config

    ours: Dict[str, Any] = {NULLABLE: nullable, DESCRIPTION: description, LOCATION: location}
    # `exclude` makes dataclasses-json's own encoder leave out what this SDK's does not send.
    return config(ours, field_name=wire, exclude=omit)


def api_field(
    wire: str,
    *,
    default: Any = None,
    nullable: bool = False,
    description: str = "",
) -> Any:
    """A JSON property. Response models default to ``None``; request models pass ``default=UNSET``
    or the spec's default value."""
    omit = _is_unset if nullable else _is_unset_or_none
    return dataclasses.field(
        default=default, metadata=_metadata(wire, nullable, description, BODY, omit)
    )


def required_field(wire: str, *, description: str = "") -> Any:
    """A JSON property the request must carry; the dataclass gives it no default."""
    return dataclasses.field(metadata=_metadata(wire, False, description, BODY, _is_unset))


def extra_fields() -> Any:
    """``additional_properties``: JSON properties the model does not declare, by wire name.

    Decoding keeps unknown properties here; encoding sends what the user puts here. Declare it
    as ``additional_properties: ExtraFields = extra_fields()`` (``_model.ExtraFields``).
    """
    return dataclasses.field(default_factory=dict, metadata={EXTRA: True, LIBRARY: {}})


def is_extra(field: dataclasses.Field) -> bool:  # type: ignore[type-arg]
    return bool(field.metadata.get(EXTRA))


def path_param(wire: str, *, description: str = "") -> Any:
    return dataclasses.field(metadata=_metadata(wire, False, description, PATH))


def query_param(wire: str, *, description: str = "") -> Any:
    return dataclasses.field(default=None, metadata=_metadata(wire, False, description, QUERY))


def body_param(*, required: bool = False, description: str = "") -> Any:
    """The JSON body of an operation that also takes parameters; ``None`` (not sent) by
    default, or without a default when the operation must send one."""
    default = dataclasses.MISSING if required else None
    return dataclasses.field(
        default=default, metadata=_metadata(None, False, description, REQUEST_BODY)
    )


def copied_metadata(metadata: Mapping[str, Any]) -> Dict[str, Any]:
    """``metadata`` with its dataclasses-json part copied, for a field re-declared on a subclass
    (the codec adds a marshmallow field there, which is specific to one class)."""
    copied = dict(metadata)
    if LIBRARY in copied:
        copied[LIBRARY] = dict(copied[LIBRARY])
    return copied


__all__ = [
    "UNSET",
    "api_field",
    "required_field",
    "extra_fields",
    "path_param",
    "query_param",
    "body_param",
    "wire_name",
]
