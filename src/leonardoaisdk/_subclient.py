"""What every sub-client shares: the pipeline and argument handling."""

from __future__ import annotations

from typing import Any, Callable, Type, TypeVar, cast

from ._pipeline import Pipeline
from .models.errors import RequestValidationError

RequestT = TypeVar("RequestT")


ResponseT = TypeVar("ResponseT")


class SubClient:
    def __init__(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline

    def _answered(self, response: ResponseT) -> ResponseT:
        """Every answer of this sub-client's operations passes here: the place for a
        sub-client to note something of it (``generation`` remembers what jobs cost)."""
        return response

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._pipeline.server_url}>"


def params_of(request_type: Type[RequestT], first: Any, **rest: Any) -> RequestT:
    """The parameters object of a call: built from the arguments, or passed whole as the first
    argument (the older ``method(operations.XRequest(...))`` style)."""
    if isinstance(first, request_type):
        if any(value is not None for value in rest.values()):
            raise RequestValidationError(
                f"pass either a {request_type.__name__} or separate arguments, not both"
            )
        return first
    build = cast(Callable[..., RequestT], request_type)
    return build(first, **rest)
