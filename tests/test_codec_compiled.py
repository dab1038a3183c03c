"""The compiled decoders against ``decode_generic``, the plans' reference decoder.

Each plan compiles a straight-line decoder on its third decode (``_codec.COMPILE_AT``) and hands
anything that is not of the common shape to ``decode_generic``. These tests hold the compiled
decoders to exactly what ``decode_generic`` builds (the same classes, the same attributes in the
same order, the same value types) over every model and every kind of payload, and to the same
errors; and they cover what the compiled path adds: its compiling on demand, the sparse variant,
models that contain themselves, models that refuse plain attribute stores, several threads at
once, and ``additional_properties`` made on demand.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import sys
import threading
import types
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leonardoaisdk import _codec, errors
from leonardoaisdk._codec import ShapeError, plan_for
from leonardoaisdk.models import operations, shared
from tests.payloads import generation, generations_page
from tests.test_dataclasses_json_differential import KINDS, MODELS
from tests.test_decoding import WRONG_SHAPES
from tests.test_properties import JSON, PLACES, replaced


def assert_same(compiled: Any, generic: Any, where: str = "$") -> None:
    """The same value, down to the class of every value and the order of every object's
    attributes (``vars``)."""
    assert type(compiled) is type(generic), (where, compiled, generic)
    if dataclasses.is_dataclass(generic) and not isinstance(generic, type):
        ours, theirs = vars(compiled), vars(generic)
        assert list(ours) == list(theirs), where
        for name in theirs:
            assert_same(ours[name], theirs[name], f"{where}.{name}")
    elif isinstance(generic, list):
        assert len(compiled) == len(generic), where
        for index, (a, b) in enumerate(zip(compiled, generic)):
            assert_same(a, b, f"{where}[{index}]")
    elif isinstance(generic, dict):
        assert list(compiled) == list(generic), where
        for key in generic:
            assert_same(compiled[key], generic[key], f"{where}.{key}")
    elif generic != generic:  # NaN
        assert compiled != compiled, where
    else:
        assert compiled == generic, where


def outcome(decode: Callable[[Any], Any], data: Any) -> Tuple[str, Any]:
    try:
        return "value", decode(copy.deepcopy(data))
    except ShapeError as exc:
        return "error", str(exc)


def assert_agree(cls: type, data: Any) -> None:
    """The compiled decoder (through the entry point, and on its own) gives what
    decode_generic gives, or fails where it fails, with the same message."""
    plan = plan_for(cls)
    expected = outcome(plan.decode_generic, data)
    compiled = plan.compiled()
    for got in (outcome(plan.decode, data), outcome(compiled, data)):
        if expected[0] == "error":
            assert got[0] == "error", (cls, data)
        else:
            assert got[0] == "value", (cls, data, got)
            assert_same(got[1], expected[1])
    assert outcome(plan.decode, data) == expected or expected[0] == "value"


def _compiled(cls: type) -> _codec.ModelPlan:
    plan = plan_for(cls)
    plan.compiled()
    return plan


def _module(name: str, source: str, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """Models declared in a module of their own, as the SDK's live in (their annotations are
    evaluated in it)."""
    module = types.ModuleType(name)
    monkeypatch.setitem(sys.modules, name, module)
    header = (
        "from __future__ import annotations\n"
        "import dataclasses\n"
        "from typing import List, Optional, Union\n"
        "from leonardoaisdk._fields import api_field, extra_fields\n"
        "from leonardoaisdk._model import ExtraFields, Model\n"
        "from leonardoaisdk.models import shared\n"
    )
    exec(header + source, module.__dict__)
    return module


# --- the same results --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(KINDS))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_compiled_decoders_build_what_decode_generic_builds(kind: str, data: st.DataObject) -> None:
    cls = data.draw(st.sampled_from(MODELS), label="model")
    payload = data.draw(KINDS[kind](cls), label="payload")
    assert_agree(cls, payload)


@settings(max_examples=400, deadline=None)
@given(place=st.sampled_from(PLACES), value=JSON)
def test_any_json_at_any_place_gives_the_same_model_or_the_same_error(
    place: Tuple[type, Any, Tuple[Any, ...]], value: Any
) -> None:
    model, document, path = place
    assert_agree(model, replaced(document, path, value))


@settings(max_examples=100, deadline=None)
@given(model=st.sampled_from(MODELS), document=JSON)
def test_any_json_document_for_any_model(model: type, document: Any) -> None:
    assert_agree(model, document)


@pytest.mark.parametrize(("body", "where", "expected"), WRONG_SHAPES)
def test_errors_through_the_compiled_decoder_name_the_whole_path(
    body: Any, where: str, expected: str
) -> None:
    plan = _compiled(operations.GetGenerationByIDResponseBody)
    with pytest.raises(ShapeError) as caught:
        plan.decode(body)
    with pytest.raises(ShapeError) as generic:
        plan.decode_generic(body)
    assert str(caught.value) == str(generic.value)
    assert f" at {where}," in str(caught.value) and expected in str(caught.value)


@pytest.mark.parametrize(
    ("overrides", "check"),
    [
        ({"imageWidth": 1024.0}, lambda g: g.image_width == 1024 and type(g.image_width) is int),
        ({"guidanceScale": 7}, lambda g: g.guidance_scale == 7 and type(g.guidance_scale) is int),
        ({"status": "QUEUED"}, lambda g: type(g.status) is str and g.status == "QUEUED"),
        ({"status": "COMPLETE"}, lambda g: g.status is shared.JobStatus.COMPLETE),
        ({"generated_images": [None, {"url": "u"}]}, lambda g: g.generated_images[0] is None),
        ({"generated_images": []}, lambda g: g.generated_images == []),
        (
            {"generation_elements": [{"lora": None}]},
            lambda g: g.generation_elements[0].lora is None,
        ),
        ({"prompt": None, "seed": None}, lambda g: g.prompt is None and g.seed is None),
    ],
)
def test_values_off_the_common_shape_decode_as_decode_generic_decodes_them(
    overrides: Dict[str, Any], check: Callable[[Any], bool]
) -> None:
    cls = operations.GetGenerationByIDGenerations
    data = generation(**overrides)
    assert check(_compiled(cls).decode(copy.deepcopy(data)))
    assert_agree(cls, data)


@pytest.mark.parametrize(
    "value",
    [True, "1024", 1.5, [1024], {"w": 1}, shared.JobStatus.COMPLETE],
    ids=["bool", "str", "fraction", "list", "object", "enum-member"],
)
def test_values_of_another_type_are_refused_as_decode_generic_refuses_them(value: Any) -> None:
    for wire in ("imageWidth", "status", "prompt", "generated_images", "photoReal"):
        assert_agree(operations.GetGenerationByIDGenerations, generation(**{wire: value}))


def test_a_dict_subclass_or_other_mapping_is_no_json_object() -> None:
    from collections import OrderedDict

    plan = _compiled(operations.GetGenerationByIDGenerations)
    for data in (OrderedDict(generation()), types.MappingProxyType(generation())):
        with pytest.raises(ShapeError, match=r"expected object \(GetGenerationByIDGenerations\)"):
            plan.decode(data)


def test_a_page_decodes_the_same_and_leaves_its_json_as_it_was() -> None:
    page = generations_page(50, 4)
    page["generations"][3]["fantasyAvatar"] = {"x": [1]}
    page["generations"][7]["generated_images"][1]["blurHash"] = "LEHV6nWB2yk8"
    sent = copy.deepcopy(page)
    plan = _compiled(operations.GetGenerationsByUserIDResponseBody)
    decoded = plan.decode(page)
    assert page == sent
    assert_same(decoded, plan.decode_generic(sent))
    assert decoded.generations[7].generated_images[1].additional_properties == {
        "blurHash": "LEHV6nWB2yk8"
    }
    assert list(decoded.generations[3].additional_properties) == [
        k
        for k in page["generations"][3]
        if k not in plan_for(type(decoded.generations[3])).wire_names
    ]
    assert json.loads(json.dumps(decoded.to_dict())) == page


def test_unknown_properties_keep_each_objects_own_keys_and_order() -> None:
    plan = _compiled(operations.GetGenerationsByUserIDGeneratedImages)
    image = generations_page(1, 1)["generations"][0]["generated_images"][0]
    cases = [
        {"b": 1, "a": 2},
        {"a": 2, "b": 1},  # the same keys in another order
        {"a": 2, "b": 1},
        {"c": [3]},  # one unknown key
        {"c": [3], "d": None},
        {},
        {"a": 2, "b": 1},
    ]
    for extra in cases:
        for data in ({**image, **extra}, {**extra, **image}):  # unknown keys first or last
            decoded = plan.decode(copy.deepcopy(data))
            assert_same(decoded, plan.decode_generic(data))
            assert list(decoded.additional_properties.items()) == list(extra.items())


# --- compiling --------------------------------------------------------------------------------

FLAT = """
@dataclasses.dataclass(repr=False)
class Flat(Model):
    name: Optional[str] = api_field("name")
    size: Optional[int] = api_field("size")
    status: Optional[Union[shared.JobStatus, str]] = api_field("status")
    additional_properties: ExtraFields = extra_fields()
"""


def test_a_plan_compiles_on_its_third_decode_and_its_sparse_variant_when_needed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    flat = _module("tests_codec_flat", FLAT, monkeypatch).Flat
    plan = plan_for(flat)
    full = {"name": "n", "size": 1, "status": "COMPLETE"}
    for _ in range(_codec.COMPILE_AT - 1):
        flat.from_dict(full)
    assert plan.decoder_source == ""  # what is decoded once or twice is not worth compiling
    assert flat.from_dict(full).status is shared.JobStatus.COMPLETE
    assert "def decode_Flat(data):" in plan.decoder_source
    assert "def sparse_Flat" not in plan.decoder_source
    assert flat.from_dict({"name": "n", "x": 1}).additional_properties == {"x": 1}
    assert "def sparse_Flat(data):" in plan.decoder_source
    compile(plan.decoder_source, "decoders", "exec")  # the source is what runs


def test_a_model_that_contains_itself_compiles_and_decodes_deep_documents(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = _module(
        "tests_codec_tree",
        """
@dataclasses.dataclass(repr=False)
class Node(Model):
    name: Optional[str] = api_field("name")
    parent: Optional[Node] = api_field("parent")
    children: Optional[List[Node]] = api_field("children")
    additional_properties: ExtraFields = extra_fields()
""",
        monkeypatch,
    )
    document: Dict[str, Any] = {"name": "leaf", "parent": None, "children": []}
    for depth in range(60):
        document = {"name": f"n{depth}", "parent": {"name": "p"}, "children": [document, None]}
    assert_agree(module.Node, document)
    node = _compiled(module.Node).decode(document)
    for _ in range(60):
        node = node.children[0]
    assert node.name == "leaf" and node.children == []
    bad = copy.deepcopy(document)
    bad["children"][0]["children"][0]["parent"]["name"] = 7
    with pytest.raises(ShapeError, match=r"at \$\.children\[0\]\.children\[0\]\.parent\.name,"):
        plan_for(module.Node).decode(bad)


def test_a_model_with_its_own_setattr_is_built_through_its_dict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = _module(
        "tests_codec_watched",
        """
@dataclasses.dataclass(repr=False)
class Watched(Model):
    name: Optional[str] = api_field("name")
    size: Optional[int] = api_field("size")
    additional_properties: ExtraFields = extra_fields()

    def __setattr__(self, name, value):
        STORED.append(name)
        object.__setattr__(self, name, value)

STORED = []
""",
        monkeypatch,
    )
    plan = _compiled(module.Watched)
    assert "obj.__dict__ = values" in plan.decoder_source
    for data in ({"name": "n", "size": 2}, {"name": "n", "x": 1}, {"size": 2.0}, {"size": "2"}):
        assert_agree(module.Watched, data)
    module.STORED.clear()
    decoded = plan.decode({"name": "n", "size": 2})
    assert module.STORED == ["__dict__"] and vars(decoded)["additional_properties"] == {}


def test_threads_decoding_a_model_first_at_once_share_one_compiled_decoder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    flat = _module("tests_codec_threads", FLAT, monkeypatch).Flat
    start = threading.Barrier(16)
    results: List[Any] = []
    decoders: List[Any] = []

    def worker() -> None:
        start.wait()
        for _ in range(20):
            results.append(flat.from_dict({"name": "n", "size": 1, "status": "QUEUED"}))
        decoders.append(plan_for(flat).compiled())

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 320 and all(r == results[0] for r in results)
    assert len({id(d) for d in decoders}) == 1


# --- additional_properties on demand ------------------------------------------------------------


def test_additional_properties_of_a_decoded_object_is_an_empty_dict_of_its_own() -> None:
    cls = operations.GetGenerationsByUserIDGeneratedImages
    page = generations_page(1, 2)["generations"][0]["generated_images"]
    for decode in (_compiled(cls).decode, plan_for(cls).decode_generic):
        first, second = (decode(copy.deepcopy(image)) for image in page)
        assert "additional_properties" not in vars(first)  # not made while decoding
        assert first.additional_properties == {} and first == cls.from_dict(page[0])
        first.additional_properties["blurHash"] = "x"
        assert first.additional_properties == {"blurHash": "x"}
        assert first.to_dict()["blurHash"] == "x"
        assert second.additional_properties == {}
        assert first != second and second == cls(
            **{f.name: getattr(second, f.name) for f in dataclasses.fields(cls)}
        )
        assert copy.copy(second).additional_properties is second.additional_properties
        for copied in (copy.deepcopy(second), pickle.loads(pickle.dumps(second))):
            assert copied == second and copied.additional_properties == {}
            assert copied.additional_properties is not second.additional_properties
        untouched = decode(copy.deepcopy(page[1]))  # copied before its dict was made
        for copied in (copy.copy(untouched), copy.deepcopy(untouched)):
            copied.additional_properties["k"] = 1
            assert untouched.additional_properties == {}
    assert not hasattr(cls, "additional_properties")  # as for any default_factory field
    assert cls().additional_properties == {}


def _read_at_once(decoded: Any, threads: int) -> List[Any]:
    seen: List[Any] = []
    start = threading.Barrier(threads)

    def read() -> None:
        start.wait()
        seen.append(decoded.additional_properties)

    workers = [threading.Thread(target=read) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return seen


def test_the_empty_dict_is_made_once_when_threads_read_it_first_at_once() -> None:
    cls = operations.GetGenerationsByUserIDGeneratedImages
    image = generations_page(1, 1)["generations"][0]["generated_images"][0]
    for _ in range(20):
        seen = _read_at_once(_compiled(cls).decode(image), 8)
        assert len(seen) == 8 and all(d is seen[0] for d in seen)


def test_from_dict_errors_through_the_compiled_decoder_are_sdk_errors() -> None:
    cls = operations.GetGenerationsByUserIDResponseBody
    _compiled(cls)
    with pytest.raises(errors.ResponseValidationError, match=r"expected array at \$\.generations"):
        cls.from_dict({"generations": "nope"})
    page: Dict[str, Optional[Any]] = generations_page(2, 1)
    page["generations"][1]["generated_images"][0]["nsfw"] = "no"
    with pytest.raises(
        errors.ResponseValidationError, match=r"\$\.generations\[1\]\.generated_images\[0\]\.nsfw"
    ):
        cls.from_dict(page)
