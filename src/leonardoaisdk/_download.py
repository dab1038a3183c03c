"""Saving a URL's body to a file atomically: streamed to a temporary file in the same folder,
then renamed over the target. An interrupted download leaves no partial file behind."""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, List, Optional, Sequence, Union
from urllib.parse import urlsplit

import requests

from . import _defaults
from .models import errors

if TYPE_CHECKING:
    from ._pipeline import Pipeline, TimeoutArg
    from ._retry import RetriesArg

EXTENSIONS = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".mp4"}
TYPE_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "video/mp4": ".mp4",
}


def safe_stem(text: str) -> str:
    """A file name stem from an id: no separators or dot-prefixes, so no path traversal."""
    stem = re.sub(r"[^A-Za-z0-9_-]", "_", text).strip("_")
    return stem[:100] or "generation"


def extension_for(url: str, content_type: str) -> str:
    suffix = posixpath.splitext(urlsplit(url).path)[1].lower()
    if suffix in EXTENSIONS:
        return suffix
    return TYPE_EXTENSIONS.get(content_type.split(";", 1)[0].strip().lower(), ".bin")


def save_to(folder: Path, stem: str, url: str) -> Callable[[requests.Response], Path]:
    """A ``consume`` function for the pipeline that saves the body as ``folder/stem.<ext>``."""

    def consume(response: requests.Response) -> Path:
        target = folder / (stem + extension_for(url, response.headers.get("Content-Type", "")))
        temporary = folder / f".{target.name}.{secrets.token_hex(6)}.part"
        # O_EXCL: never reuse someone's file; 0o666 lets the umask decide, as for any new file.
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in response.iter_content(_defaults.DOWNLOAD_CHUNK_BYTES):
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


def download_generation(
    pipeline: Pipeline,
    generation: Any,
    dest_dir: Union[str, os.PathLike[str]],
    timeout: TimeoutArg = None,
    retries: RetriesArg = None,
) -> List[Path]:
    """Save every image (and motion video) of a COMPLETE generation into ``dest_dir``."""
    if str(generation.status) != "COMPLETE":
        raise errors.RequestValidationError(
            f"generation {generation.id} is {generation.status}: "
            "wait_for_generation() before downloading"
        )
    folder = Path(dest_dir)
    stem = safe_stem(generation.id or "generation")
    saved: List[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        images: Sequence[Optional[Any]] = generation.generated_images or []
        for index, image in enumerate(images):
            if image is None:
                continue
            wanted = [
                (image.url, f"{stem}-{index}"),
                (image.motion_mp4_url, f"{stem}-{index}-motion"),
            ]
            for url, name in wanted:
                if not url:
                    continue
                if not url.lower().startswith(("https://", "http://")):
                    raise errors.ResponseValidationError(f"not an http(s) image URL: {url!r}")
                saved.append(pipeline.download(url, save_to(folder, name, url), timeout, retries))
    except OSError as exc:
        raise errors.SDKError(f"cannot save images of {generation.id} in {folder}: {exc}") from exc
    return saved
