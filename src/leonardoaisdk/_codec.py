"""JSON <-> model conversion through per-class plans.

A plan resolves a model's type hints and field metadata once, into flat tuples of steps.
Decoding a response then costs one ``dict.get`` and at most one small function call per
field: no ``get_type_hints``, no ``dataclasses.fields`` and no re-parsing of JSON per call.

Decoding is total: any JSON value either becomes the model or raises :class:`ShapeError`
naming where it went wrong. Unknown enum values stay plain strings; unknown properties are
kept in ``additional_properties``; ``null`` is accepted for every field.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import typing
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, TypeVar, Union

from . import _fields
from .types import UNSET, Unset

Converter = Callable[[Any], Any]

_MISSING: Any = object()
_NONE_TYPE = type(None)

_JSON_KINDS = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    _NONE_TYPE: "null",
}


def json_kind(value: Any) -> str:
    return _JSON_KINDS.get(type(value), type(value).__name__)


def _render_path(root: str, path: List[Union[str, int]]) -> str:
    text = root
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else f".{step}"
    return text


class ShapeError(Exception):
    """JSON from the API does not have the shape the model declares."""

    def __init__(self, expected: str, value: Any) -> None:
        super().__init__(expected)
        self.expected = expected
        self.found = json_kind(value)
        self.path: List[Union[str, int]] = []

    def __str__(self) -> str:
        return f"expected {self.expected} at {_render_path('$', self.path)}, found {self.found}"


class EncodeError(Exception):
    """A request model holds a value that cannot be sent as the field's type."""

    def __init__(self, problem: str, *, at: Optional[str] = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.path: List[Union[str, int]] = [] if at is None else [at]

    def describe(self, root: str) -> str:
        return f"{_render_path(root, self.path)}: {self.problem}"

    def __str__(self) -> str:
        return self.describe("request")


# --- type hint analysis (runs once per field, when a plan is built) -------------------------


def strip_optional(hint: Any) -> Any:
    """The core type of ``Optional[X]`` / ``OptionalNullable[X]`` / ``Omittable[X]``: ``X``."""
    if typing.get_origin(hint) is Union:
        rest = [a for a in typing.get_args(hint) if a is not _NONE_TYPE and a is not Unset]
        return rest[0] if len(rest) == 1 else Union[tuple(rest)]
    return hint


def enum_of(hint: Any) -> Optional[type]:
    """The enum class of ``Union[SomeEnum, str]`` (an enum that also admits unknown values)."""
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint
    if typing.get_origin(hint) is Union:
        args = typing.get_args(hint)
        enums = [a for a in args if isinstance(a, type) and issubclass(a, enum.Enum)]
        if len(enums) == 1 and set(args) == {enums[0], str}:
            return enums[0]
    return None


def is_model(hint: Any) -> bool:
    return isinstance(hint, type) and dataclasses.is_dataclass(hint)


def model_hints(cls: type) -> Dict[str, Any]:
    """A model's field types, with the type parameters of generic bases filled in: for
    ``class A(Shape[X])`` a field declared ``Optional[T]`` on ``Shape`` reads ``Optional[X]``."""
    bindings: Dict[Any, Any] = {}
    for klass in reversed(cls.__mro__):
        for base in getattr(klass, "__orig_bases__", ()):
            origin = typing.get_origin(base)
            for parameter, argument in zip(
                getattr(origin, "__parameters__", ()), typing.get_args(base)
            ):
                bindings[parameter] = _bind(argument, bindings)
    return {name: _bind(hint, bindings) for name, hint in typing.get_type_hints(cls).items()}


def _bind(hint: Any, bindings: Dict[Any, Any]) -> Any:
    if isinstance(hint, TypeVar):
        return bindings.get(hint, Any)
    arguments = typing.get_args(hint)
    if not arguments:
        return hint
    bound = tuple(_bind(argument, bindings) for argument in arguments)
    origin = typing.get_origin(hint)
    if origin is Union:
        return Union[bound]
    if origin is list:
        return List[bound[0]]  # type: ignore[valid-type]
    if origin is dict:
        return Dict[bound[0], bound[1]]  # type: ignore[valid-type]
    return hint


# --- decoders --------------------------------------------------------------------------------


def _decode_str(value: Any) -> Any:
    if value.__class__ is str:
        return value
    raise ShapeError("string", value)


def _decode_bool(value: Any) -> Any:
    if value.__class__ is bool:
        return value
    raise ShapeError("boolean", value)


def _decode_int(value: Any) -> Any:
    cls = value.__class__
    if cls is int:
        return value
    if cls is float and value.is_integer():  # 7.0 from a JSON encoder that only has doubles
        return int(value)
    raise ShapeError("integer", value)


def _decode_number(value: Any) -> Any:
    cls = value.__class__
    if cls is float or cls is int:
        return value
    raise ShapeError("number", value)


def _decode_object(value: Any) -> Any:
    if value.__class__ is dict:
        return value
    raise ShapeError("object", value)


def _enum_decoder(enum_cls: Any) -> Converter:
    members: Dict[str, Any] = {m.value: m for m in enum_cls}
    name = f"string ({enum_cls.__name__})"

    def decode(value: Any) -> Any:
        if value.__class__ is str:
            return members.get(value, value)  # unknown values stay strings: the API grows
        raise ShapeError(name, value)

    return decode


def _list_decoder(item: Converter) -> Converter:
    def decode(value: Any) -> Any:
        if value.__class__ is not list:
            raise ShapeError("array", value)
        try:
            return [item(x) if x is not None else None for x in value]
        except ShapeError as exc:
            exc.path.insert(0, _first_bad_index(item, value))
            raise

    return decode


def _first_bad_index(item: Converter, values: List[Any]) -> int:
    # Only runs on the error path, so decoding the list a second time is fine.
    for index, x in enumerate(values):
        if x is None:
            continue
        try:
            item(x)
        except ShapeError:
            return index
    return -1


_SCALAR_DECODERS: Dict[Any, Converter] = {
    str: _decode_str,
    bool: _decode_bool,
    int: _decode_int,
    float: _decode_number,
}


# --- encoders --------------------------------------------------------------------------------


def _scalar_encoder(kinds: Tuple[type, ...], name: str) -> Converter:
    def encode(value: Any) -> Any:
        if isinstance(value, kinds) and not isinstance(value, (bool, enum.Enum)):
            return value
        raise EncodeError(f"expected {name}, got {type(value).__name__} {value!r}")

    return encode


def _encode_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    raise EncodeError(f"expected bool, got {type(value).__name__} {value!r}")


def _encode_number(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise EncodeError(f"expected a finite number, got {value!r}")
        return value
    raise EncodeError(f"expected float, got {type(value).__name__} {value!r}")


def _enum_encoder(enum_cls: Any) -> Converter:
    def encode(value: Any) -> Any:
        if isinstance(value, enum_cls):
            return value.value
        if isinstance(value, str) and not isinstance(value, enum.Enum):
            return value  # a value newer than this SDK: sent as given
        raise EncodeError(
            f"expected {enum_cls.__name__} or str, got {type(value).__name__} {value!r}"
        )

    return encode


def _list_encoder(item: Converter) -> Converter:
    def encode(value: Any) -> Any:
        if not isinstance(value, (list, tuple)):
            raise EncodeError(f"expected a list, got {type(value).__name__} {value!r}")
        out = []
        for index, x in enumerate(value):
            try:
                out.append(item(x))
            except EncodeError as exc:
                exc.path.insert(0, index)
                raise
        return out

    return encode


def _dict_encoder(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    raise EncodeError(f"expected a dict, got {type(value).__name__} {value!r}")


def _model_encoder(model_cls: type) -> Converter:
    def encode(value: Any) -> Any:
        if isinstance(value, model_cls):
            return plan_for(model_cls).encode(value)
        raise EncodeError(f"expected {model_cls.__name__}, got {type(value).__name__} {value!r}")

    return encode


_SCALAR_ENCODERS: Dict[Any, Converter] = {
    str: _scalar_encoder((str,), "str"),
    int: _scalar_encoder((int,), "int"),
    float: _encode_number,
    bool: _encode_bool,
}


# --- plans -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FieldPlan:
    name: str
    wire: str
    hint: Any
    nullable: bool
    required: bool
    default: Any
    description: str


class ModelPlan:
    """Everything needed to encode and decode one model class, computed once."""

    def __init__(self, cls: type) -> None:
        self.cls = cls
        hints = model_hints(cls)
        fields: List[FieldPlan] = []
        self.extra_name: Optional[str] = None
        for field in dataclasses.fields(cls):
            meta = field.metadata
            if meta.get(_fields.EXTRA):
                self.extra_name = field.name
                continue
            wire = meta.get(_fields.WIRE)
            if not wire:
                raise TypeError(f"{cls.__name__}.{field.name} declares no wire name")
            required = field.default is dataclasses.MISSING
            fields.append(
                FieldPlan(
                    name=field.name,
                    wire=wire,
                    hint=hints[field.name],
                    nullable=bool(meta.get(_fields.NULLABLE)),
                    required=required,
                    default=None if required else field.default,
                    description=meta.get(_fields.DESCRIPTION, ""),
                )
            )
        self.fields: Tuple[FieldPlan, ...] = tuple(fields)
        self.wire_names = frozenset(f.wire for f in fields)
        self._decode_steps = tuple((f.wire, f.name, decoder_for(f.hint), f.default) for f in fields)
        self._encode_steps = tuple(
            (f.name, f.wire, encoder_for(f.hint), f.nullable, f.required, f.default is None)
            for f in fields
        )

    def decode(self, data: Any) -> Any:
        if data.__class__ is not dict:
            raise ShapeError(f"object ({self.cls.__name__})", data)
        values: Dict[str, Any] = {}
        matched = 0
        wire = ""
        try:
            for wire, name, decoder, absent in self._decode_steps:
                value = data.get(wire, _MISSING)
                if value is _MISSING:
                    values[name] = absent
                    continue
                matched += 1
                if value is not None:
                    value = decoder(value)
                values[name] = value
        except ShapeError as exc:
            exc.path.insert(0, wire)
            raise
        if self.extra_name is not None:
            known = self.wire_names
            values[self.extra_name] = (
                {k: v for k, v in data.items() if k not in known} if matched != len(data) else {}
            )
        obj: Any = object.__new__(self.cls)
        obj.__dict__ = values
        return obj

    def encode(self, obj: Any) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        for name, wire, encoder, nullable, required, none_is_absent in self._encode_steps:
            value = getattr(obj, name)
            if value is UNSET:
                if required:
                    raise EncodeError("is required", at=name)
                continue
            if value is None:
                if nullable:
                    out[wire] = None
                elif not none_is_absent:
                    raise EncodeError(
                        f"cannot be None: the API does not accept null for {wire!r}; "
                        "leave it UNSET to omit it",
                        at=name,
                    )
                continue
            try:
                out[wire] = encoder(value)
            except EncodeError as exc:
                exc.path.insert(0, name)
                raise
        if self.extra_name is not None:
            self._merge_extra(out, getattr(obj, self.extra_name))
        return out

    def _merge_extra(self, out: Dict[str, Any], extra: Any) -> None:
        where = self.extra_name
        if not isinstance(extra, dict):
            raise EncodeError(f"expected a dict, got {type(extra).__name__}", at=where)
        for key, value in extra.items():
            if not isinstance(key, str):
                raise EncodeError(f"keys must be str, got {key!r}", at=where)
            if key in self.wire_names:
                field = next(f.name for f in self.fields if f.wire == key)
                raise EncodeError(f"{key!r} is a modelled field; set .{field} instead", at=where)
            out[key] = value


_PLANS: Dict[type, ModelPlan] = {}
_BUILDING: Set[type] = set()


def plan_for(cls: type) -> ModelPlan:
    plan = _PLANS.get(cls)
    if plan is None:
        _BUILDING.add(cls)
        try:
            plan = _PLANS[cls] = ModelPlan(cls)
        finally:
            _BUILDING.discard(cls)
    return plan


def _model_decoder(cls: type) -> Converter:
    if cls in _BUILDING:  # a model that contains itself: resolve when first used
        return lambda value: plan_for(cls).decode(value)
    return plan_for(cls).decode


# --- choosing converters: one dispatch on the type, two sets of leaf converters ---------------


@dataclasses.dataclass(frozen=True)
class ConverterKit:
    """The converters of one direction (decoding or encoding), by kind of type."""

    direction: str
    any_value: Converter
    scalars: Dict[Any, Converter]
    enum: Callable[[Any], Converter]
    model: Callable[[type], Converter]
    list_of: Callable[[Any], Converter]
    mapping: Converter

    def for_hint(self, hint: Any) -> Converter:
        core = strip_optional(hint)
        if core is Any:
            return self.any_value
        if core in self.scalars:
            return self.scalars[core]
        enum_cls = enum_of(core)
        if enum_cls is not None:
            return self.enum(enum_cls)
        if is_model(core):
            return self.model(core)
        origin = typing.get_origin(core)
        if origin is list:
            return self.list_of(self.for_hint(typing.get_args(core)[0]))
        if origin is dict:
            return self.mapping
        raise TypeError(f"no JSON {self.direction} for {hint!r}")


def _as_is(value: Any) -> Any:
    return value


DECODERS = ConverterKit(
    "decoder",
    _as_is,
    _SCALAR_DECODERS,
    _enum_decoder,
    _model_decoder,
    _list_decoder,
    _decode_object,
)
ENCODERS = ConverterKit(
    "encoder", _as_is, _SCALAR_ENCODERS, _enum_encoder, _model_encoder, _list_encoder, _dict_encoder
)


def decoder_for(hint: Any) -> Converter:
    return DECODERS.for_hint(hint)


def encoder_for(hint: Any) -> Converter:
    return ENCODERS.for_hint(hint)
