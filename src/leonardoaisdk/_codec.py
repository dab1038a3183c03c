"""JSON <-> model conversion through per-class plans.

A plan resolves a model's type hints (with typing_inspect) and field metadata (the wire names
declared through dataclasses-json's ``config``) once, into steps. Decoding a response then walks
the JSON object once, with one dict lookup per key and a function call only for values that
need converting (enums, nested models, lists): no ``get_type_hints``, no ``dataclasses.fields``
and no re-parsing of JSON per call. dataclasses-json's own decoder does all of that per call;
tests/test_dataclasses_json_differential.py proves the two build the same models.

Decoding is total: any JSON value either becomes the model or raises :class:`ShapeError`
naming where it went wrong. Unknown enum values stay plain strings; unknown properties are
kept in ``additional_properties``; ``null`` is accepted for every field and list item.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import math
import typing
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Set, Tuple, Union

import typing_inspect  # type: ignore[import-untyped]

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


def parse_timestamp(value: Any) -> Optional[datetime.datetime]:
    """An ISO 8601 timestamp as a timezone-aware datetime (UTC when it names no zone); ``None``
    when ``value`` is absent or not a timestamp. The API's form varies (fraction digits, zone).

    What the models' ``<field>_datetime`` properties give; parsed when asked for, never while
    decoding, and light to import (dateutil loads on first use).
    """
    if not isinstance(value, str):
        return None
    from dateutil.parser import isoparse  # type: ignore[import-untyped]

    try:
        parsed: datetime.datetime = isoparse(value)
    except (ValueError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed


# --- type hint analysis (runs once per field, when a plan is built) -------------------------
#
# typing_inspect does the looking: it knows Union[...] and PEP 604's X | Y (types.UnionType)
# alike on every supported Python. What it has no function for stays here: telling an enum or
# a model class apart (plain issubclass / dataclasses checks), and resolving postponed
# annotations (typing.get_type_hints).


def _union_members(hint: Any) -> Optional[Tuple[Any, ...]]:
    if typing_inspect.is_union_type(hint):
        return tuple(typing_inspect.get_args(hint, evaluate=True))
    return None


def strip_optional(hint: Any) -> Any:
    """The core type of ``Optional[X]`` / ``OptionalNullable[X]`` / ``Omittable[X]``: ``X``."""
    members = _union_members(hint)
    if members is None:
        return hint
    rest = [a for a in members if a is not _NONE_TYPE and a is not Unset]
    return rest[0] if len(rest) == 1 else Union[tuple(rest)]


def admits_none(hint: Any) -> bool:
    """Whether ``None`` is a value of ``hint`` (``Optional[X]``, ``OptionalNullable[X]``)."""
    return bool(typing_inspect.is_optional_type(hint))


def _is_enum_class(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, enum.Enum)


def enum_of(hint: Any) -> Optional[type]:
    """The enum class of ``Union[SomeEnum, str]`` (an enum that also admits unknown values)."""
    if _is_enum_class(hint):
        return typing.cast(type, hint)
    members = _union_members(hint)
    if members is not None:
        enums = [a for a in members if _is_enum_class(a)]
        if len(enums) == 1 and set(members) == {enums[0], str}:
            return typing.cast(type, enums[0])
    return None


def is_model(hint: Any) -> bool:
    return isinstance(hint, type) and dataclasses.is_dataclass(hint)


def list_item(hint: Any) -> Any:
    """The item type of ``List[X]`` / ``list[X]``, or ``None`` if ``hint`` is no list."""
    if typing_inspect.get_origin(hint) is list:
        (item,) = typing_inspect.get_args(hint, evaluate=True)
        return item
    return None


def is_mapping(hint: Any) -> bool:
    return typing_inspect.get_origin(hint) is dict or hint is dict


def type_bindings(cls: type) -> Dict[Any, Any]:
    """What the type parameters of ``cls``'s generic bases stand for: for
    ``class A(Shape[X])`` with ``class Shape(Generic[T])``, ``{T: X}``."""
    bindings: Dict[Any, Any] = {}
    for klass in reversed(cls.__mro__):
        for base in typing_inspect.get_generic_bases(klass):
            parameters = typing_inspect.get_parameters(typing_inspect.get_origin(base))
            arguments = typing_inspect.get_args(base, evaluate=True)
            for parameter, argument in zip(parameters, arguments):
                bindings[parameter] = bind(argument, bindings)
    return bindings


def bind(hint: Any, bindings: Dict[Any, Any]) -> Any:
    """``hint`` with the type parameters in ``bindings`` filled in; others are left as they are."""
    if typing_inspect.is_typevar(hint):
        return bindings.get(hint, hint)
    # get_parameters() answers () for X | Y (types.UnionType), which has __parameters__ too.
    parameters = typing_inspect.get_parameters(hint) or getattr(hint, "__parameters__", ())
    if not any(parameter in bindings for parameter in parameters):
        return hint
    return hint[tuple(bindings.get(parameter, parameter) for parameter in parameters)]


def model_hints(cls: type) -> Dict[str, Any]:
    """A model's field types, with the type parameters of generic bases filled in: for
    ``class A(Shape[X])`` a field declared ``Optional[T]`` on ``Shape`` reads ``Optional[X]``."""
    bindings = type_bindings(cls)
    return {name: bind(hint, bindings) for name, hint in typing.get_type_hints(cls).items()}


def evaluate_annotations(cls: type, *, bases_only: bool = False) -> None:
    """Replace the postponed (string) annotations of ``cls`` and its dataclass bases by the
    types they name, each evaluated in its own module. ``typing.get_type_hints`` then has
    nothing left to evaluate, which dataclasses-json's decoder calls twice per object."""
    for klass in cls.__mro__[1:] if bases_only else cls.__mro__:
        own = klass.__dict__.get("__annotations__")  # noqa: RUF063 (see declare_bound_fields)
        if not own or not dataclasses.is_dataclass(klass):
            continue
        if any(isinstance(hint, str) for hint in own.values()):
            try:
                resolved = typing.get_type_hints(klass)
            except NameError:  # names its module defines further down: done with the plan
                continue
            klass.__annotations__ = {name: resolved[name] for name in own}


def declare_bound_fields(cls: type) -> None:
    """Re-declare on ``cls`` the inherited fields whose types name type parameters ``cls``
    binds, with the bound types, so that ``dataclasses.fields(cls)`` and
    ``typing.get_type_hints(cls)`` (what dataclasses-json reads) give the concrete types."""
    declared = typing.get_type_hints(cls)
    bound = model_hints(cls)
    changed = {name: hint for name, hint in bound.items() if hint != declared[name]}
    if not changed:
        return
    # The class's own annotations only (cls.__annotations__ may be a base's on 3.9);
    # inspect.get_annotations, which says so, is 3.10+.
    annotations = dict(cls.__dict__.get("__annotations__", {}))  # noqa: RUF063
    for field in dataclasses.fields(cls):
        if field.name in changed:
            annotations[field.name] = changed[field.name]
            redeclared: Any = dataclasses.field(
                default=field.default,
                default_factory=field.default_factory,
                metadata=_fields.copied_metadata(field.metadata),
            )
            setattr(cls, field.name, redeclared)
    cls.__annotations__ = annotations
    dataclasses.dataclass(repr=False)(cls)


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


class _NoJsonValue:
    """A class no JSON value has: the exact class of fields whose values always need decoding."""


def _exact_class(hint: Any) -> type:
    """The one class of JSON value a field takes as it is (``str`` for ``Optional[str]``)."""
    core = strip_optional(hint)
    return core if core in (str, bool, int, float) else _NoJsonValue


_SCALAR_DECODERS: Dict[Any, Converter] = {
    str: _decode_str,
    bool: _decode_bool,
    int: _decode_int,
    float: _decode_number,
}


# --- encoders --------------------------------------------------------------------------------
#
# Two sets. SENDING encoders check a value can go to the API as the field's type: finite
# numbers, text that is valid Unicode, no null list items. KEEPING encoders give back any value
# the decoders produce (json.loads accepts NaN, lone surrogates and [null]), so that to_dict()
# of a received model never fails on what was received.


def _scalar_encoder(kinds: Tuple[type, ...], name: str) -> Converter:
    def encode(value: Any) -> Any:
        if isinstance(value, kinds) and not isinstance(value, (bool, enum.Enum)):
            return value
        raise EncodeError(f"expected {name}, got {type(value).__name__} {value!r}")

    return encode


_encode_any_str = _scalar_encoder((str,), "str")


def _encode_text(value: Any) -> Any:
    value = _encode_any_str(value)
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise EncodeError(
                f"is not valid Unicode text: lone surrogate {value[exc.start]!r} "
                f"at index {exc.start}"
            ) from None
    return value


def _encode_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    raise EncodeError(f"expected bool, got {type(value).__name__} {value!r}")


def _encode_any_number(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    raise EncodeError(f"expected float, got {type(value).__name__} {value!r}")


def _encode_finite_number(value: Any) -> Any:
    value = _encode_any_number(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise EncodeError(f"expected a finite number, got {value!r}")
    return value


def _enum_encoder(text: Converter) -> Callable[[Any], Converter]:
    def for_enum(enum_cls: Any) -> Converter:
        def encode(value: Any) -> Any:
            if isinstance(value, enum_cls):
                return value.value
            if isinstance(value, str) and not isinstance(value, enum.Enum):
                return text(value)  # a value newer than this SDK: sent as given
            raise EncodeError(
                f"expected {enum_cls.__name__} or str, got {type(value).__name__} {value!r}"
            )

        return encode

    return for_enum


def _list_encoder(*, null_items: bool) -> Callable[[Converter], Converter]:
    def for_item(item: Converter) -> Converter:
        def encode(value: Any) -> Any:
            if not isinstance(value, (list, tuple)):
                raise EncodeError(f"expected a list, got {type(value).__name__} {value!r}")
            out: List[Any] = []
            for index, x in enumerate(value):
                if x is None and null_items:
                    out.append(None)
                    continue
                try:
                    out.append(item(x))
                except EncodeError as exc:
                    exc.path.insert(0, index)
                    raise
            return out

        return encode

    return for_item


def _dict_encoder(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    raise EncodeError(f"expected a dict, got {type(value).__name__} {value!r}")


def _model_encoder(*, sending: bool) -> Callable[[type], Converter]:
    def for_model(model_cls: type) -> Converter:
        def encode(value: Any) -> Any:
            if isinstance(value, model_cls):
                plan = plan_for(model_cls)
                return plan.encode(value) if sending else plan.encode_as_received(value)
            raise EncodeError(
                f"expected {model_cls.__name__}, got {type(value).__name__} {value!r}"
            )

        return encode

    return for_model


_SENDING_SCALARS: Dict[Any, Converter] = {
    str: _encode_text,
    int: _scalar_encoder((int,), "int"),
    float: _encode_finite_number,
    bool: _encode_bool,
}
_KEEPING_SCALARS: Dict[Any, Converter] = {
    **_SENDING_SCALARS,
    str: _encode_any_str,
    float: _encode_any_number,
}


# --- plans -----------------------------------------------------------------------------------


class FieldPlan(NamedTuple):
    name: str
    wire: str
    hint: Any
    nullable: bool
    required: bool
    default: Any
    description: str


_EncodeStep = Tuple[str, str, Converter, bool, bool, bool]


class ModelPlan:
    """Everything needed to encode and decode one model class, computed once."""

    def __init__(self, cls: type) -> None:
        self.cls = cls
        evaluate_annotations(cls)
        hints = model_hints(cls)
        fields: List[FieldPlan] = []
        self.extra_name: Optional[str] = None
        for field in dataclasses.fields(cls):
            # dataclasses-json's schema() reads Field.type, a string under postponed annotations
            field.type = hints[field.name]
            if _fields.is_extra(field):
                self.extra_name = field.name
                continue
            wire = _fields.wire_name(field)
            if not wire:
                raise TypeError(f"{cls.__name__}.{field.name} declares no wire name")
            meta = field.metadata
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
        # Decoding walks the JSON object once: a known key is decoded into a copy of the
        # defaults, any other key is an extra property. A value of the field's exact JSON
        # class (str for a str field) is taken without a call; the rest go to the decoder.
        self._defaults = {f.name: f.default for f in fields}
        self._decode_steps: Dict[str, Tuple[str, type, Converter]] = {
            f.wire: (f.name, _exact_class(f.hint), decoder_for(f.hint)) for f in fields
        }
        self._sending_steps = self._encode_steps(ENCODERS)
        self._keeping_steps = self._encode_steps(KEEPING_ENCODERS)

    def _encode_steps(self, kit: ConverterKit) -> Tuple[_EncodeStep, ...]:
        return tuple(
            (f.name, f.wire, kit.for_hint(f.hint), f.nullable, f.required, f.default is None)
            for f in self.fields
        )

    def decode(self, data: Any) -> Any:
        if data.__class__ is not dict:
            raise ShapeError(f"object ({self.cls.__name__})", data)
        values = self._defaults.copy()
        extra: Optional[Dict[str, Any]] = None
        steps = self._decode_steps
        wire = ""
        try:
            for wire, value in data.items():
                step = steps.get(wire)
                if step is None:
                    if extra is None:
                        extra = {}
                    extra[wire] = value
                    continue
                name, exact, decoder = step
                if value is None or value.__class__ is exact:
                    values[name] = value
                else:
                    values[name] = decoder(value)
        except ShapeError as exc:
            exc.path.insert(0, wire)
            raise
        if self.extra_name is not None:
            values[self.extra_name] = {} if extra is None else extra
        obj: Any = object.__new__(self.cls)
        obj.__dict__ = values
        return obj

    def encode(self, obj: Any) -> Dict[str, Any]:
        """The JSON object ``obj`` is sent as; raises ``EncodeError`` for what cannot be sent."""
        return self._encode(obj, self._sending_steps)

    def encode_as_received(self, obj: Any) -> Dict[str, Any]:
        """The JSON object ``obj`` stands for, taking back anything decoding can produce."""
        return self._encode(obj, self._keeping_steps)

    def _encode(self, obj: Any, steps: Tuple[_EncodeStep, ...]) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        for name, wire, encoder, nullable, required, none_is_absent in steps:
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


# --- choosing converters: one dispatch on the type, sets of leaf converters -------------------


class ConverterKit(NamedTuple):
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
        if core is Any or typing_inspect.is_typevar(core):  # an unbound parameter: any JSON
            return self.any_value
        if core in self.scalars:
            return self.scalars[core]
        enum_cls = enum_of(core)
        if enum_cls is not None:
            return self.enum(enum_cls)
        if is_model(core):
            return self.model(core)
        item = list_item(core)
        if item is not None:
            return self.list_of(self.for_hint(item))
        if is_mapping(core):
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
    "encoder",
    _as_is,
    _SENDING_SCALARS,
    _enum_encoder(_encode_text),
    _model_encoder(sending=True),
    _list_encoder(null_items=False),
    _dict_encoder,
)
KEEPING_ENCODERS = ConverterKit(
    "encoder",
    _as_is,
    _KEEPING_SCALARS,
    _enum_encoder(_encode_any_str),
    _model_encoder(sending=False),
    _list_encoder(null_items=True),
    _dict_encoder,
)


def decoder_for(hint: Any) -> Converter:
    return DECODERS.for_hint(hint)


def encoder_for(hint: Any) -> Converter:
    """The SENDING encoder of ``hint``: what a request parameter or body goes through."""
    return ENCODERS.for_hint(hint)
