"""What every async sub-client shares: the async pipeline and the answer hook."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from ._async_pipeline import AsyncPipeline

ResponseT = TypeVar("ResponseT")


class AsyncSubClient:
    def __init__(self, pipeline: AsyncPipeline) -> None:
        self._pipeline = pipeline

    def _answered(self, response: ResponseT) -> ResponseT:
        """Every answer of this sub-client's operations passes here (``SubClient._answered``)."""
        return response

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._pipeline.server_url}>"
