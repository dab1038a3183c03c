"""The ``Security`` model: how the SDK authenticates."""

from __future__ import annotations

import dataclasses
from typing import Callable, Union


@dataclasses.dataclass
class Security:
    """The bearer token, as a string or a zero-argument callable that returns one.

    A callable is called for every request, so a token can rotate without a new SDK.
    The token never appears in ``repr()``.
    """

    bearer_auth: Union[str, Callable[[], str]] = dataclasses.field(repr=False)

    def __repr__(self) -> str:
        return "Security(bearer_auth=<redacted>)"
