"""A strict ``multipart/form-data`` reader (RFC 7578), standard library only.

The presigned-upload endpoint reads forms with it. It reads only what a browser or ``requests``
sends: parts separated by the boundary, each with a ``Content-Disposition: form-data`` header
naming it. Anything else is :class:`MalformedForm`.
"""

from __future__ import annotations

import dataclasses
import email.message
import email.parser
import email.utils
from typing import List, Optional

MAX_PARTS = 64  # S3's policies have about ten fields; more is not a form we issued
MAX_PART_HEAD = 8 * 1024


class MalformedForm(ValueError):
    """The body is not well-formed multipart/form-data."""


@dataclasses.dataclass(frozen=True)
class Part:
    name: str
    filename: Optional[str]
    content: bytes

    def text(self) -> str:
        try:
            return self.content.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedForm(f"the field {self.name!r} is not UTF-8 text") from None


def boundary_of(content_type: Optional[str]) -> bytes:
    """The boundary of a ``multipart/form-data`` Content-Type header."""
    header = email.message.Message()
    header["content-type"] = content_type or ""
    if header.get_content_type() != "multipart/form-data":
        raise MalformedForm("the Content-Type is not multipart/form-data")
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not 1 <= len(boundary) <= 70:
        raise MalformedForm("the multipart/form-data Content-Type has no valid boundary")
    return boundary.encode("latin-1", "replace")


def parse_form(body: bytes, content_type: Optional[str]) -> List[Part]:
    """The parts of a form, in order. Bounded: at most :data:`MAX_PARTS` parts are read."""
    delimiter = b"--" + boundary_of(content_type)
    start = body.find(delimiter)
    if start < 0 or (start > 0 and body[start - 2 : start] != b"\r\n"):
        raise MalformedForm("the body does not contain the boundary")
    position = start + len(delimiter)
    parts: List[Part] = []
    for _ in range(MAX_PARTS + 1):
        if body[position : position + 2] == b"--":
            return parts  # the closing delimiter; what follows is an epilogue
        if len(parts) == MAX_PARTS:
            break
        if body[position : position + 2] != b"\r\n":
            raise MalformedForm("a boundary is not followed by a line break")
        end = body.find(b"\r\n" + delimiter, position)
        if end < 0:
            raise MalformedForm("the form has no closing boundary")
        parts.append(_part(body[position + 2 : end]))
        position = end + 2 + len(delimiter)
    raise MalformedForm(f"the form has more than {MAX_PARTS} parts")


def _part(raw: bytes) -> Part:
    if raw.startswith(b"\r\n"):
        head, content = b"", raw[2:]  # no headers at all: refused below
    else:
        head, separator, content = raw.partition(b"\r\n\r\n")
        if not separator:
            raise MalformedForm("a part has no blank line after its headers")
    if len(head) > MAX_PART_HEAD:
        raise MalformedForm("a part's headers are too long")
    headers = email.parser.BytesHeaderParser().parsebytes(head + b"\r\n\r\n")
    if headers.get_content_disposition() != "form-data":
        raise MalformedForm("a part has no Content-Disposition: form-data header")
    name = _parameter(headers, "name")
    if name is None:
        raise MalformedForm("a part has no name")
    return Part(name, _parameter(headers, "filename"), content)


def _parameter(headers: email.message.Message, name: str) -> Optional[str]:
    value = headers.get_param(name, header="content-disposition")
    if value is None:
        return None
    return email.utils.collapse_rfc2231_value(value)
