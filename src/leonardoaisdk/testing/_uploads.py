"""Presigned uploads, checked the way S3 checks a browser-based POST upload.

``Uploads.issue`` hands out what Leonardo's ``POST /init-image`` (and the dataset and 3D-model
uploads) answer: a bucket URL on the local server and the form fields of a POST policy. The
multipart POST to that URL must carry every field unchanged, before the policy expires, with a
file whose leading bytes match the declared extension and whose size is within the limit, and
without an ``Authorization`` header (S3 refuses one it did not issue). Stored files are served
back at ``<origin>/uploads/<key>``. All access goes through one lock.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import hashlib
import hmac
import json
import secrets
import threading
import time
from typing import Callable, Dict, List, Optional, Tuple

from ._multipart import MalformedForm, Part, parse_form

BUCKET_PATH = "/uploads"
FORM_OVERHEAD = 64 * 1024  # room for the policy fields around the file in one request body
PRUNE_AT = 1024  # slots held before expired, unused ones are forgotten

CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "obj": "model/obj",
    "glb": "model/gltf-binary",
}
IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "webp")
MODEL_EXTENSIONS = ("obj", "glb")


def content_matches(extension: str, data: bytes) -> bool:
    """Whether a file's leading bytes are those of its declared type."""
    if extension == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if extension == "webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if extension == "glb":
        return data.startswith(b"glTF")
    if extension == "obj":  # text: vertices, faces, comments; no NUL bytes
        head = data[:4096]
        return b"\x00" not in head and head.lstrip().startswith((b"#", b"v", b"o", b"g", b"m"))
    return False


class UploadRefused(Exception):
    """An upload S3 would refuse: ``status``, S3's error ``code`` and a message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclasses.dataclass(frozen=True)
class Slot:
    key: str
    extension: str
    fields: Dict[str, str]
    expires_at: float


@dataclasses.dataclass(frozen=True)
class Issued:
    url: str
    key: str
    fields: str  # JSON-encoded, as Leonardo sends it


class Uploads:
    """The local "bucket": upload slots by key and the files stored under them."""

    def __init__(
        self,
        lifetime: float,
        max_size: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lifetime = lifetime
        self.max_size = max_size
        self._clock = clock
        self._secret = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._slots: Dict[str, Slot] = {}
        self._files: Dict[str, bytes] = {}

    def issue(self, origin: str, folder: str, ident: str, extension: str) -> Issued:
        key = f"{folder}/{ident}.{extension}"
        expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(
            seconds=self.lifetime
        )
        content_type = CONTENT_TYPES[extension]
        policy = {
            "expiration": expires.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "conditions": [
                {"bucket": "local-leonardo"},
                {"key": key},
                {"Content-Type": content_type},
                ["content-length-range", 1, self.max_size],
            ],
        }
        encoded = base64.b64encode(json.dumps(policy).encode()).decode()
        signature = hmac.new(self._secret, encoded.encode(), hashlib.sha256).hexdigest()
        fields = {
            "Content-Type": content_type,
            "bucket": "local-leonardo",
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Credential": f"LOCALLEONARDO/{expires:%Y%m%d}/local/s3/aws4_request",
            "X-Amz-Date": f"{expires:%Y%m%dT%H%M%SZ}",
            "key": key,
            "Policy": encoded,
            "X-Amz-Signature": signature,
        }
        now = self._clock()
        with self._lock:
            if len(self._slots) >= PRUNE_AT:
                self._prune(now)
            self._slots[key] = Slot(key, extension, fields, now + self.lifetime)
        return Issued(origin + BUCKET_PATH, key, json.dumps(fields))

    def receive(self, headers: Dict[str, str], body: bytes) -> str:
        """Store the file of a presigned POST; its key. Raises :class:`UploadRefused`."""
        if "authorization" in headers:
            raise UploadRefused(
                400,
                "InvalidArgument",
                "Unsupported Authorization Type: a presigned POST carries its own signature",
            )
        try:
            parts = parse_form(body, headers.get("content-type"))
            fields, file = _split(parts)
        except MalformedForm as exc:
            raise UploadRefused(
                400,
                "MalformedPOSTRequest",
                f"The body of your POST request is not well-formed multipart/form-data: {exc}",
            ) from None
        key = fields.get("key")
        if key is None:
            message = "Bucket POST must contain a field named 'key'"
            raise UploadRefused(400, "InvalidArgument", message)
        with self._lock:
            slot = self._slots.get(key)
        if slot is None:
            raise UploadRefused(403, "AccessDenied", f"No upload policy was issued for key {key!r}")
        if self._clock() >= slot.expires_at:
            raise UploadRefused(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
        _check_fields(slot, fields)
        if file is None:
            raise UploadRefused(
                400, "InvalidArgument", "POST requires exactly one file upload per request"
            )
        if len(file) > self.max_size:
            raise UploadRefused(
                400,
                "EntityTooLarge",
                f"Your proposed upload exceeds the maximum allowed size of {self.max_size} bytes",
            )
        if not file:
            raise UploadRefused(400, "EntityTooSmall", "Your proposed upload is empty")
        if not content_matches(slot.extension, file):
            raise UploadRefused(
                400,
                "InvalidArgument",
                f"The file is not {slot.extension.upper()} data, "
                f"the type the upload was issued for",
            )
        with self._lock:
            if key in self._slots:  # not discarded while the file was checked
                self._files[key] = file
        return key

    def _prune(self, now: float) -> None:
        """Forget expired slots whose file never came, so that a long session issuing many
        uploads does not grow without end (called with the lock held)."""
        for key in [k for k, slot in self._slots.items() if slot.expires_at <= now]:
            if key not in self._files:
                del self._slots[key]

    def file(self, key: str) -> Optional[bytes]:
        with self._lock:
            return self._files.get(key)

    def uploaded(self, key: str) -> bool:
        with self._lock:
            return key in self._files

    def discard(self, key: str) -> None:
        """Forget a slot and its file (its resource was deleted)."""
        with self._lock:
            self._slots.pop(key, None)
            self._files.pop(key, None)

    def store(self, key: str, data: bytes) -> None:
        """Keep a file the server made itself (a dataset image copied from a generation)."""
        with self._lock:
            self._files[key] = data


def _split(parts: List[Part]) -> Tuple[Dict[str, str], Optional[bytes]]:
    """The form fields before the file, and the file. S3 ignores what follows the file."""
    fields: Dict[str, str] = {}
    for part in parts:
        if part.name == "file":
            return fields, part.content
        if part.name in fields:
            raise MalformedForm(f"the field {part.name!r} is given twice")
        fields[part.name] = part.text()
    return fields, None


def _check_fields(slot: Slot, sent: Dict[str, str]) -> None:
    for name, value in slot.fields.items():
        if name not in sent:
            raise UploadRefused(
                403, "AccessDenied", f"Invalid according to Policy: the field {name!r} is missing"
            )
        if sent[name] != value:
            signed = name in ("Policy", "X-Amz-Signature")
            code = "SignatureDoesNotMatch" if signed else "AccessDenied"
            raise UploadRefused(
                403, code, f"Invalid according to Policy: Policy Condition failed: {name!r}"
            )
    extra = sorted(set(sent) - set(slot.fields))
    if extra:
        raise UploadRefused(
            403,
            "AccessDenied",
            f"Invalid according to Policy: Extra input fields: {', '.join(extra)}",
        )
