"""Property-based: whatever JSON (or bytes) arrives, and whatever a caller puts in a request,
the only exceptions are SDKErrors."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
from typing import Any, List, Tuple, Union

import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import leonardoaisdk
from leonardoaisdk import errors
from leonardoaisdk.generation import OPERATIONS
from leonardoaisdk.models import operations
from tests.payloads import generation, generations_page

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=16,
)

Path = Tuple[Union[str, int], ...]


def paths(value: Any, prefix: Path = ()) -> List[Path]:
    """Every place in a JSON document, as a path of keys and indexes."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, (*prefix, index))
    return found


def replaced(document: Any, path: Path, value: Any) -> Any:
    if not path:
        return value
    document = copy.deepcopy(document)
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return document


DOCUMENTS = [
    (operations.GetGenerationByIDResponseBody, {"generations_by_pk": generation()}),
    (operations.GetGenerationsByUserIDResponseBody, generations_page(2, 2)),
]
PLACES = [(cls, doc, path) for cls, doc in DOCUMENTS for path in paths(doc)]
BODY_TYPES = sorted({op.response_type.body_type for op in OPERATIONS}, key=lambda c: c.__name__)


@settings(max_examples=400, deadline=None)
@given(place=st.sampled_from(PLACES), value=JSON)
def test_any_json_at_any_field_decodes_or_raises_response_validation_error(
    place: Tuple[type, Any, Path], value: Any
) -> None:
    model, document, path = place
    with contextlib.suppress(errors.ResponseValidationError):
        model.from_dict(replaced(document, path, value))  # type: ignore[attr-defined]


@settings(max_examples=200, deadline=None)
@given(model=st.sampled_from(BODY_TYPES), document=JSON)
def test_any_json_document_for_any_response_body(model: Any, document: Any) -> None:
    try:
        decoded = model.from_dict(document)
    except errors.ResponseValidationError:
        return
    assert isinstance(decoded, model)
    again = model.from_dict(decoded.to_dict())  # what decoded also re-encodes and decodes the same
    assert again == decoded


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.binary(max_size=64) | JSON.map(lambda v: repr(v).encode()),
    content_type=st.sampled_from(
        ["application/json", "text/plain", "", "application/json; charset=latin-1"]
    ),
    status=st.sampled_from([200, 201, 204, 400, 404, 429, 500, 503]),
)
def test_any_answer_through_the_pipeline_gives_a_response_or_an_sdk_error(
    body: bytes, content_type: str, status: int
) -> None:
    sdk = leonardoaisdk.LeonardoAiSDK(bearer_auth="k", retry_config="none")
    with responses.RequestsMock() as mock:
        mock.get(
            "https://cloud.leonardo.ai/api/rest/v1/generations/g",
            body=body,
            status=status,
            content_type=content_type,
        )
        try:
            res = sdk.generation.get_generation_by_id("g")
        except errors.APIConnectionError as exc:
            # Not valid HTTP (e.g. a body on a 204): urllib3 refuses it, so there is no response.
            assert status == 204 and body and exc.raw_response is None
            return
        except errors.SDKError as exc:
            assert exc.raw_response is not None and exc.status_code == status
            return
    assert 200 <= res.status_code < 300


ODD_VALUES = (
    JSON
    | st.builds(object)
    | st.binary(max_size=4)
    | st.sets(st.integers(), max_size=3)
    | st.just(float("nan"))
    | st.just(float("inf"))
    | st.sampled_from(list(leonardoaisdk.models.shared.SdVersions))
    | st.builds(lambda: leonardoaisdk.models.shared.ElementInput(weight="x"))  # type: ignore[arg-type]
)
REQUEST_FIELDS = [f.name for f in dataclasses.fields(operations.CreateGenerationRequestBody)]


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(REQUEST_FIELDS), value=ODD_VALUES)
def test_any_value_in_a_request_field_is_sent_or_refused_with_request_validation_error(
    field: str, value: Any
) -> None:
    request = operations.CreateGenerationRequestBody(**{field: value})
    sdk = leonardoaisdk.LeonardoAiSDK(bearer_auth="k", retry_config="none")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(
            "https://cloud.leonardo.ai/api/rest/v1/generations", json={"sdGenerationJob": None}
        )
        try:
            sdk.generation.create_generation(request)
        except errors.RequestValidationError:
            assert len(mock.calls) == 0
            return
        assert len(mock.calls) == 1
        sent = json.loads(mock.calls[0].request.body)
    assert isinstance(sent, dict)
    assert not isinstance(value, (set, bytes)) and type(value) is not object, "non-JSON value sent"
