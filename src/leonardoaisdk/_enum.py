"""Base of the SDK's enums."""

from __future__ import annotations

import enum


class ApiEnum(str, enum.Enum):
    """An enum of API string values. ``str()`` and f-strings give the value as sent on the wire
    (``"COMPLETE"``), the same as for values newer than the SDK, which decode as plain ``str``."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)
