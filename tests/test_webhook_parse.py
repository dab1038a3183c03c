"""``webhooks.parse_event``: the key check, what it refuses, and the typed event it returns."""

from __future__ import annotations

import copy
import datetime
import hmac
import json
import pickle
from typing import Any, Dict, List, Tuple

import pytest
from starlette.datastructures import Headers as StarletteHeaders
from werkzeug.datastructures import Headers as WerkzeugHeaders

import leonardoaisdk
from leonardoaisdk import errors, webhooks
from leonardoaisdk.models.shared import JobStatus
from leonardoaisdk.webhooks import (
    MAX_EVENT_BYTES,
    WebhookEvent,
    WebhookEventType,
    WebhookGeneration,
    WebhookImage,
    parse_event,
)

KEY = "whk-3f1c9a7e-callback"
WRONG = "whk-0000-presented-wrong"
AUTH = {"authorization": f"Bearer {KEY}"}

# As the live API sends it (see the API README), with fields newer than the SDK at each level.
EVENT: Dict[str, Any] = {
    "type": "image_generation.complete",
    "object": "generation",
    "timestamp": 1711111111234,
    "api_version": "v1",
    "data": {
        "object": {
            "id": "6f1a3f0e-5b8c-4a4e-9d43-2b7f1a2c3d4e",
            "createdAt": "2024-03-22T12:38:30.123",
            "status": "COMPLETE",
            "prompt": "a watercolour fox",
            "imageWidth": 1024,
            "imageHeight": 768,
            "modelId": "6bef9f1b-29cb-40c7-b9df-32b51c1f67d3",
            "public": False,
            "scheduler": "EULER_DISCRETE",
            "sdVersion": "SDXL_LIGHTNING",
            "userId": "u-1",
            "apiDollarCost": "0.01",
            "images": [
                {
                    "id": "img-1",
                    "url": "https://cdn.leonardo.ai/users/u-1/generations/g/img-1.jpg",
                    "nsfw": False,
                    "likeCount": 3,
                    "motionMP4URL": "https://cdn.leonardo.ai/img-1.mp4",
                    "generationId": "6f1a3f0e-5b8c-4a4e-9d43-2b7f1a2c3d4e",
                    "trendingScore": 0,
                },
                {"id": "img-2", "url": "https://cdn.leonardo.ai/img-2.jpg", "nsfw": True},
            ],
        },
        "pageInfo": {"cursor": "x"},
    },
    "delivery": 1,
}


def body_of(event: Dict[str, Any] = EVENT) -> bytes:
    return json.dumps(event).encode()


def test_an_event_decodes_to_typed_models_keeping_what_the_sdk_does_not_know() -> None:
    event = parse_event(body_of(), AUTH, callback_key=KEY)

    assert isinstance(event, WebhookEvent)
    assert event.type is WebhookEventType.IMAGE_GENERATION_COMPLETE
    assert event.type == "image_generation.complete" and f"{event.type}" == event.type.value
    assert (event.object, event.timestamp, event.api_version) == ("generation", 1711111111234, "v1")
    assert event.timestamp_datetime == datetime.datetime(
        2024, 3, 22, 12, 38, 31, 234000, tzinfo=datetime.timezone.utc
    )
    assert event.additional_properties == {"delivery": 1}
    assert event.data is not None and event.data.additional_properties == {
        "pageInfo": {"cursor": "x"}
    }

    generation = event.generation
    assert isinstance(generation, WebhookGeneration) and generation is event.data.object
    assert generation.id == EVENT["data"]["object"]["id"]
    assert generation.status is JobStatus.COMPLETE
    assert (generation.image_width, generation.image_height) == (1024, 768)
    assert generation.sd_version == "SDXL_LIGHTNING"  # newer than the SDK's enum: kept as str
    assert generation.created_at_datetime == datetime.datetime(
        2024, 3, 22, 12, 38, 30, 123000, tzinfo=datetime.timezone.utc
    )
    assert generation.additional_properties == {"userId": "u-1", "apiDollarCost": "0.01"}

    assert generation.images is not None
    first, second = generation.images
    assert isinstance(first, WebhookImage)
    assert (first.id, first.url, first.nsfw, first.like_count) == (
        "img-1",
        "https://cdn.leonardo.ai/users/u-1/generations/g/img-1.jpg",
        False,
        3,
    )
    assert first.motion_mp4_url == "https://cdn.leonardo.ai/img-1.mp4"
    assert first.additional_properties == {
        "generationId": EVENT["data"]["object"]["id"],
        "trendingScore": 0,
    }
    assert (second.id, second.nsfw, second.like_count, second.motion_mp4_url) == (
        "img-2",
        True,
        None,
        None,
    )
    # The wire form comes back under the wire names, unknown fields included.
    again = event.to_dict()
    assert again["data"]["object"]["images"][0]["motionMP4URL"] == first.motion_mp4_url
    assert again["delivery"] == 1 and again["data"]["object"]["userId"] == "u-1"
    assert WebhookEvent.from_dict(again) == event


def test_it_is_a_dataclasses_json_model_like_every_other() -> None:
    event = parse_event(body_of(), AUTH, callback_key=KEY)
    assert isinstance(event, leonardoaisdk._model.Model)
    assert WebhookEvent.from_json(event.to_json()) == event
    assert WebhookEvent.schema().load(EVENT) == event


def test_an_event_type_the_sdk_does_not_know_is_kept_as_a_string() -> None:
    newer = dict(EVENT, type="motion_generation.complete")
    event = parse_event(body_of(newer), AUTH, callback_key=KEY)
    assert event.type == "motion_generation.complete"
    assert type(event.type) is str


def test_a_failed_generation_and_a_sparse_event_decode() -> None:
    failed = copy.deepcopy(EVENT)
    failed["data"]["object"].update(status="FAILED", images=[])
    generation = parse_event(body_of(failed), AUTH, callback_key=KEY).generation
    assert generation is not None
    assert generation.status is JobStatus.FAILED and generation.images == []

    sparse = parse_event(b'{"type": "image_generation.complete"}', AUTH, callback_key=KEY)
    assert sparse.generation is None and sparse.timestamp_datetime is None


@pytest.mark.parametrize("timestamp", [10**20, -(10**20)])
def test_a_timestamp_out_of_range_gives_no_datetime(timestamp: int) -> None:
    event = parse_event(body_of(dict(EVENT, timestamp=timestamp)), AUTH, callback_key=KEY)
    assert event.timestamp == timestamp and event.timestamp_datetime is None


HEADER_FORMS: List[Tuple[str, Any]] = [
    ("dict, lower case", {"authorization": f"Bearer {KEY}"}),
    ("dict, title case", {"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"}),
    ("dict, upper case, lower-case scheme", {"AUTHORIZATION": f"bearer {KEY}"}),
    ("pairs", [("Host", "x"), ("Authorization", f"Bearer {KEY}")]),
    ("ASGI raw bytes", [(b"authorization", f"Bearer {KEY}".encode())]),
    ("starlette", StarletteHeaders({"authorization": f"Bearer {KEY}"})),
    ("werkzeug", WerkzeugHeaders([("Authorization", f"Bearer  {KEY} ")])),
]


@pytest.mark.parametrize("headers", [h for _, h in HEADER_FORMS], ids=[n for n, _ in HEADER_FORMS])
def test_headers_of_any_form_are_matched_case_insensitively(headers: Any) -> None:
    assert parse_event(body_of(), headers, callback_key=KEY).timestamp == EVENT["timestamp"]


@pytest.mark.parametrize(
    "body", [body_of(), body_of().decode(), bytearray(body_of()), memoryview(body_of())]
)
def test_the_body_may_be_bytes_or_text(body: Any) -> None:
    assert parse_event(body, AUTH, callback_key=KEY).api_version == "v1"


def test_a_non_ascii_key_matches_as_servers_decode_the_header() -> None:
    key = "clé-callback"
    as_sent = f"Bearer {key}".encode().decode("latin-1")  # what WSGI and ASGI servers hand over
    assert parse_event(body_of(), {"authorization": as_sent}, callback_key=key).object == (
        "generation"
    )


def test_the_key_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: List[Tuple[Any, Any]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(webhooks.hmac, "compare_digest", spy)
    parse_event(body_of(), AUTH, callback_key=KEY)
    with pytest.raises(errors.WebhookError):
        parse_event(body_of(), {"authorization": f"Bearer {WRONG}"}, callback_key=KEY)
    assert calls == [(KEY.encode(), KEY.encode()), (WRONG.encode(), KEY.encode())]


def _refusal(body: Any, headers: Any) -> errors.WebhookError:
    with pytest.raises(errors.WebhookError) as caught:
        parse_event(body, headers, callback_key=KEY)
    error = caught.value
    for text in (str(error), repr(error), error.message, str(error.args)):
        assert KEY not in text and WRONG not in text
    return error


@pytest.mark.parametrize(
    ("headers", "says"),
    [
        ({}, "no Authorization header"),
        ({"Content-Type": "application/json"}, "no Authorization header"),
        ({"authorization": f"Bearer {WRONG}"}, "wrong callback key"),
        ({"authorization": f"Bearer {KEY}x"}, "wrong callback key"),
        ({"authorization": f"Bearer {KEY[:-1]}"}, "wrong callback key"),
        ({"authorization": "Bearer "}, "wrong callback key"),
        ({"authorization": KEY}, "not a Bearer token"),
        ({"authorization": f"Basic {KEY}"}, "not a Bearer token"),
        (
            [("authorization", f"Bearer {KEY}"), ("Authorization", f"Bearer {WRONG}")],
            "more than one",
        ),
    ],
)
def test_a_missing_or_wrong_key_is_refused_with_401_without_showing_a_key(
    headers: Any, says: str
) -> None:
    error = _refusal(body_of(), headers)
    assert says in error.message and error.http_status == 401
    assert isinstance(error, errors.SDKError) and isinstance(error, ValueError)


def test_the_key_is_checked_before_the_body() -> None:
    error = _refusal(b"\xff not json", {"authorization": f"Bearer {WRONG}"})
    assert error.http_status == 401


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"", "not JSON"),
        (b"{not json", "not JSON"),
        (b'{"timestamp": NaN}', "not JSON"),
        (b'{"a": Infinity}', "not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
        (b"\xef\xbb\xbf{}", "not JSON"),  # a BOM: JSON has none
        (b'["image_generation.complete"]', "not an object: a JSON array"),
        (b'"image_generation.complete"', "not an object: a JSON string"),
        (b"null", "not an object: a JSON null"),
        (b"17", "not an object: a JSON number"),
        (b'{"type": "image_generation.complete", "x": "\xff"}', "not UTF-8"),
        ('{"t": "x"}'.encode("utf-16"), "not UTF-8"),
        (
            b'{"timestamp": "yesterday"}',
            "wrong shape: WebhookEvent: expected integer at $.timestamp",
        ),
        (b'{"data": {"object": {"images": {}}}}', "at $.data.object.images"),
    ],
)
def test_a_body_that_is_not_an_event_is_refused_with_400(body: bytes, says: str) -> None:
    error = _refusal(body, AUTH)
    assert says in error.message and error.http_status == 400


def test_a_body_over_1_mb_is_refused_before_it_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_called(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("parsed")

    big = b'{"pad": "' + b"x" * MAX_EVENT_BYTES + b'"}'
    with monkeypatch.context() as patched:
        patched.setattr(webhooks.json, "loads", not_called)
        for body in (big, big.decode(), b"\xff" * (MAX_EVENT_BYTES + 1)):
            error = _refusal(body, AUTH)
            assert error.http_status == 413 and "over 1048576 bytes" in error.message
        # A str counts in UTF-8 bytes: 600 000 two-byte characters are over the limit.
        error = _refusal('{"pad": "' + "é" * 600_000 + '"}', AUTH)
        assert error.http_status == 413

    at_limit = b'{"api_version": "v1"}'.ljust(MAX_EVENT_BYTES)
    assert parse_event(at_limit, AUTH, callback_key=KEY).api_version == "v1"


@pytest.mark.parametrize("key", [None, b"whk-bytes", 12345, "", " whk-padded", "whk-newline\n"])
def test_a_bad_callback_key_argument_is_a_configuration_error(key: Any) -> None:
    with pytest.raises(errors.ConfigurationError) as caught:
        parse_event(body_of(), AUTH, callback_key=key)
    assert "callback_key" in str(caught.value)
    if isinstance(key, str) and key:
        assert key.strip() not in str(caught.value)


@pytest.mark.parametrize("headers", [42, [("only-a-name",)], None])
def test_headers_that_are_not_headers_are_a_type_error(headers: Any) -> None:
    with pytest.raises(TypeError, match="headers must be"):
        parse_event(body_of(), headers, callback_key=KEY)


def test_a_body_of_another_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="body must be bytes or str"):
        parse_event(EVENT, AUTH, callback_key=KEY)  # type: ignore[arg-type]


def test_webhook_error_is_exported_with_the_other_errors_and_pickles() -> None:
    assert "WebhookError" in errors.__all__
    assert leonardoaisdk.errors.WebhookError is leonardoaisdk.models.errors.WebhookError
    assert issubclass(errors.WebhookError, errors.SDKError)
    error = _refusal(body_of(), {"authorization": f"Bearer {WRONG}"})
    again = pickle.loads(pickle.dumps(error))
    assert (type(again), again.message, again.http_status) == (
        errors.WebhookError,
        error.message,
        401,
    )
