"""Input checks the local server applies, from the ranges the API spec documents.

Each check returns the cleaned value or raises :class:`Invalid` with a message in the API's
words; the server answers 400 with Leonardo's error body.
"""

from __future__ import annotations

from typing import Any, Collection, Dict, Optional, Tuple


class Invalid(Exception):
    """A request the API would refuse with 400."""

    def __init__(self, message: str, path: str = "$") -> None:
        super().__init__(message)
        self.message = message
        self.path = path


# Values the live API accepted after the 2024-02 snapshot (the spec's x-values-seen-later).
SEEN_LATER: Dict[str, Collection[str]] = {
    "SdVersions": ("v3", "SDXL_0_8", "SDXL_0_9", "SDXL_1_0", "SDXL_LIGHTNING", "PHOENIX"),
    "SdGenerationStyle": (
        "BOKEH",
        "CINEMATIC_CLOSEUP",
        "FASHION",
        "FILM",
        "FOOD",
        "HDR",
        "LONG_EXPOSURE",
        "MACRO",
        "MINIMALISTIC",
        "MONOCHROME",
        "MOODY",
        "NEUTRAL",
        "PORTRAIT",
        "RETRO",
        "STOCK_PHOTO",
        "UNPROCESSED",
    ),
}


def accepted(enum_cls: Any) -> Collection[str]:
    """An enum's values as the API accepts them: the SDK's members plus those seen later."""
    return frozenset(m.value for m in enum_cls) | frozenset(SEEN_LATER.get(enum_cls.__name__, ()))


def _listed(choices: Collection[str]) -> str:
    # A set has no order of its own: sorted, the list reads the same on every run.
    ordered = choices if isinstance(choices, (list, tuple)) else sorted(choices)
    return ", ".join(ordered)


def _kind(value: Any) -> str:
    return {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
    }.get(type(value), "null")


class Body:
    """Typed reads of one JSON request body, each failing as the API would."""

    def __init__(self, data: Any) -> None:
        if not isinstance(data, dict):
            raise Invalid(f"expected a JSON object, got {_kind(data)}")
        self.data = data

    def _get(self, key: str, kinds: Tuple[type, ...], what: str, required: bool) -> Any:
        value = self.data.get(key)
        if value is None:
            if required:
                raise Invalid(f"{key} is required", f"$.{key}")
            return None
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise Invalid(f"expected {what} for {key}, got {_kind(value)}", f"$.{key}")
        return value

    def string(
        self, key: str, *, required: bool = False, choices: Optional[Collection[str]] = None
    ) -> Optional[str]:
        value: Optional[str] = self._get(key, (str,), "a string", required)
        if value is not None and required and not value.strip():
            raise Invalid(f"{key} must not be empty", f"$.{key}")
        if value is not None and choices is not None and value not in choices:
            raise Invalid(
                f"unexpected value {value!r} for {key}, expected one of: {_listed(choices)}",
                f"$.{key}",
            )
        return value

    def boolean(self, key: str) -> Optional[bool]:
        return self._get(key, (bool,), "a boolean", False)  # type: ignore[no-any-return]

    def integer(
        self,
        key: str,
        low: Optional[int] = None,
        high: Optional[int] = None,
        *,
        multiple_of: int = 1,
    ) -> Optional[int]:
        value = self._get(key, (int,), "an integer", False)
        if value is not None:
            _check_range(key, value, low, high)
            if value % multiple_of:
                raise Invalid(f"{key} must be a multiple of {multiple_of}", f"$.{key}")
        return value  # type: ignore[no-any-return]

    def number(
        self, key: str, low: Optional[float] = None, high: Optional[float] = None
    ) -> Optional[float]:
        value = self._get(key, (int, float), "a number", False)
        if value is not None:
            _check_range(key, value, low, high)
        return value  # type: ignore[no-any-return]


def _check_range(key: str, value: float, low: Optional[float], high: Optional[float]) -> None:
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            raise Invalid(f"{key} must be at least {low}", f"$.{key}")
        if low is None:
            raise Invalid(f"{key} must be at most {high}", f"$.{key}")
        raise Invalid(f"{key} must be between {low} and {high}", f"$.{key}")


def query_int(query: Dict[str, str], key: str, default: int, low: int, high: Optional[int]) -> int:
    raw = query.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(f"expected an integer for {key}, got {raw!r}", f"$.{key}") from None
    _check_range(key, value, low, high)
    return value
