"""Public typing helpers: the ``UNSET`` sentinel and the optional-field aliases.

A request field has three states: left ``UNSET`` (the key is not sent), ``None`` on a
nullable field (sent as JSON ``null``), or a value (sent). ``None`` cannot stand for
"not sent" because the API gives ``null`` a meaning of its own on nullable fields.
"""

from __future__ import annotations

from typing import Any, Dict, TypeVar, Union

__all__ = ["UNSET", "Unset", "OptionalNullable", "Omittable"]


class Unset:
    """Type of :data:`UNSET`. There is exactly one instance."""

    _instance: Unset | None = None
    __slots__ = ()

    def __new__(cls) -> Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False

    # copy/deepcopy/pickle must not mint a second sentinel, or `is UNSET` checks break.
    def __copy__(self) -> Unset:
        return self

    def __deepcopy__(self, memo: Dict[int, Any]) -> Unset:
        return self

    def __reduce__(self) -> str:
        return "UNSET"


UNSET = Unset()
"""The value of an optional request field that is not sent at all."""

T = TypeVar("T")

OptionalNullable = Union[T, None, Unset]
"""A field that may be left unset (not sent), set to ``None`` (sent as ``null``) or set."""

Omittable = Union[T, Unset]
"""A field that may be left unset (not sent) or set; the API does not accept ``null`` here."""
