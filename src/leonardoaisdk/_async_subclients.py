"""The async sub-clients: the generated async operations, and the workflows."""

from __future__ import annotations

from ._async_operations import (
    AsyncDatasetOperations,
    AsyncElementOperations,
    AsyncGenerationOperations,
    AsyncInitImageOperations,
    AsyncModelOperations,
    AsyncUserOperations,
    AsyncVariationOperations,
)


class AsyncDataset(AsyncDatasetOperations):
    pass


class AsyncElement(AsyncElementOperations):
    pass


class AsyncGeneration(AsyncGenerationOperations):
    pass


class AsyncInitImage(AsyncInitImageOperations):
    pass


class AsyncModel(AsyncModelOperations):
    pass


class AsyncUser(AsyncUserOperations):
    pass


class AsyncVariation(AsyncVariationOperations):
    pass
