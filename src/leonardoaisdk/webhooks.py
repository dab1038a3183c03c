"""Receiving Leonardo's webhook callbacks: :func:`parse_event` and the event's models.

Leonardo POSTs an event to the callback URL of a production API key when a generation ends,
with ``authorization: Bearer <callback key>`` (no signature scheme is documented)::

    {"type": "image_generation.complete", "object": "generation", "timestamp": 1711111111111,
     "api_version": "v1", "data": {"object": {...the generation, its images in "images"...}}}

:func:`parse_event` checks the key and returns a :class:`WebhookEvent`; anything else raises
``errors.WebhookError``. The models decode like every other model of the SDK: wire names,
values newer than the SDK kept as strings, unknown properties in ``additional_properties``.
"""

from __future__ import annotations

import dataclasses
import datetime
import hmac
import json
from typing import Any, Iterable, List, Optional, Protocol, Tuple, Union, runtime_checkable

from ._enum import ApiEnum
from ._fields import api_field, extra_fields
from ._model import ExtraFields, Model
from .models.errors import ConfigurationError, ResponseValidationError, WebhookError
from .models.operations._shapes import (
    ElementFields,
    ElementT,
    GeneratedImageFields,
    GenerationElementFields,
    GenerationFields,
    ImageT,
    VariationFields,
)

__all__ = [
    "MAX_EVENT_BYTES",
    "WebhookEvent",
    "WebhookEventData",
    "WebhookEventType",
    "WebhookGeneration",
    "WebhookImage",
    "parse_event",
]

# A completion event is a few KB; a body this size is not one, and is refused unread.
MAX_EVENT_BYTES = 1024 * 1024

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


class WebhookEventType(ApiEnum):
    """What an event reports. Types the SDK does not know decode as plain ``str``."""

    IMAGE_GENERATION_COMPLETE = "image_generation.complete"


class WebhookImageVariation(VariationFields):
    """A variation of an image of the event's generation."""


class WebhookImage(GeneratedImageFields[WebhookImageVariation]):
    """An image of the event's generation: ``id``, ``url``, ``nsfw``, ``like_count``
    (``likeCount``), ``motion_mp4_url`` (``motionMP4URL``), ..."""


class WebhookLora(ElementFields):
    """An element (LoRA) the generation used."""


class WebhookGenerationElement(GenerationElementFields[WebhookLora]):
    """An element applied to the event's generation."""


@dataclasses.dataclass(repr=False)
class _WebhookGenerationFields(GenerationFields[ImageT, ElementT]):
    # The same type parameters as GenerationFields, so that one binding fills in both its
    # fields and `images` (the codec binds a class's parameters through its bases).
    images: Optional[List[ImageT]] = api_field(
        "images", description="The generated images (the webhook's name for generated_images)."
    )
    additional_properties: ExtraFields = extra_fields()


class WebhookGeneration(_WebhookGenerationFields[WebhookImage, WebhookGenerationElement]):
    """The generation an event is about, as the webhook sends it: the fields of a generation
    from ``GET /generations/{id}``, with its images in ``images``."""


@dataclasses.dataclass(repr=False)
class WebhookEventData(Model):
    """``data`` of an event: the generation, in ``object``."""

    object: Optional[WebhookGeneration] = api_field("object")
    additional_properties: ExtraFields = extra_fields()


@dataclasses.dataclass(repr=False)
class WebhookEvent(Model):
    """An event Leonardo POSTs to a webhook callback URL."""

    type: Optional[Union[WebhookEventType, str]] = api_field(
        "type", description="What happened, e.g. image_generation.complete."
    )
    object: Optional[str] = api_field(
        "object", description="The kind of thing data.object is, e.g. generation."
    )
    timestamp: Optional[int] = api_field(
        "timestamp", description="When the event was sent, in milliseconds since the Unix epoch."
    )
    api_version: Optional[str] = api_field("api_version", description="e.g. v1.")
    data: Optional[WebhookEventData] = api_field("data")
    additional_properties: ExtraFields = extra_fields()

    @property
    def timestamp_datetime(self) -> Optional[datetime.datetime]:
        """``timestamp`` as a timezone-aware datetime (UTC), or ``None`` when absent or out of
        range."""
        if self.timestamp is None:
            return None
        try:
            return _EPOCH + datetime.timedelta(milliseconds=self.timestamp)
        except OverflowError:
            return None

    @property
    def generation(self) -> Optional[WebhookGeneration]:
        """``data.object``, or ``None`` when the event carries none."""
        return self.data.object if self.data is not None else None


@runtime_checkable
class SupportsItems(Protocol):
    """Headers as web frameworks hold them: anything with ``items()`` (a dict, Starlette's or
    Werkzeug's ``Headers``)."""

    def items(self) -> Iterable[Tuple[Any, Any]]: ...


Headers = Union[SupportsItems, Iterable[Tuple[Any, Any]]]


def parse_event(
    body: Union[bytes, bytearray, memoryview, str],
    headers: Headers,
    *,
    callback_key: str,
) -> WebhookEvent:
    """The event a webhook request carries, once its ``Authorization`` header is checked.

    Args:
        body: the request body, as received (bytes, or text already decoded).
        headers: the request headers: a mapping (names matched case-insensitively) or
            ``(name, value)`` pairs.
        callback_key: the webhook callback API key set on your Leonardo API key. Leonardo
            sends it as ``Authorization: Bearer <callback_key>``; it is compared in constant
            time.

    Raises:
        errors.WebhookError: no ``Authorization`` header, a wrong key, a body over
            :data:`MAX_EVENT_BYTES` (checked before it is parsed), a body that is not UTF-8,
            not JSON, not a JSON object, or whose values have the wrong types. Its
            ``http_status`` is the status to answer (401, 413 or 400). No message holds a key.
        errors.ConfigurationError: ``callback_key`` is not a non-empty string.
    """
    expected = _expected_key(callback_key)
    _check_authorization(headers, expected)
    data = _json_object(body)
    try:
        return WebhookEvent.from_dict(data)
    except ResponseValidationError as exc:
        raise WebhookError(f"the event has the wrong shape: {exc.message}") from None


def _expected_key(callback_key: Any) -> bytes:
    if not isinstance(callback_key, str):
        raise ConfigurationError(
            "callback_key must be the webhook callback API key as a str, "
            f"not {type(callback_key).__name__}"
        )
    if not callback_key:
        raise ConfigurationError("callback_key is empty: pass the webhook callback API key")
    if callback_key != callback_key.strip():
        # Header values arrive stripped, so such a key could never match: say so instead.
        raise ConfigurationError(
            "callback_key starts or ends with whitespace (a newline read from a file or an "
            "environment variable?); no request could carry it"
        )
    return callback_key.encode("utf-8")


def _text(value: Any) -> str:
    # ASGI servers hand over raw bytes; HTTP header bytes are Latin-1 by definition.
    return value.decode("latin-1") if isinstance(value, (bytes, bytearray)) else str(value)


def _authorization_values(headers: Headers) -> List[str]:
    pairs = headers.items() if isinstance(headers, SupportsItems) else headers
    try:
        return [_text(value) for name, value in pairs if _text(name).lower() == "authorization"]
    except (TypeError, ValueError):
        raise TypeError(
            "headers must be a mapping of header names to values, or (name, value) pairs"
        ) from None


def _check_authorization(headers: Headers, expected: bytes) -> None:
    values = _authorization_values(headers)
    if not values:
        raise WebhookError(
            "no Authorization header: Leonardo sends 'Authorization: Bearer <callback key>'",
            http_status=401,
        )
    if len(values) > 1:
        raise WebhookError("more than one Authorization header", http_status=401)
    scheme, _, token = values[0].strip().partition(" ")
    if scheme.lower() != "bearer":
        raise WebhookError("the Authorization header is not a Bearer token", http_status=401)
    presented = token.strip()
    # Header text is Latin-1 as servers decode it: its bytes are the ones that were sent.
    try:
        sent = presented.encode("latin-1")
    except UnicodeEncodeError:
        sent = presented.encode("utf-8", "surrogatepass")
    if not hmac.compare_digest(sent, expected):
        raise WebhookError("wrong callback key in the Authorization header", http_status=401)


def _json_object(body: Any) -> Any:
    if isinstance(body, str):
        # A str's UTF-8 form is at least as long as the str: the cheap test first.
        if len(body) > MAX_EVENT_BYTES or len(body.encode("utf-8", "surrogatepass")) > (
            MAX_EVENT_BYTES
        ):
            raise _too_large()
        text = body
    elif isinstance(body, (bytes, bytearray, memoryview)):
        raw = bytes(body) if not isinstance(body, bytes) else body
        if len(raw) > MAX_EVENT_BYTES:
            raise _too_large()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WebhookError(f"the body is not UTF-8 (byte {exc.start})") from None
    else:
        raise TypeError(f"body must be bytes or str, not {type(body).__name__}")
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise WebhookError("the body is not JSON: nested too deeply") from None
    except ValueError as exc:
        raise WebhookError(f"the body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise WebhookError(f"the body is JSON but not an object: a JSON {_json_kind(data)}")
    return data


def _too_large() -> WebhookError:
    return WebhookError(
        f"the body is over {MAX_EVENT_BYTES} bytes; a webhook event is a few KB",
        http_status=413,
    )


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"
