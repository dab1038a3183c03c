"""Timestamps: the wire string stays as received; ``<field>_datetime`` parses it, lazily, into a
timezone-aware datetime (python-dateutil's ``isoparse``)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

import pytest

from leonardoaisdk._codec import parse_timestamp
from leonardoaisdk.models import operations
from tests.payloads import generation

UTC = timezone.utc

FORMS = [
    ("2024-02-01T10:20:30.123Z", datetime(2024, 2, 1, 10, 20, 30, 123000, UTC)),
    ("2024-02-01T10:20:30+00:00", datetime(2024, 2, 1, 10, 20, 30, tzinfo=UTC)),
    ("2024-02-01T10:20:30", datetime(2024, 2, 1, 10, 20, 30, tzinfo=UTC)),  # naive: UTC
    ("2024-02-13T10:21:34.817", datetime(2024, 2, 13, 10, 21, 34, 817000, UTC)),  # the API's
    ("2024-02-01T10:20:30.123456789Z", datetime(2024, 2, 1, 10, 20, 30, 123456, UTC)),
    ("2024-02-01T10:20:30.5+05:30", datetime(2024, 2, 1, 4, 50, 30, 500000, UTC)),
    ("2024-02-01T10:20:30-0800", datetime(2024, 2, 1, 18, 20, 30, tzinfo=UTC)),
    ("2024-02-01 10:20:30Z", datetime(2024, 2, 1, 10, 20, 30, tzinfo=UTC)),
    ("2024-02-01", datetime(2024, 2, 1, tzinfo=UTC)),
    ("20240201T102030Z", datetime(2024, 2, 1, 10, 20, 30, tzinfo=UTC)),
]


@pytest.mark.parametrize(("text", "expected"), FORMS, ids=[t for t, _ in FORMS])
def test_iso_forms_parse_to_the_same_instant_timezone_aware(text: str, expected: datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed is not None and parsed.tzinfo is not None
    assert parsed == expected


def test_an_explicit_offset_is_kept() -> None:
    parsed = parse_timestamp("2024-02-01T10:20:30+05:30")
    assert parsed is not None and parsed.utcoffset() == timedelta(hours=5, minutes=30)


@pytest.mark.parametrize(
    "value", [None, "", "yesterday", "2024-13-01T00:00:00Z", "2024-02-30", "10:20", 1706782830, []]
)
def test_absent_or_unparseable_gives_none(value: Any) -> None:
    assert parse_timestamp(value) is None


MODELS_WITH_TIMESTAMPS = [
    (operations.GetGenerationByIDGenerations, "createdAt", "created_at"),
    (operations.GetGenerationsByUserIDGenerations, "createdAt", "created_at"),
    (operations.GetGenerationsTextureIDModelAssetTextureGenerations, "createdAt", "created_at"),
    (
        operations.GetGenerationsTextureModelModelIDModelAssetTextureGenerations,
        "createdAt",
        "created_at",
    ),
    (operations.UserDetails, "tokenRenewalDate", "token_renewal_date"),
]


@pytest.mark.parametrize(("model", "wire", "name"), MODELS_WITH_TIMESTAMPS)
def test_every_timestamp_field_has_a_parsed_datetime_next_to_it(
    model: Any, wire: str, name: str
) -> None:
    decoded = model.from_dict({wire: "2024-02-01T10:20:30.123Z"})
    assert getattr(decoded, name) == "2024-02-01T10:20:30.123Z"  # the wire string, as it was
    assert getattr(decoded, f"{name}_datetime") == datetime(2024, 2, 1, 10, 20, 30, 123000, UTC)
    assert getattr(model.from_dict({}), f"{name}_datetime") is None
    assert getattr(model.from_dict({wire: None}), f"{name}_datetime") is None
    assert getattr(model.from_dict({wire: "soon"}), f"{name}_datetime") is None
    assert f"{name}_datetime" not in {f.name for f in dataclasses.fields(model)}
    encoded = decoded.to_dict()
    assert encoded[wire] == "2024-02-01T10:20:30.123Z"
    assert not any(key.endswith("_datetime") for key in encoded)
    with pytest.raises(AttributeError):
        setattr(decoded, f"{name}_datetime", datetime.now(UTC))


def test_the_datetime_follows_the_string_field() -> None:
    gen = operations.GetGenerationByIDGenerations.from_dict(generation())
    first: Optional[datetime] = gen.created_at_datetime
    gen.created_at = "2025-01-01T00:00:00Z"
    assert first == datetime(2024, 2, 13, 10, 21, 34, 817000, UTC)
    assert gen.created_at_datetime == datetime(2025, 1, 1, tzinfo=UTC)


def test_every_field_named_like_a_timestamp_has_its_datetime() -> None:
    """A new ``...At``/``...Date`` field in the models needs its ``_datetime`` property too."""
    from leonardoaisdk.models import operations as ops

    for name in ops.__all__:
        cls = getattr(ops, name)
        if not dataclasses.is_dataclass(cls):
            continue
        for field in dataclasses.fields(cls):
            if field.name.endswith(("_at", "_date")):
                assert isinstance(getattr(cls, f"{field.name}_datetime", None), property), (
                    f"{name}.{field.name}"
                )


PROBE = """
import json, sys
from leonardoaisdk.models import operations
gen = operations.GetGenerationByIDGenerations.from_dict({"createdAt": "2024-02-01T10:20:30Z"})
before = "dateutil.parser" in sys.modules
parsed = gen.created_at_datetime
print(json.dumps([before, "dateutil.parser" in sys.modules, "created_at_datetime" in vars(gen)]))
"""


def test_parsing_is_lazy_and_not_part_of_decoding() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == [False, True, False]
