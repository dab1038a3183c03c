"""The presigned upload flow that init images, dataset images and 3D models share: check the
file before any request, ask the API for an upload slot, then POST the file to storage.

The API answers a slot as a URL and ``fields``, a JSON-encoded string of form fields; the file
goes to the URL as multipart/form-data with every field, without the API key, and within the
URL's lifetime (about two minutes, so it is sent at once).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, NamedTuple, Optional, Tuple, Union

from ._download import detect_extension
from .models import errors

if TYPE_CHECKING:
    from ._pipeline import TimeoutArg
    from ._retry import RetriesArg
    from ._steps import Steps

ImageSource = Union[str, "os.PathLike[str]", bytes]

IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "webp")
"""What the API takes for init and dataset images."""

MODEL_EXTENSIONS = ("glb", "gltf", "obj", "fbx")
"""3D model formats for texture generation."""

_SAME_FORMAT = {"jpeg": "jpg"}


class Upload(NamedTuple):
    """A checked file: its bytes, its extension as the API wants it, and a name to send."""

    data: bytes
    extension: str
    file_name: str


def checked_image(source: Any, extension: Optional[str]) -> Upload:
    """``source`` (a path or the bytes) as an image the API takes, or a clear error, before any
    request is made: the file exists, is a PNG, JPEG or WebP by its leading bytes, and matches
    ``extension`` (or its file name's) when one is given."""
    data, name = _read(source, "image")
    found = (detect_extension(data[:12]) or "").lstrip(".")
    if found not in IMAGE_EXTENSIONS:
        raise errors.RequestValidationError(
            f"{name} is not a PNG, JPEG or WebP image (by its first bytes); "
            f"the API takes {', '.join(IMAGE_EXTENSIONS)}"
        )
    wanted = _wanted_extension(extension, name, IMAGE_EXTENSIONS)
    if wanted is not None and _SAME_FORMAT.get(wanted, wanted) != _SAME_FORMAT.get(found, found):
        raise errors.RequestValidationError(
            f"{name} is a {found.upper()} image by its first bytes, not {wanted}: "
            "pass the matching extension"
        )
    chosen = wanted or found
    return Upload(data, chosen, _file_name(name, chosen))


def checked_model(source: Any, extension: Optional[str]) -> Upload:
    """``source`` as a 3D model file: it exists and has one of ``MODEL_EXTENSIONS``."""
    data, name = _read(source, "3D model")
    wanted = _wanted_extension(extension, name, MODEL_EXTENSIONS)
    if wanted is None:
        raise errors.RequestValidationError(
            f"say which kind of 3D model {name} is: extension= one of {', '.join(MODEL_EXTENSIONS)}"
        )
    return Upload(data, wanted, _file_name(name, wanted))


def _read(source: Any, what: str) -> Tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = f"the {what} bytes"
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = str(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise errors.RequestValidationError(f"cannot read {what} {name}: {exc}") from None
    else:
        raise errors.RequestValidationError(
            f"pass the {what} as a path (str or pathlib.Path) or its bytes, "
            f"not {type(source).__name__}"
        )
    if not data:
        raise errors.RequestValidationError(f"{name} is empty")
    return data, name


def _wanted_extension(
    extension: Optional[str], name: str, allowed: Tuple[str, ...]
) -> Optional[str]:
    if extension is None:
        suffix = Path(name).suffix.lower().lstrip(".") if not name.startswith("the ") else ""
        return suffix if suffix in allowed else None
    if not isinstance(extension, str) or extension.lower().lstrip(".") not in allowed:
        raise errors.RequestValidationError(
            f"extension must be one of {', '.join(allowed)}, not {extension!r}"
        )
    return extension.lower().lstrip(".")


def _file_name(name: str, extension: str) -> str:
    stem = Path(name).stem if not name.startswith("the ") else "upload"
    return f"{stem or 'upload'}.{extension}"


def send_to_slot(
    pipeline: Any,
    upload: Upload,
    slot: Any,
    what: str,
    timeout: TimeoutArg = None,
    retries: RetriesArg = None,
    *,
    prefix: str = "",
) -> Steps[str]:
    """The steps of POSTing ``upload`` to the upload slot the API gave; the slot's id. A slot holds
    ``<prefix>id``, ``<prefix>url`` and ``<prefix>fields`` (a JSON-encoded string of form
    fields); 3D model slots name them ``model_id``, ``model_url``, ``model_fields``."""
    slot_id = getattr(slot, f"{prefix}id", None)
    url = getattr(slot, f"{prefix}url", None)
    if not slot_id or not isinstance(slot_id, str):
        raise errors.ResponseValidationError(f"the API gave no {what} upload slot")
    if not isinstance(url, str) or not url.lower().startswith(("https://", "http://")):
        raise errors.ResponseValidationError(f"the API gave no usable upload URL: {url!r}")
    form = _form_fields(getattr(slot, f"{prefix}fields", None))
    yield pipeline.presigned_post(url, form, upload.file_name, upload.data, timeout, retries)
    return slot_id


def _form_fields(fields: Optional[str]) -> Dict[str, str]:
    try:
        parsed = json.loads(fields) if isinstance(fields, str) else None
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict) or not all(isinstance(k, str) for k in parsed):
        raise errors.ResponseValidationError(
            "the API's upload fields are not a JSON object of form fields"
        )
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in parsed.items()}
