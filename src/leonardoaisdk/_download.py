"""Saving a URL's body to a file atomically: streamed to a temporary file in the same folder,
then renamed over the target. An interrupted download leaves no partial file behind."""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
import secrets
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import requests

from . import _defaults

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
