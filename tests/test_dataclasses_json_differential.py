"""The compiled plans against dataclasses-json itself.

Every model is a dataclasses-json model, but ``from_dict``/``to_dict`` run the SDK's per-class
plans. These tests feed both the same dicts (full, sparse, all-null and "future" payloads: unknown
properties, unknown enum values) and prove the plan builds what dataclasses-json's own
``_decode_dataclass`` builds, and encodes what its own ``_asdict`` encodes, wherever
dataclasses-json can build it at all.

Where the two differ, it is on purpose, and each case has a test below:

* A nested model in an ``OptionalNullable``/``Omittable`` field (``Union[X, None, Unset]``, e.g.
  ``CreateGenerationRequestBody.elements``): dataclasses-json decodes only two-member unions
  (``Optional[X]``) and leaves the dicts as they came; the plan builds the models. The
  comparison then has dataclasses-json build each such dict itself and goes on comparing.
* A known enum value: the plan gives the member (``JobStatus.COMPLETE``); dataclasses-json leaves
  the string in a ``Union[Enum, str]`` field. They compare equal (the enums are ``str``).
* An integer in a ``float`` field stays an ``int`` in the plan (``to_dict`` gives back exactly
  what came); dataclasses-json makes it a ``float``. They compare equal.
* ``null`` for a field whose type does not admit it (a required or ``Omittable`` request
  field): the plan takes it quietly, as everywhere; dataclasses-json warns (``RuntimeWarning``).
* A value of the wrong type: the plan raises ``ResponseValidationError`` naming the place;
  dataclasses-json coerces (``5`` -> ``"5"``, ``"false"`` -> ``True``, ``1.5`` -> ``1``) or fails
  with an ``AttributeError``. Here the plan is stricter, not more forgiving.
* A key spelled like the Python attribute (``model_id`` for ``modelId``): dataclasses-json takes
  it as the field; the plan reads wire names only and keeps it in ``additional_properties``.

``[null]`` items in lists of models are no difference: both keep ``None``.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import json
import warnings
from typing import Any, Dict, List, Tuple

import pytest
from dataclasses_json import DataClassJsonMixin
from dataclasses_json.core import _asdict, _decode_dataclass
from hypothesis import given, settings
from hypothesis import strategies as st

from leonardoaisdk import errors
from leonardoaisdk._codec import enum_of, is_model, list_item, plan_for, strip_optional
from leonardoaisdk._model import Model, RequestModel
from leonardoaisdk.models import operations, shared


def _models() -> List[type]:
    found = []
    for package in (operations, shared):
        for name in package.__all__:
            cls = getattr(package, name)
            if isinstance(cls, type) and issubclass(cls, Model):
                found.append(cls)
    return sorted(found, key=lambda c: c.__name__)


MODELS = _models()
REQUEST_MODELS = [m for m in MODELS if issubclass(m, RequestModel)]
RESPONSE_MODELS = [m for m in MODELS if not issubclass(m, RequestModel)]

SAFE_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | SAFE_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(SAFE_TEXT, inner, max_size=3),
    max_leaves=6,
)
FUTURE_ENUM_VALUES = st.sampled_from(["FUTURE_VALUE", "PHOENIX", "QUEUED", ""])


def _python_names(cls: type) -> set:
    return {f.name for f in dataclasses.fields(cls)}


def value_of(hint: Any, depth: int, future: bool, null_items: bool) -> st.SearchStrategy[Any]:
    """JSON that decodes as ``hint``."""
    core = strip_optional(hint)
    enum_cls = enum_of(core)
    if enum_cls is not None:
        known = st.sampled_from([m.value for m in enum_cls])  # type: ignore[attr-defined]
        return known | FUTURE_ENUM_VALUES if future else known
    if core is str:
        return SAFE_TEXT
    if core is bool:
        return st.booleans()
    if core is int:
        return st.integers(-(2**40), 2**40)
    if core is float:
        return st.floats(allow_nan=False, allow_infinity=False) | st.integers(-1000, 1000)
    if is_model(core):
        return payload_of(core, depth + 1, future=future, sparse=True, null_items=null_items)
    item = list_item(core)
    if item is not None:
        items = value_of(item, depth + 1, future, null_items)
        if is_model(item) and null_items:
            items = items | st.none()  # `[null]`: both keep None
        return st.lists(items, max_size=2 if depth < 2 else 0)
    return JSON


def payload_of(
    cls: type,
    depth: int = 0,
    *,
    future: bool = False,
    sparse: bool = False,
    null: bool = False,
    null_items: bool = True,
) -> st.SearchStrategy[Dict[str, Any]]:
    plan = plan_for(cls)
    values = {
        f.wire: st.none() if null else value_of(f.hint, depth, future, null_items)
        for f in plan.fields
        if depth < 3 or f.required
    }
    required = {
        w: s for w, s in values.items() if any(f.wire == w and f.required for f in plan.fields)
    }
    optional = {w: s for w, s in values.items() if w not in required}
    known = plan_for(cls).wire_names | _python_names(cls)
    strategy = st.fixed_dictionaries(
        {**required, **({} if sparse else optional)}, optional=optional if sparse else None
    )
    if future:
        unknown = st.dictionaries(SAFE_TEXT.filter(lambda k: k not in known), JSON, max_size=3)
        strategy = st.tuples(strategy, unknown).map(lambda pair: {**pair[1], **pair[0]})
    return strategy


def decoded_by_dataclasses_json(cls: type, payload: Dict[str, Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # null for a non-Optional type: see above
        return _decode_dataclass(cls, copy.deepcopy(payload), False)


def assert_agree(ours: Any, theirs: Any, where: str = "$") -> None:
    """Equal, value for value and type for type, but for the differences documented above."""
    if dataclasses.is_dataclass(ours) and not isinstance(ours, type):
        if type(theirs) is dict:  # left undecoded in a Union[X, None, Unset]: build it now
            theirs = decoded_by_dataclasses_json(type(ours), theirs)
        assert type(theirs) is type(ours), where
        for field in dataclasses.fields(ours):
            assert_agree(
                getattr(ours, field.name), getattr(theirs, field.name), f"{where}.{field.name}"
            )
    elif isinstance(ours, list):
        assert isinstance(theirs, list) and len(theirs) == len(ours), where
        for index, (a, b) in enumerate(zip(ours, theirs)):
            assert_agree(a, b, f"{where}[{index}]")
    elif isinstance(ours, dict):
        assert isinstance(theirs, dict) and theirs.keys() == ours.keys(), where
        for key in ours:
            assert_agree(ours[key], theirs[key], f"{where}.{key}")
    elif isinstance(ours, enum.Enum):  # the member, where dataclasses-json leaves the value
        assert theirs is ours or (type(theirs) is str and theirs == ours.value), where
    elif type(ours) is int and type(theirs) is float:  # an int in a float field stays an int
        assert theirs == ours, where
    else:
        assert type(theirs) is type(ours) and theirs == ours, (where, ours, theirs)


KINDS = {
    "full": lambda cls: payload_of(cls),
    "sparse": lambda cls: payload_of(cls, sparse=True),
    "null": lambda cls: payload_of(cls, null=True),
    "future": lambda cls: payload_of(cls, future=True, sparse=True),
}


def test_every_model_is_a_dataclasses_json_model() -> None:
    """Every class of ``operations``/``shared`` but the parameter classes, the response
    envelopes, the enums and ``Security``."""
    for package in (operations, shared):
        for name in package.__all__:
            cls = getattr(package, name)
            others = name.endswith(("Request", "Response")) or name == "Security"
            if dataclasses.is_dataclass(cls) and not others:
                assert cls in MODELS, name
    for cls in MODELS:
        assert dataclasses.is_dataclass(cls) and issubclass(cls, DataClassJsonMixin), cls
        for name in ("to_dict", "from_dict", "to_json", "from_json", "schema"):
            assert callable(getattr(cls, name)), (cls, name)


def _sent_models() -> set:
    """The request bodies of the spec's operations (models exist for all of them, sub-clients
    not yet), and the models inside them."""
    from .test_contract import SPEC_OPERATIONS, _ref, _sdk_class

    todo = []
    for _, _, op in SPEC_OPERATIONS.values():
        content = op.get("requestBody", {}).get("content", {}).get("application/json")
        if content:
            todo.append(_sdk_class(_ref(content["schema"])))
    found = set()
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.add(cls)
            for field in plan_for(cls).fields:
                core = strip_optional(field.hint)
                core = list_item(core) or core
                if is_model(core):
                    todo.append(core)
    return found


def test_the_models_that_are_sent_and_only_they_are_request_models() -> None:
    assert set(REQUEST_MODELS) == _sent_models()
    assert shared.ElementInput in REQUEST_MODELS


def test_wire_names_are_declared_once_as_dataclasses_json_field_names() -> None:
    for cls in MODELS:
        plan = plan_for(cls)
        by_name = {f.name: f.wire for f in plan.fields}
        for field in dataclasses.fields(cls):
            library = field.metadata["dataclasses_json"]
            if field.name == plan.extra_name:
                assert "letter_case" not in library
                continue
            assert library["letter_case"](field.name) == by_name[field.name]
            assert not [v for k, v in field.metadata.items() if v == by_name[field.name]], (
                f"{cls.__name__}.{field.name}: the wire name is stored a second time"
            )


@pytest.mark.parametrize("kind", sorted(KINDS))
@settings(max_examples=250, deadline=None)
@given(data=st.data())
def test_the_plan_decodes_what_dataclasses_json_decodes(kind: str, data: st.DataObject) -> None:
    cls = data.draw(st.sampled_from(MODELS), label="model")
    payload = data.draw(KINDS[kind](cls), label="payload")
    ours = cls.from_dict(copy.deepcopy(payload))  # type: ignore[attr-defined]
    theirs = decoded_by_dataclasses_json(cls, payload)
    assert_agree(ours, theirs)


@pytest.mark.parametrize("kind", ["full", "sparse", "future"])
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_the_plan_encodes_what_dataclasses_json_encodes(kind: str, data: st.DataObject) -> None:
    cls = data.draw(st.sampled_from(MODELS), label="model")
    payload = data.draw(KINDS[kind](cls), label="payload")
    if issubclass(cls, RequestModel):  # what is sent has no null items (see test_codec_hostile)
        payload = data.draw(
            payload_of(cls, future=kind == "future", sparse=kind != "full", null_items=False)
        )
    obj = cls.from_dict(copy.deepcopy(payload))  # type: ignore[attr-defined]
    ours = obj.to_dict()
    theirs = _asdict(obj)
    assert theirs == ours
    assert json.loads(obj.to_json()) == json.loads(json.dumps(ours))
    assert_agree(cls.from_dict(ours), decoded_by_dataclasses_json(cls, theirs))  # type: ignore[attr-defined]


def test_dataclasses_json_keeps_unknown_properties_where_the_plan_does() -> None:
    payload = {"generations_by_pk": {"id": "g", "newThing": [1]}, "requestId": "r"}
    theirs = decoded_by_dataclasses_json(operations.GetGenerationByIDResponseBody, payload)
    ours = operations.GetGenerationByIDResponseBody.from_dict(copy.deepcopy(payload))
    assert theirs.additional_properties == ours.additional_properties == {"requestId": "r"}
    assert theirs.generations_by_pk.additional_properties == {"newThing": [1]}
    assert_agree(ours, theirs)


# --- where the plan differs, on purpose --------------------------------------------------------


def test_nested_models_in_three_member_unions_only_the_plan_builds() -> None:
    payload = {"elements": [{"akUUID": "e", "weight": 0.5}, None]}
    theirs = decoded_by_dataclasses_json(operations.CreateGenerationRequestBody, payload)
    ours = operations.CreateGenerationRequestBody.from_dict(copy.deepcopy(payload))
    assert theirs.elements == payload["elements"]  # the dicts, as they came
    assert ours.elements == [shared.ElementInput(ak_uuid="e", weight=0.5), None]


def test_null_items_in_a_list_of_models_are_kept_by_both() -> None:
    payload = {"generations": [None, {"id": "g"}]}
    theirs = decoded_by_dataclasses_json(operations.GetGenerationsByUserIDResponseBody, payload)
    ours = operations.GetGenerationsByUserIDResponseBody.from_dict(payload)
    assert ours.generations is not None and ours.generations[0] is None
    assert_agree(ours, theirs)


def test_null_for_a_type_without_none_is_taken_quietly_by_the_plan() -> None:
    payload = {"imageId": None}
    with pytest.warns(RuntimeWarning):
        _decode_dataclass(operations.PostGenerationsMotionSvdRequestBody, payload, False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        decoded = operations.PostGenerationsMotionSvdRequestBody.from_dict(payload)
    assert decoded.image_id is None


def test_known_enum_values_are_members_in_the_plan_strings_in_dataclasses_json() -> None:
    payload = {"status": "COMPLETE", "sdVersion": "v2"}
    theirs = decoded_by_dataclasses_json(operations.GetGenerationByIDGenerations, payload)
    ours = operations.GetGenerationByIDGenerations.from_dict(payload)
    assert type(theirs.status) is str and ours.status is shared.JobStatus.COMPLETE
    assert ours.sd_version is shared.SdVersions.V2 and ours == theirs


def test_an_int_in_a_float_field_stays_an_int_in_the_plan() -> None:
    payload = {"guidanceScale": 7}
    theirs = decoded_by_dataclasses_json(operations.GetGenerationByIDGenerations, payload)
    ours = operations.GetGenerationByIDGenerations.from_dict(payload)
    assert type(theirs.guidance_scale) is float and type(ours.guidance_scale) is int
    assert (
        ours.to_dict()["guidanceScale"] == 7 and json.dumps(ours.to_dict()["guidanceScale"]) == "7"
    )


WRONG_TYPES: List[Tuple[type, Dict[str, Any], str, Any]] = [
    (operations.GetGenerationByIDGenerations, {"prompt": 5}, "prompt", "5"),
    (operations.GetGenerationByIDGenerations, {"public": "false"}, "public", True),
    (operations.GetGenerationByIDGenerations, {"imageWidth": 1.5}, "image_width", 1),
    (operations.GetGenerationByIDGenerations, {"seed": "7"}, "seed", 7),
]


@pytest.mark.parametrize(("cls", "payload", "name", "coerced"), WRONG_TYPES)
def test_wrong_types_are_refused_by_the_plan_and_coerced_by_dataclasses_json(
    cls: Any, payload: Dict[str, Any], name: str, coerced: Any
) -> None:
    assert getattr(decoded_by_dataclasses_json(cls, payload), name) == coerced
    with pytest.raises(errors.ResponseValidationError, match=next(iter(payload))):
        cls.from_dict(payload)


def test_wrong_shapes_make_dataclasses_json_fail_and_the_plan_explain() -> None:
    payload = {"generation_elements": [{"lora": [1]}]}
    with pytest.raises(AttributeError):
        decoded_by_dataclasses_json(operations.GetGenerationByIDGenerations, payload)
    with pytest.raises(errors.ResponseValidationError, match=r"generation_elements\[0\]\.lora"):
        operations.GetGenerationByIDGenerations.from_dict(payload)


def test_only_wire_names_are_fields_to_the_plan() -> None:
    payload = {"model_id": "m"}
    theirs = decoded_by_dataclasses_json(operations.GetGenerationByIDGenerations, payload)
    ours = operations.GetGenerationByIDGenerations.from_dict(payload)
    assert theirs.model_id == "m" and theirs.additional_properties == {}
    assert ours.model_id is None and ours.additional_properties == {"model_id": "m"}
