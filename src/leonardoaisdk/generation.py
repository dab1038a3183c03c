"""The ``generation`` sub-client: image, texture and motion generations."""

from __future__ import annotations

import datetime
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, List, Optional, Union

from . import _defaults
from ._batch import Batch, BatchResult, created_generation_id
from ._codec import parse_timestamp
from ._costs import CostMemo
from ._display import EMBED_MAX_BYTES, GenerationDisplay, display_steps
from ._download import checked_folder, download_generation, fetch_images, fetch_images_async
from ._operations import (
    CREATE_GENERATION,
    GENERATION_OPERATIONS,
    GET_GENERATION_BY_ID,
    GET_GENERATIONS_TEXTURE_ID,
    GET_USER_SELF,
    GenerationOperations,
)
from ._pipeline import Pipeline, TimeoutArg
from ._retry import RetriesArg
from ._steps import Item, Steps, iterate_sync, run_sync
from ._subclient import ClientBase, ResponseT
from ._waiting import check_wait_options
from .models import errors, operations

if TYPE_CHECKING:  # annotations only: evaluating them would import models eagerly
    AnyGeneration = Union[
        operations.GetGenerationByIDGenerations,
        operations.GetGenerationsByUserIDGenerations,
        operations.GeneratedImageVariationGeneric,  # a variation: one file
    ]

OPERATIONS = GENERATION_OPERATIONS
Since = Union[datetime.datetime, datetime.date, str, None]


class GenerationWorkflows(ClientBase):
    """The steps of the generation workflows (``_steps``), shared by ``Generation`` and the
    async ``AsyncGeneration``: each public method drives them."""

    def __init__(self, pipeline: Any) -> None:
        super().__init__(pipeline)
        self._costs = CostMemo()

    def _answered(self, response: ResponseT) -> ResponseT:
        # The API tells a job's cost only when it is created: remember it, and show it on the
        # generation when it is read back.
        return self._costs.attach(self._costs.record(response))

    def _generation_wait_steps(
        self, id: str, timeout: float, poll_interval: float, on_progress: Any
    ) -> Steps[operations.GetGenerationByIDGenerations]:
        return self._wait_steps(
            GET_GENERATION_BY_ID,
            operations.GetGenerationByIDRequest(id),
            lambda body: body.generations_by_pk,
            what=f"generation {id}",
            timeout=timeout,
            poll_interval=poll_interval,
            on_progress=on_progress,
        )

    def _texture_wait_steps(
        self, id: str, timeout: float, poll_interval: float, on_progress: Any
    ) -> Steps[operations.GetGenerationsTextureIDModelAssetTextureGenerations]:
        return self._wait_steps(
            GET_GENERATIONS_TEXTURE_ID,
            operations.GetGenerationsTextureIDRequest(id),
            lambda body: body.model_asset_texture_generations_by_pk,
            what=f"texture generation {id}",
            timeout=timeout,
            poll_interval=poll_interval,
            on_progress=on_progress,
        )

    def _create_and_wait_steps(
        self,
        request: operations.CreateGenerationRequestBody,
        timeout: float,
        poll_interval: float,
        on_progress: Any,
    ) -> Steps[operations.GetGenerationByIDGenerations]:
        check_wait_options(timeout, poll_interval)
        deadline = time.monotonic() + timeout
        created = self._answered(
            (yield self._pipeline.call(CREATE_GENERATION, request, deadline=deadline))
        )
        found: operations.GetGenerationByIDGenerations = yield from self._generation_wait_steps(
            created_generation_id(created),
            max(deadline - time.monotonic(), 0.001),
            poll_interval,
            on_progress,
        )
        return found

    def _generate_many_steps(
        self,
        requests: Iterable[operations.CreateGenerationRequestBody],
        concurrency: Optional[int],
        timeout: float,
        on_progress: Any,
    ) -> Steps[List[BatchResult]]:
        batch_requests = list(requests)
        request_type = operations.CreateGenerationRequestBody
        for index, request in enumerate(batch_requests):
            if not isinstance(request, request_type):
                raise errors.RequestValidationError(
                    f"requests[{index}] must be a {request_type.__name__}, "
                    f"not {type(request).__name__}"
                )
        if concurrency is not None and (
            isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1
        ):
            raise errors.RequestValidationError(
                f"concurrency must be a positive int, not {concurrency!r}"
            )
        check_wait_options(timeout, _defaults.BATCH_POLL_INTERVAL)
        if not batch_requests:
            return []
        answer = yield self._pipeline.call(GET_USER_SELF, operations.GetUserSelfRequest())
        details = (answer.object.user_details if answer.object is not None else None) or []
        me = next((d for d in details if d is not None), None)
        slots = getattr(me, "api_concurrency_slots", None)
        user = getattr(me, "user", None)
        user_id = getattr(user, "id", None)
        if not user_id:
            raise errors.ResponseValidationError("GET /me answered without the user's id")
        chosen = concurrency or (slots if isinstance(slots, int) and slots > 0 else None)
        results: List[BatchResult] = yield from Batch(
            self,
            batch_requests,
            concurrency=chosen or _defaults.BATCH_CONCURRENCY,
            user_id=user_id,
            timeout=timeout,
            on_progress=on_progress,
        ).steps()
        return results

    def _pages_args(
        self,
        user_id: str,
        page_size: int,
        since: Union[datetime.datetime, datetime.date, str, None],
    ) -> Optional[datetime.datetime]:
        """Checks ``iter_generations_by_user_id``'s arguments when it is called, not at the
        first ``next``; the ``since`` moment."""
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
            raise errors.RequestValidationError(
                f"page_size must be a positive int, not {page_size!r}"
            )
        if not isinstance(user_id, str) or not user_id:
            raise errors.RequestValidationError(f"user_id must be a non-empty str, not {user_id!r}")
        return _moment(since)

    def _pages_steps(
        self, user_id: str, page_size: int, since: Optional[datetime.datetime]
    ) -> Steps[None]:
        seen = set()
        offset = 0
        pages_without_news = 0
        while True:
            answer = yield self.get_generations_by_user_id(  # type: ignore[attr-defined]
                user_id, limit=page_size, offset=offset
            )
            body = answer.object
            page = (body.generations if body is not None else None) or []
            new = 0
            for generation in page:
                if generation is None or generation.id in seen:
                    continue
                if since is not None:
                    created = generation.created_at_datetime
                    if created is not None and created < since:
                        return  # the list is newest first: the rest is older still
                if generation.id is not None:
                    seen.add(generation.id)
                new += 1
                yield Item(generation)
            pages_without_news = 0 if new else pages_without_news + 1
            if len(page) < page_size or pages_without_news == 2:
                return
            offset += len(page)

    def _existing_generation_steps(
        self, id: str, timeout: TimeoutArg = None, retries: RetriesArg = None
    ) -> Steps[operations.GetGenerationByIDGenerations]:
        """Generation ``id``, or ``errors.NotFoundError`` (also when the API answers null)."""
        answer = yield self.get_generation_by_id(  # type: ignore[attr-defined]
            id, timeout=timeout, retries=retries
        )
        found = answer.object.generations_by_pk if answer.object is not None else None
        if found is None:
            raise errors.NotFoundError(f"generation {id} not found")
        found_generation: operations.GetGenerationByIDGenerations = found
        return found_generation

    def _display_steps(
        self,
        generation_or_id: Any,
        embed: bool,
        max_embed_bytes: int,
        timeout: TimeoutArg,
        retries: RetriesArg,
    ) -> Steps[GenerationDisplay]:
        asynchronous = not isinstance(self._pipeline, Pipeline)
        return display_steps(
            self._pipeline,
            lambda id: self._existing_generation_steps(id, timeout, retries),
            fetch_images_async if asynchronous else fetch_images,
            generation_or_id,
            embed=embed,
            max_embed_bytes=max_embed_bytes,
            timeout=timeout,
            retries=retries,
        )


class Generation(GenerationWorkflows, GenerationOperations):
    """Generation operations. Every method also takes keyword-only ``timeout`` (seconds, or a
    ``(connect, read)`` tuple) and ``retries`` (a ``utils.RetryConfig`` or ``"none"``) that
    override the SDK's settings for that call."""

    _pipeline: Pipeline

    # --- workflows built on the operations -------------------------------------------------

    def wait_for_generation(
        self,
        id: str,
        *,
        timeout: float = _defaults.WAIT_TIMEOUT,
        poll_interval: float = _defaults.WAIT_POLL_INTERVAL,
        on_progress: Optional[Callable[[operations.GetGenerationByIDGenerations], None]] = None,
    ) -> operations.GetGenerationByIDGenerations:
        """Wait until generation ``id`` is COMPLETE, and return it.

        Polls ``get_generation_by_id`` every ``poll_interval`` seconds (one request a second by
        default), so completion is noticed within about a second; waits out 429s
        (``Retry-After``) and rides out blips, polling less often (up to every 10 s) while the
        API fails. ``timeout`` is a hard deadline, for every poll too. Calls
        ``on_progress(generation)`` after each poll. Raises ``errors.GenerationFailedError`` if
        it ends FAILED, ``errors.WaitTimeoutError`` (with ``last_state``) after ``timeout``
        seconds.
        """
        return run_sync(self._generation_wait_steps(id, timeout, poll_interval, on_progress))

    def create_and_wait(
        self,
        request: operations.CreateGenerationRequestBody,
        *,
        timeout: float = _defaults.WAIT_TIMEOUT,
        poll_interval: float = _defaults.WAIT_POLL_INTERVAL,
        on_progress: Optional[Callable[[operations.GetGenerationByIDGenerations], None]] = None,
    ) -> operations.GetGenerationByIDGenerations:
        """Create a generation and wait until it is COMPLETE; return it.

        ``timeout`` covers both. The create is a POST, never repeated once it may have reached
        the API (see the retry rules); the wait is ``wait_for_generation``'s.
        """
        return run_sync(self._create_and_wait_steps(request, timeout, poll_interval, on_progress))

    def generate_many(
        self,
        requests: Iterable[operations.CreateGenerationRequestBody],
        *,
        concurrency: Optional[int] = None,
        timeout: float = _defaults.WAIT_TIMEOUT,
        on_progress: Optional[Callable[[int, int, BatchResult], None]] = None,
    ) -> List[BatchResult]:
        """Run many generations at the account's concurrency; one result per request, in order.

        At most ``concurrency`` jobs are in flight (default: ``apiConcurrencySlots`` from
        ``GET /me``, else 10); the next starts as soon as one ends. One listing of the user's
        newest generations per tick polls every job in flight. A 429 on a create waits its
        ``Retry-After`` and tries again (the job was not created); any other failure of a job
        is its result's ``error`` and the batch goes on; a job still not done ``timeout``
        seconds after it started gets a ``WaitTimeoutError``. ``on_progress(done, total,
        result)`` runs as each job ends. Ctrl+C starts no further job and raises
        ``errors.BatchInterrupted`` holding the results so far and every id already created.
        """
        return run_sync(self._generate_many_steps(requests, concurrency, timeout, on_progress))

    def wait_for_texture_generation(
        self,
        id: str,
        *,
        timeout: float = _defaults.WAIT_TIMEOUT,
        poll_interval: float = _defaults.WAIT_POLL_INTERVAL,
        on_progress: Optional[
            Callable[[operations.GetGenerationsTextureIDModelAssetTextureGenerations], None]
        ] = None,
    ) -> operations.GetGenerationsTextureIDModelAssetTextureGenerations:
        """Wait until texture generation ``id`` is COMPLETE, and return it; as
        ``wait_for_generation``."""
        return run_sync(self._texture_wait_steps(id, timeout, poll_interval, on_progress))

    def iter_generations_by_user_id(
        self,
        user_id: str,
        *,
        page_size: int = _defaults.LIST_PAGE_SIZE,
        since: Union[datetime.datetime, datetime.date, str, None] = None,
    ) -> Iterator[operations.GetGenerationsByUserIDGenerations]:
        """Every generation of ``user_id``, newest first, fetched a page at a time as you
        iterate. Generations created meanwhile shift later pages; each id is yielded once.
        With ``since`` (a datetime, a date or an ISO 8601 string; without a zone it is UTC),
        paging stops at the first generation created before it. Paging also stops at a short
        page, and when two pages in a row bring no new id: one such page is what newer
        generations pushing the list back look like, two mean the server ignores ``offset``
        and would repeat its first page forever."""
        moment = self._pages_args(user_id, page_size, since)
        found: Iterator[operations.GetGenerationsByUserIDGenerations] = iterate_sync(
            self._pages_steps(user_id, page_size, moment)
        )
        return found

    def download_images(
        self,
        generation_or_id: Union[str, AnyGeneration],
        dest_dir: Union[str, os.PathLike[str]],
        *,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> List[Path]:
        """Save every image of a COMPLETE generation (or the image of a COMPLETE variation, as
        ``<id>-<kind>.<ext>``) into ``dest_dir`` and return the paths.

        Files are named ``<generation id>-<n>.<ext>`` (a motion video: ``-<n>-motion.mp4``),
        so downloading again replaces them; an id that is not already a safe file name (lower
        case, digits, ``_``, ``-``) becomes its readable part plus ``~`` and 8 hex digits of its
        SHA-256, so different ids never share a file. The extension comes from the file's bytes.
        Each file is streamed to a temporary file and renamed into place: an interrupted download
        leaves no partial file. What is not an image or video, a file over the SDK's
        ``max_download_bytes``, and URLs of link-local hosts are refused with
        ``ResponseValidationError``, saving nothing. Image URLs get no ``Authorization`` header:
        they are on a CDN, not the API.
        """
        checked_folder(dest_dir)  # before any request
        generation = (
            self._existing_generation(generation_or_id, timeout, retries)
            if isinstance(generation_or_id, str)
            else generation_or_id
        )
        return download_generation(self._pipeline, generation, dest_dir, timeout, retries)

    def display(
        self,
        generation_or_id: Any,
        *,
        embed: bool = False,
        max_embed_bytes: int = EMBED_MAX_BYTES,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> GenerationDisplay:
        """Show a generation (an id, a generation, a list of them, or the response of
        ``get_generation_by_id`` / ``get_generations_by_user_id``) in Jupyter.

        Linked (the default) is what the generation itself shows: thumbnails load from their
        URLs. ``embed=True`` fetches every image now, side by side and as ``download_images``
        does, and inlines each PNG, JPEG, GIF or WebP of at most ``max_embed_bytes`` as a
        ``data:`` URI, so a saved notebook keeps its pictures. A larger image is downscaled if
        Pillow is installed, else linked with a note; one that cannot be fetched or is not an
        image shows as a placeholder saying why. See docs/notebook.md.
        """
        return run_sync(
            self._display_steps(generation_or_id, embed, max_embed_bytes, timeout, retries)
        )

    def _existing_generation(
        self, id: str, timeout: TimeoutArg = None, retries: RetriesArg = None
    ) -> operations.GetGenerationByIDGenerations:
        return run_sync(self._existing_generation_steps(id, timeout, retries))


def _moment(
    since: Union[datetime.datetime, datetime.date, str, None],
) -> Optional[datetime.datetime]:
    """``since`` as a timezone-aware datetime (UTC where it names no zone)."""
    if since is None:
        return None
    if isinstance(since, str):
        moment = parse_timestamp(since.strip())
        if moment is None:
            raise errors.RequestValidationError(
                f"since must be an ISO 8601 date or time such as 2024-02-01, not {since!r}"
            )
        return moment
    if isinstance(since, datetime.datetime):
        return since if since.tzinfo else since.replace(tzinfo=datetime.timezone.utc)
    if isinstance(since, datetime.date):
        return datetime.datetime(since.year, since.month, since.day, tzinfo=datetime.timezone.utc)
    raise errors.RequestValidationError(
        f"since must be a datetime, a date or an ISO 8601 str, not {type(since).__name__}"
    )
