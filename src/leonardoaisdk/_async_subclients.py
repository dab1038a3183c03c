"""The async sub-clients: the generated async operations, and the workflows.

Each workflow's steps are the sync sub-client's own (``GenerationWorkflows`` …, see
``_steps``), awaited here; only the signatures are repeated, so that both clients show the same
typed methods.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable, Iterable, List, Optional, Union

from . import _defaults
from ._async_operations import (
    AsyncDatasetOperations,
    AsyncElementOperations,
    AsyncGenerationOperations,
    AsyncInitImageOperations,
    AsyncModelOperations,
    AsyncUserOperations,
    AsyncVariationOperations,
)
from ._batch import BatchResult
from ._display import EMBED_MAX_BYTES, GenerationDisplay
from ._download import checked_folder, download_generation_async
from ._engine import TimeoutArg
from ._retry import RetriesArg
from ._steps import iterate_async, run_async
from ._uploads import ImageSource
from .dataset import DatasetWorkflows
from .generation import GenerationWorkflows
from .init_image import InitImageWorkflows
from .model import ModelWorkflows
from .models import operations
from .variation import VariationWorkflows

if TYPE_CHECKING:
    from ._async_pipeline import AsyncPipeline
    from .generation import AnyGeneration

Progress = Optional[Callable[[Any], Any]]  # a function, or a coroutine function


class AsyncDataset(DatasetWorkflows, AsyncDatasetOperations):
    """Dataset operations, awaited; as ``Dataset``."""

    _pipeline: AsyncPipeline

    async def upload_image(
        self,
        dataset_id: str,
        image: ImageSource,
        *,
        extension: Optional[str] = None,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> str:
        """As ``Dataset.upload_image``."""
        steps = self._upload_image_steps(dataset_id, image, extension, timeout, retries)
        return await run_async(steps)


class AsyncElement(AsyncElementOperations):
    """Element operations, awaited; as ``Element``."""


class AsyncGeneration(GenerationWorkflows, AsyncGenerationOperations):
    """Generation operations and workflows, awaited; as ``Generation``. ``on_progress`` may be
    a function or a coroutine function."""

    _pipeline: AsyncPipeline

    async def wait_for_generation(
        self,
        id: str,
        *,
        timeout: float = _defaults.WAIT_TIMEOUT,
        poll_interval: float = _defaults.WAIT_POLL_INTERVAL,
        on_progress: Optional[Callable[[operations.GetGenerationByIDGenerations], None]] = None,
    ) -> operations.GetGenerationByIDGenerations:
        """As ``Generation.wait_for_generation``: ``timeout`` is a hard deadline."""
        return await run_async(self._generation_wait_steps(id, timeout, poll_interval, on_progress))

    async def create_and_wait(
        self,
        request: operations.CreateGenerationRequestBody,
        *,
        timeout: float = _defaults.WAIT_TIMEOUT,
        poll_interval: float = _defaults.WAIT_POLL_INTERVAL,
        on_progress: Optional[Callable[[operations.GetGenerationByIDGenerations], None]] = None,
    ) -> operations.GetGenerationByIDGenerations:
        """As ``Generation.create_and_wait``: the create is never repeated."""
        steps = self._create_and_wait_steps(request, timeout, poll_interval, on_progress)
        return await run_async(steps)

    async def generate_many(
        self,
        requests: Iterable[operations.CreateGenerationRequestBody],
        *,
        concurrency: Optional[int] = None,
        timeout: float = _defaults.WAIT_TIMEOUT,
        on_progress: Optional[Callable[[int, int, BatchResult], None]] = None,
    ) -> List[BatchResult]:
        """As ``Generation.generate_many``: one loop on the event loop, no threads."""
        steps = self._generate_many_steps(requests, concurrency, timeout, on_progress)
        return await run_async(steps)

    async def wait_for_texture_generation(
        self,
        id: str,
        *,
        timeout: float = _defaults.WAIT_TIMEOUT,
        poll_interval: float = _defaults.WAIT_POLL_INTERVAL,
        on_progress: Optional[
            Callable[[operations.GetGenerationsTextureIDModelAssetTextureGenerations], None]
        ] = None,
    ) -> operations.GetGenerationsTextureIDModelAssetTextureGenerations:
        """As ``Generation.wait_for_texture_generation``."""
        return await run_async(self._texture_wait_steps(id, timeout, poll_interval, on_progress))

    def iter_generations_by_user_id(
        self,
        user_id: str,
        *,
        page_size: int = _defaults.LIST_PAGE_SIZE,
        since: Union[datetime.datetime, datetime.date, str, None] = None,
    ) -> AsyncIterator[operations.GetGenerationsByUserIDGenerations]:
        """As ``Generation.iter_generations_by_user_id``, an async iterator:
        ``async for generation in s.generation.iter_generations_by_user_id(user_id)``."""
        moment = self._pages_args(user_id, page_size, since)
        return iterate_async(self._pages_steps(user_id, page_size, moment))

    async def download_images(
        self,
        generation_or_id: Union[str, AnyGeneration],
        dest_dir: Union[str, os.PathLike[str]],
        *,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> List[Path]:
        """As ``Generation.download_images``; the files are written in worker threads, never
        on the event loop."""
        checked_folder(dest_dir)
        generation = (
            await run_async(self._existing_generation_steps(generation_or_id, timeout, retries))
            if isinstance(generation_or_id, str)
            else generation_or_id
        )
        return await download_generation_async(
            self._pipeline, generation, dest_dir, timeout, retries
        )

    async def display(
        self,
        generation_or_id: Any,
        *,
        embed: bool = False,
        max_embed_bytes: int = EMBED_MAX_BYTES,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> GenerationDisplay:
        """As ``Generation.display``: in a notebook cell, ``await s.generation.display(...)``;
        embedded images are fetched side by side on the event loop."""
        steps = self._display_steps(generation_or_id, embed, max_embed_bytes, timeout, retries)
        return await run_async(steps)


class AsyncInitImage(InitImageWorkflows, AsyncInitImageOperations):
    """Init image operations, awaited; as ``InitImage``."""

    _pipeline: AsyncPipeline

    async def upload(
        self,
        image: ImageSource,
        *,
        extension: Optional[str] = None,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> str:
        """As ``InitImage.upload``."""
        return await run_async(self._upload_steps(image, extension, timeout, retries))


class AsyncModel(ModelWorkflows, AsyncModelOperations):
    """Model operations, awaited; as ``Model``."""

    _pipeline: AsyncPipeline

    async def upload_3d_model(
        self,
        model: ImageSource,
        *,
        name: Optional[str] = None,
        extension: Optional[str] = None,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> str:
        """As ``Model.upload_3d_model``."""
        steps = self._upload_3d_model_steps(model, name, extension, timeout, retries)
        return await run_async(steps)

    async def wait_for_model(
        self,
        id: str,
        *,
        timeout: float = _defaults.MODEL_WAIT_TIMEOUT,
        poll_interval: float = _defaults.WAIT_POLL_INTERVAL,
        on_progress: Optional[Callable[[operations.GetModelByIDCustomModels], None]] = None,
    ) -> operations.GetModelByIDCustomModels:
        """As ``Model.wait_for_model``."""
        return await run_async(self._model_wait_steps(id, timeout, poll_interval, on_progress))


class AsyncUser(AsyncUserOperations):
    """User operations, awaited; as ``User``."""


class AsyncVariation(VariationWorkflows, AsyncVariationOperations):
    """Variation operations, awaited; as ``Variation``."""

    _pipeline: AsyncPipeline

    async def wait_for_variation(
        self,
        id: str,
        *,
        timeout: float = _defaults.WAIT_TIMEOUT,
        poll_interval: float = _defaults.WAIT_POLL_INTERVAL,
        on_progress: Optional[Callable[[operations.GeneratedImageVariationGeneric], None]] = None,
    ) -> operations.GeneratedImageVariationGeneric:
        """As ``Variation.wait_for_variation``."""
        return await run_async(self._variation_wait_steps(id, timeout, poll_interval, on_progress))
