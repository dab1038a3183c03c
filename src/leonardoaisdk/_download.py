"""Saving a generation's images and videos to files.

Every URL is checked before any connection (http(s), a host, not link-local). Every body is
checked before anything is written: its Content-Type and its leading bytes must be an image or
video the SDK knows, and it may not grow past a size cap. It is streamed to a temporary file in
the same folder, then renamed over the target: an interrupted or refused download leaves no
partial file behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import os
import re
import secrets
import socket
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Any,
    Awaitable,
    Callable,
    Iterator,
    List,
    Optional,
    Sequence,
    Tuple,
    TypeVar,
    Union,
)
from urllib.parse import urlsplit, urlunsplit

from . import _defaults
from .models import errors

if TYPE_CHECKING:
    import requests

    from ._pipeline import Pipeline, TimeoutArg
    from ._retry import RetriesArg

T = TypeVar("T")

SIGNATURE_BYTES = 12
"""Enough leading bytes to recognise every format below (WebP needs 12)."""

UNTYPED_MEDIA = {"", "application/octet-stream"}
"""Content-Types that say nothing: accepted only when the bytes are a known image or video."""

STEM_LENGTH = 100
HASH_LENGTH = 8


def detect_extension(head: bytes) -> Optional[str]:
    """The file extension for the format ``head`` (a body's first bytes) starts with, if known."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if head.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return ".gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ".webp"
    if head[4:8] == b"ftyp":
        return ".mp4"
    return None


def safe_stem(generation_id: str) -> str:
    """A file name stem for an id, unique per id, with no separators or dot-prefixes.

    An id made only of ``[a-z0-9_-]`` (a UUID) is its own stem. Any other id keeps a readable,
    sanitized part and gains ``~<hash of the id>``: sanitizing maps many ids to one text
    (``job.1``, ``job/1``), and ``~`` never occurs in an unchanged stem, so no two ids share a
    stem. Upper case counts as a change, because ``A`` and ``a`` are one file on macOS and
    Windows. (Not ``.``: Windows reserves ``CON.<anything>``.)
    """
    readable = re.sub(r"[^A-Za-z0-9_-]", "_", generation_id).strip("_").lstrip("-")
    readable = readable[:STEM_LENGTH]
    if readable == generation_id and re.fullmatch(r"[a-z0-9_-]+", readable):
        return readable
    digest = hashlib.sha256(generation_id.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{readable or 'generation'}~{digest[:HASH_LENGTH]}"


def url_for_messages(url: str) -> str:
    """``url`` without user info, query or fragment: presigned URLs carry signatures there."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<malformed URL>"
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _literal_address(host: str) -> Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]]:
    """The address ``host`` spells, if it is a literal; names are never resolved."""
    host = host.rstrip(".")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])  # an IPv6 zone id does not matter
    except ValueError:
        pass
    # The system resolver reads inet_aton's shorthands as addresses without any lookup:
    # 2852039166, 0xa9fea9fe and 169.254.43518 all connect to 169.254.169.254.
    if host and set(host.lower()) <= set("0123456789abcdefx."):
        with contextlib.suppress(OSError):
            return ipaddress.IPv4Address(socket.inet_aton(host))
    return None


def is_link_local(host: str) -> bool:
    """Whether ``host`` is a literal link-local address (where cloud metadata services live),
    also written as an IPv4-mapped (``::ffff:169.254.169.254``) or -compatible IPv6 address."""
    address = _literal_address(host)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        elif int(address) >> 32 == 0:
            address = ipaddress.IPv4Address(int(address))
    return address is not None and address.is_link_local


def check_image_url(url: str) -> None:
    """Refuse, before any connection, a URL the SDK must not fetch."""
    shown = url_for_messages(url)
    if not url.lower().startswith(("https://", "http://")):
        raise errors.ResponseValidationError(f"not an http(s) image URL: {shown!r}")
    try:
        host = urlsplit(url).hostname
    except ValueError:  # e.g. an unclosed "[" of an IPv6 literal
        host = None
    if not host:
        raise errors.ResponseValidationError(f"image URL {shown!r} has no host")
    if is_link_local(host):
        raise errors.ResponseValidationError(
            f"refused image URL {shown!r}: {host} is a link-local address "
            "(where cloud metadata services answer), not a CDN"
        )


def _capped(
    chunks: Iterator[bytes], max_bytes: int, shown: str, response: requests.Response
) -> Iterator[bytes]:
    """``chunks`` (decompressed), stopping with an error as soon as more than ``max_bytes``
    arrived: a gzip body can inflate far past its Content-Length."""
    received = 0
    for chunk in chunks:
        received += len(chunk)
        if received > max_bytes:
            raise _too_large(shown, max_bytes, response)
        yield chunk


def _too_large(shown: str, max_bytes: int, response: requests.Response) -> errors.SDKError:
    return errors.ResponseValidationError(
        f"{shown} is larger than the download limit of {max_bytes} bytes; nothing was saved",
        response.status_code,
        "",
        response,
    )


def _checked_extension(
    response: requests.Response, head: bytes, shown: str, consequence: str = "nothing was saved"
) -> str:
    """The extension for a body that is an image or video by its Content-Type and its bytes."""
    content_type = response.headers.get("Content-Type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    extension = detect_extension(head)
    declared_ok = media_type.startswith(("image/", "video/")) or media_type in UNTYPED_MEDIA
    if declared_ok and extension is not None:
        return extension
    found = f"Content-Type {media_type!r}" if media_type else "no Content-Type"
    raise errors.ResponseValidationError(
        f"{shown} is not an image or video: {found}, body starting {head[:16]!r}; {consequence}",
        response.status_code,
        "",
        response,
    )


def save_to(
    folder: Path, stem: str, url: str, max_bytes: int = _defaults.MAX_DOWNLOAD_BYTES
) -> Callable[[requests.Response], Path]:
    """A ``consume`` function for the pipeline that saves the body as ``folder/stem.<ext>``,
    the extension chosen by the body's format."""

    def consume(response: requests.Response) -> Path:
        shown = url_for_messages(url)
        if not response.headers.get("Content-Encoding"):
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise _too_large(shown, max_bytes, response)
        body = _capped(
            response.iter_content(_defaults.DOWNLOAD_CHUNK_BYTES), max_bytes, shown, response
        )
        head: List[bytes] = []
        for chunk in body:
            head.append(chunk)
            if sum(map(len, head)) >= SIGNATURE_BYTES:
                break
        extension = _checked_extension(response, b"".join(head), shown)
        target = folder / (stem + extension)
        temporary = folder / f".{target.name}.{secrets.token_hex(6)}.part"
        # O_EXCL: never reuse someone's file; 0o666 lets the umask decide, as for any new file.
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in head:
                    out.write(chunk)
                for chunk in body:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        return target

    return consume


def _what(value: Any) -> str:
    return "None" if value is None else type(value).__name__


def checked_folder(dest_dir: Any) -> Path:
    path: Any = None
    if isinstance(dest_dir, (str, os.PathLike)):
        with contextlib.suppress(TypeError):
            path = os.fspath(dest_dir)
    if not isinstance(path, str) or not path or "\0" in path:
        passed = repr(dest_dir) if isinstance(dest_dir, str) else _what(dest_dir)
        raise errors.RequestValidationError(
            f"dest_dir must be the folder to save into, as a str or pathlib.Path, not {passed}"
        )
    return Path(path)


def _checked_max_bytes(max_bytes: Optional[int]) -> int:
    if max_bytes is None:
        return _defaults.MAX_DOWNLOAD_BYTES
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise errors.RequestValidationError(
            f"max_bytes must be a positive int (bytes per file), not {max_bytes!r}"
        )
    return max_bytes


def _planned_files(generation: Any) -> Tuple[str, List[Tuple[str, str]]]:
    """The generation's id and its ``(url, file stem)`` pairs, every URL checked. A variation
    (an upscale, no-background or unzoom result) is one file, ``<id>-<kind>.<ext>``."""
    if hasattr(generation, "transform_type") and hasattr(generation, "url"):
        return _planned_variation(generation)
    if isinstance(generation, (str, bytes)) or not (
        hasattr(generation, "generated_images") and hasattr(generation, "status")
    ):
        raise errors.RequestValidationError(
            "download_images() takes a generation id (str) or a generation as "
            "get_generation_by_id, wait_for_generation or get_generations_by_user_id return it, "
            f"not {_what(generation)}"
        )
    generation_id = _complete_job_id(generation, "generation")
    images: Sequence[Any] = generation.generated_images or []
    if not isinstance(images, (list, tuple)):
        raise errors.RequestValidationError(
            f"the generation's generated_images must be a list, not {_what(images)}"
        )
    stem = safe_stem(generation_id or "")
    planned: List[Tuple[str, str]] = []
    for index, image in enumerate(images):
        if image is None:
            continue
        wanted = [
            (getattr(image, "url", None), f"{stem}-{index}"),
            (getattr(image, "motion_mp4_url", None), f"{stem}-{index}-motion"),
        ]
        for url, name in wanted:
            if not url:
                continue
            if not isinstance(url, str):
                raise errors.RequestValidationError(
                    f"image {index} of generation {generation_id}: a URL must be a str, "
                    f"not {_what(url)}"
                )
            check_image_url(url)
            planned.append((url, name))
    return generation_id or "", planned


def _complete_job_id(job: Any, what: str) -> Optional[str]:
    """The id of a generation or variation that is COMPLETE; else a clear error."""
    job_id = getattr(job, "id", None)
    if job_id is not None and not isinstance(job_id, str):
        raise errors.RequestValidationError(f"the {what}'s id must be a str, not {_what(job_id)}")
    if str(job.status) != "COMPLETE":
        raise errors.RequestValidationError(
            f"{what} {job_id} is {job.status}: wait_for_{what}() before downloading"
        )
    return job_id


def _planned_variation(variation: Any) -> Tuple[str, List[Tuple[str, str]]]:
    variation_id = _complete_job_id(variation, "variation")
    url = variation.url
    if not isinstance(url, str) or not url:
        raise errors.RequestValidationError(f"variation {variation_id} has no image URL")
    check_image_url(url)
    kind = safe_stem(str(variation.transform_type or "variation").lower())
    return variation_id or "", [(url, f"{safe_stem(variation_id or '')}-{kind}")]


def download_generation(
    pipeline: Pipeline,
    generation: Any,
    dest_dir: Union[str, os.PathLike[str]],
    timeout: TimeoutArg = None,
    retries: RetriesArg = None,
    *,
    max_bytes: Optional[int] = None,
) -> List[Path]:
    """Save every image (and motion video) of a COMPLETE generation into ``dest_dir``.

    Each file may hold at most ``max_bytes`` (decompressed; default: the SDK's
    ``max_download_bytes``). Every argument and every URL is checked before the first request,
    so a bad one saves nothing; a redirect is followed only to a URL that passes the same check.
    """
    folder, limit, generation_id, planned = _download_plan(
        pipeline, generation, dest_dir, max_bytes
    )

    def fetch(url: str, name: str) -> Path:
        try:
            saved: Path = pipeline.download(
                url,
                save_to(folder, name, url, limit),
                timeout,
                retries,
                check_redirect=check_image_url,
            )
        except OSError as exc:
            raise errors.SDKError(
                f"cannot save images of {generation_id} in {folder}: {exc}"
            ) from exc
        return saved

    if len(planned) <= 1:
        return [fetch(url, name) for url, name in planned]
    # A generation's images come from a CDN, each about as slow as the others: fetched side by
    # side (bounded), the whole takes about as long as one. Every file is attempted; the first
    # failure is raised once all have ended, and what was saved stays saved.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(len(planned), _defaults.DOWNLOAD_PARALLEL)) as pool:
        futures = [pool.submit(fetch, url, name) for url, name in planned]
    failures = [f.exception() for f in futures if f.exception() is not None]
    if failures:
        raise failures[0]  # type: ignore[misc]
    return [f.result() for f in futures]


def _download_plan(
    pipeline: Any, generation: Any, dest_dir: Any, max_bytes: Optional[int]
) -> Tuple[Path, int, str, List[Tuple[str, str]]]:
    """The folder (made), the size cap, the generation's id and its (url, file stem) pairs."""
    folder = checked_folder(dest_dir)
    limit = pipeline.max_download_bytes if max_bytes is None else _checked_max_bytes(max_bytes)
    generation_id, planned = _planned_files(generation)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise errors.SDKError(f"cannot save images of {generation_id} in {folder}: {exc}") from exc
    return folder, limit, generation_id, planned


async def download_generation_async(
    pipeline: Any,
    generation: Any,
    dest_dir: Union[str, os.PathLike[str]],
    timeout: TimeoutArg = None,
    retries: RetriesArg = None,
) -> List[Path]:
    """``download_generation`` on the async client: the files fetched side by side on the event
    loop (bounded), each written to disk by ``save_to`` in a worker thread."""
    import asyncio

    folder, limit, generation_id, planned = _download_plan(pipeline, generation, dest_dir, None)
    gate = asyncio.Semaphore(_defaults.DOWNLOAD_PARALLEL)

    async def fetch(url: str, name: str) -> Path:
        async with gate:
            try:
                saved: Path = await pipeline.download(
                    url,
                    _off_the_loop(save_to(folder, name, url, limit)),
                    timeout,
                    retries,
                    check_redirect=check_image_url,
                )
            except OSError as exc:
                raise errors.SDKError(
                    f"cannot save images of {generation_id} in {folder}: {exc}"
                ) from exc
            return saved

    outcomes = await asyncio.gather(
        *(fetch(url, name) for url, name in planned), return_exceptions=True
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return [outcome for outcome in outcomes if isinstance(outcome, Path)]


def _off_the_loop(consume: Callable[[Any], T]) -> Callable[[Any], Awaitable[T]]:
    """An async ``consume`` that runs the sync one in a worker thread, which pulls each chunk of
    the body from the event loop as it needs it: disk writes never block the loop, and the
    body is never held in memory."""

    async def consume_async(response: Any) -> T:
        import asyncio

        loop = asyncio.get_running_loop()
        chunks = response.aiter_bytes(_defaults.DOWNLOAD_CHUNK_BYTES)

        def next_chunk() -> Optional[bytes]:
            pulled = asyncio.run_coroutine_threadsafe(chunks.__anext__(), loop)
            try:
                chunk: bytes = pulled.result(_defaults.MAX_TIMEOUT)
            except StopAsyncIteration:
                return None
            return chunk

        try:
            return await asyncio.to_thread(consume, _ThreadSideResponse(response, next_chunk))
        except errors.SDKError as exc:
            if exc.raw_response is not None:
                exc.raw_response = response
            raise

    return consume_async


class _ThreadSideResponse:
    """What ``save_to`` reads in its thread: the httpx response's facts, and its body as
    ``requests``' ``iter_content`` gives it."""

    def __init__(self, response: Any, next_chunk: Callable[[], Optional[bytes]]) -> None:
        self.status_code = response.status_code
        self.headers = response.headers
        self._next_chunk = next_chunk

    def iter_content(self, chunk_size: int) -> Iterator[bytes]:
        while True:
            chunk = self._next_chunk()
            if chunk is None:
                return
            yield chunk


EMBEDDABLE_MEDIA = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
"""The raster formats a display may inline as ``data:`` URIs, by the extension their bytes
say. Nothing else is ever inlined: an SVG or HTML body can carry script."""


class TooLargeToRead(errors.ResponseValidationError):
    """A body past the ``limit`` its reader allows: not an error of the server, a choice."""

    def __init__(self, shown: str, limit: int, response: requests.Response) -> None:
        super().__init__(
            f"{shown} is larger than {limit} bytes", response.status_code, "", response
        )
        self.limit = limit


def read_image(url: str, max_bytes: int) -> Callable[[requests.Response], Tuple[bytes, str]]:
    """A ``consume`` function for the pipeline that returns the body and its media type, for an
    image in one of ``EMBEDDABLE_MEDIA``'s formats of at most ``max_bytes``; the media type
    comes from the bytes, never from the server's Content-Type."""

    def consume(response: requests.Response) -> Tuple[bytes, str]:
        shown = url_for_messages(url)
        declared = response.headers.get("Content-Length", "")
        unencoded = not response.headers.get("Content-Encoding")
        if unencoded and declared.isdigit() and int(declared) > max_bytes:
            raise TooLargeToRead(shown, max_bytes, response)
        data = bytearray()
        checked = False
        for chunk in response.iter_content(_defaults.DOWNLOAD_CHUNK_BYTES):
            data += chunk
            if len(data) > max_bytes:
                raise TooLargeToRead(shown, max_bytes, response)
            if not checked and len(data) >= SIGNATURE_BYTES:
                # Before reading on: an HTML page or a video is refused after its first chunk.
                media_type = _embeddable_media(response, bytes(data[:SIGNATURE_BYTES]), shown)
                checked = True
        if not checked:
            media_type = _embeddable_media(response, bytes(data), shown)
        return bytes(data), media_type

    return consume


def _embeddable_media(response: requests.Response, head: bytes, shown: str) -> str:
    extension = _checked_extension(response, head, shown, consequence="it was not shown")
    media_type = EMBEDDABLE_MEDIA.get(extension)
    if media_type is None:
        raise errors.ResponseValidationError(
            f"{shown} is a video ({extension}), not an image", response.status_code, "", response
        )
    return media_type


def fetch_images(
    pipeline: Pipeline,
    urls: Sequence[str],
    max_bytes: int,
    timeout: TimeoutArg = None,
    retries: RetriesArg = None,
) -> List[Union[Tuple[bytes, str], errors.SDKError]]:
    """Each URL's image bytes and media type, or the ``SDKError`` that stopped it, in order.

    Fetched side by side as ``download_generation`` does, each URL checked first and every
    redirect too, with no ``Authorization`` header; one failure does not stop the others.
    """

    def fetch(url: str) -> Union[Tuple[bytes, str], errors.SDKError]:
        try:
            check_image_url(url)
            found: Tuple[bytes, str] = pipeline.download(
                url, read_image(url, max_bytes), timeout, retries, check_redirect=check_image_url
            )
        except errors.SDKError as exc:
            return exc
        return found

    if len(urls) <= 1:
        return [fetch(url) for url in urls]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(len(urls), _defaults.DOWNLOAD_PARALLEL)) as pool:
        return list(pool.map(fetch, urls))


async def fetch_images_async(
    pipeline: Any,
    urls: Sequence[str],
    max_bytes: int,
    timeout: TimeoutArg = None,
    retries: RetriesArg = None,
) -> List[Union[Tuple[bytes, str], errors.SDKError]]:
    """``fetch_images`` on the async client: side by side (bounded) on the event loop."""
    import asyncio

    gate = asyncio.Semaphore(_defaults.DOWNLOAD_PARALLEL)

    async def fetch(url: str) -> Union[Tuple[bytes, str], errors.SDKError]:
        async with gate:
            try:
                check_image_url(url)
                found: Tuple[bytes, str] = await pipeline.download(
                    url,
                    _off_the_loop(read_image(url, max_bytes)),
                    timeout,
                    retries,
                    check_redirect=check_image_url,
                )
            except errors.SDKError as exc:
                return exc
            return found

    return list(await asyncio.gather(*(fetch(url) for url in urls)))
