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
import functools
import keyword
import math
import operator
import sys
import threading
import typing
from typing import Any, Callable, Dict, FrozenSet, List, NamedTuple, Optional, Set, Tuple, Union

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
    # The base's __init__ and __eq__ serve as they are (the same fields, in the same order, with
    # the same defaults): generating them again would cost each class about half a millisecond
    # when its module is imported.
    dataclasses.dataclass(repr=False, init=False, eq=False)(cls)


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
            f.wire: (f.name, _exact_class(f.hint), GENERIC_DECODERS.for_hint(f.hint))
            for f in fields
        }
        self._compiled: Optional[_CompiledDecoder] = None
        self.decode = _decode_entry(self)
        self.plain_attributes = _sets_attributes_plainly(self)
        self.extra_on_demand = _make_extra_on_demand(self)
        _reserve_attribute_slots(self)

    # Encoding steps are worked out when first needed: most models are only ever decoded.
    @functools.cached_property
    def _sending_steps(self) -> Tuple[_EncodeStep, ...]:
        return self._encode_steps(ENCODERS)

    @functools.cached_property
    def _keeping_steps(self) -> Tuple[_EncodeStep, ...]:
        return self._encode_steps(KEEPING_ENCODERS)

    def compiled(self) -> Converter:
        """The compiled decoder (see "compiled decoders" below), compiled on first use together
        with those of the nested models."""
        compiled = self._compiled
        if compiled is not None and compiled.decode is not _NOT_YET:
            return compiled.decode
        with _BUILD_LOCK:  # another thread compiling it: wait for it
            if self._compiled is None:
                self._compiled = _CompiledDecoder(self)
                try:
                    self._compiled.compile()
                except BaseException:
                    self._compiled = None
                    raise
            return self._compiled.decode

    @property
    def decoder_source(self) -> str:
        """The source of what ``compiled()`` compiled so far ("" before)."""
        return "" if self._compiled is None else self._compiled.source

    def _encode_steps(self, kit: ConverterKit) -> Tuple[_EncodeStep, ...]:
        return tuple(
            (f.name, f.wire, kit.for_hint(f.hint), f.nullable, f.required, f.default is None)
            for f in self.fields
        )

    decode: Converter
    """Parsed JSON -> the model; raises ``ShapeError`` naming where the JSON went wrong."""

    def decode_generic(self, data: Any) -> Any:
        """What ``decode`` does, one field at a time: the reference the compiled decoder is held
        to, and what answers for it when the JSON is not of the common shape."""
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
        if self.extra_name is not None and (extra is not None or not self.extra_on_demand):
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
# One thread builds plans at a time: threads that decode a model first at the same moment wait
# for its plan rather than build copies, each taking its nested models as still unbuilt.
_BUILD_LOCK = threading.RLock()


def plan_for(cls: type) -> ModelPlan:
    plan = _PLANS.get(cls)
    if plan is None:
        with _BUILD_LOCK:
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


def _generic_model_decoder(cls: type) -> Converter:
    if cls in _BUILDING:
        return lambda value: plan_for(cls).decode_generic(value)
    return plan_for(cls).decode_generic


def _compiled_model_decoder(cls: type) -> Converter:
    plan = plan_for(cls)
    if plan._compiled is not None and plan._compiled.decode is _NOT_YET:  # contains itself
        return lambda value: plan.compiled()(value)
    return plan.compiled()


# --- compiled decoders -----------------------------------------------------------------------
#
# ModelPlan.decode_generic walks the JSON object key by key and dispatches per key. What the API
# sends is nearly always of one shape: every property the model declares, each of the field's
# exact JSON type or null, and a few unknown ones at most. For that shape a plan compiles a
# function that fetches all the properties in one itemgetter call, checks each value's type in
# a straight line and sets it on the new object: no loop, no dispatch, no dict of values (on
# Python 3.11+ the attributes then live in the object itself, which is what makes the most
# difference). An object that lacks a declared property goes to a second compiled function,
# which looks each one up. The moment anything else turns up (a wrong type, an integer sent as
# 7.0, a null in a list of models), the object goes to decode_generic, which decodes it or
# raises ShapeError; the entry point (ModelPlan.decode) then runs decode_generic from the top,
# so that the error names the whole path. decode_generic stays the reference: tests hold the
# compiled decoders to the same results.
#
# Compiling costs about a millisecond per model, more than decoding a few objects saves, so a
# plan compiles on the COMPILE_AT-th decode through its entry point: a program that decodes an
# answer once or twice (a CLI call) never pays for it.

COMPILE_AT = 3

# Objects keep their attributes in themselves from Python 3.11; before, in a dict, which one
# dict display builds faster than one attribute store per field.
_INLINE_ATTRIBUTES = sys.version_info >= (3, 11)


def _decode_entry(plan: ModelPlan) -> Converter:
    generic = plan.decode_generic
    fast: Optional[Converter] = None
    uses = 0

    def decode(data: Any) -> Any:
        nonlocal fast, uses
        if fast is None:
            uses += 1
            if uses < COMPILE_AT:
                return generic(data)
            fast = plan.compiled()
        try:
            return fast(data)
        except ShapeError:  # decode_generic knows the path from here
            return generic(data)

    return decode


def _unknown_properties(known: FrozenSet[str]) -> Converter:
    """The unknown properties of an object that has some, in the JSON's order (so that to_json
    gives them back as they came)."""
    # The API sends its objects with the same keys in the same order, so the unknown ones of
    # the last object are looked for first: one comparison of key tuples instead of a
    # membership test per key. The layout kept is the latest: the objects of one document
    # share their key strings (json.loads makes each once), which then compare by identity.
    last: Tuple[Tuple[Any, ...], Tuple[Any, ...], Callable[[Any], Any]] = ((), (), _not_yet)

    def unknown(data: Dict[str, Any]) -> Dict[str, Any]:
        nonlocal last
        layout = tuple(data)
        seen, keys, fetch = last
        if layout != seen:
            keys = tuple(k for k in layout if k not in known)
            fetch = _values_of(keys)
        last = (layout, keys, fetch)
        return dict(zip(keys, fetch(data)))

    return unknown


def _values_of(keys: Tuple[Any, ...]) -> Callable[[Any], Tuple[Any, ...]]:
    if len(keys) > 1:
        return operator.itemgetter(*keys)
    if not keys:
        return lambda data: ()
    # itemgetter of one key gives the value, not a tuple of it
    getter = operator.itemgetter(keys[0])
    return lambda data: (getter(data),)


def _not_yet(data: Any) -> Any:
    raise AssertionError("a compiled decoder was called before it was compiled")


_NOT_YET: Converter = _not_yet

# A value of the field's exact JSON type is taken as it is; these test that it is *not* one.
_NOT_EXACT = {
    str: "type({0}) is not str",
    bool: "type({0}) is not bool",
    int: "type({0}) is not int",  # 7.0 for an integer: decode_generic converts it
    float: "type({0}) is not float and type({0}) is not int",
    dict: "type({0}) is not dict",
}


def _is_plain_name(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def _if_elif(branches: List[Tuple[str, List[str]]]) -> List[str]:
    lines = []
    for number, (condition, statements) in enumerate(branches):
        lines.append(f"{'elif' if number else 'if'} {condition}:")
        lines += [f"    {statement}" for statement in statements]
    return lines


class _FieldCode:
    """How compiled code takes one field's value: ``not_exact`` (a template of one name) tests
    that the value is not of the field's exact JSON type; ``convert`` names what converts any
    other non-null value (an enum's lookup, a nested model's or list's decoder); for a list of
    models, ``items`` names the compiled decoder of its items."""

    # A plain class: a NamedTuple would cost the SDK's import a tenth of a millisecond.
    __slots__ = ("convert", "is_enum", "items", "not_exact")

    def __init__(
        self,
        not_exact: Optional[str],
        convert: Optional[str],
        is_enum: bool = False,
        items: Optional[str] = None,
    ) -> None:
        self.not_exact = not_exact
        self.convert = convert
        self.is_enum = is_enum
        self.items = items


class _CompiledDecoder:
    """A plan's compiled decoders, their source and the names the source refers to.

    ``decode_<Model>`` takes an object that has every property the model declares (the API
    sends them all, null or not) and fetches them all in one call. It hands an object that
    lacks some to ``sparse_<Model>``, compiled when first needed, which looks each property up
    and counts the absent ones. Either knows from ``len(data)`` alone whether the object has
    unknown properties too, and only then looks for them.
    """

    def __init__(self, plan: ModelPlan) -> None:
        self.plan = plan
        self.decode: Converter = _NOT_YET
        self.source = ""
        name = plan.cls.__name__
        self.name = name if _is_plain_name(name) else "model"
        self.namespace: Dict[str, Any] = {
            "new": object.__new__,
            "cls": plan.cls,
            "generic": plan.decode_generic,
            "sparse": self.sparse_on_first_use,
            "MISSING": _MISSING,
            "ShapeError": ShapeError,
        }

    def compile(self) -> None:
        plan = self.plan
        if not all(_is_plain_name(f.name) for f in plan.fields):
            self.decode = plan.decode_generic
            return
        if plan.extra_name is not None:
            self.namespace["unknown"] = _unknown_properties(plan.wire_names)
        self.as_attributes = _INLINE_ATTRIBUTES and plan.plain_attributes
        self.codes = [self.field_code(i, f) for i, f in enumerate(plan.fields)]
        self.decode = self.compile_function(f"decode_{self.name}", "dense")

    def compile_function(self, name: str, how: str) -> Converter:
        text = "\n".join(self.function(name, how)) + "\n"
        code = compile(text, f"<leonardoaisdk decoder of {self.plan.cls.__qualname__}>", "exec")
        exec(code, self.namespace)
        self.source += ("\n\n" if self.source else "") + text
        function: Converter = self.namespace[name]
        return function

    def sparse_on_first_use(self, data: Any) -> Any:
        with _BUILD_LOCK:
            sparse = self.namespace["sparse"]
            if sparse == self.sparse_on_first_use:
                sparse = self.namespace["sparse"] = self.compile_function(
                    f"sparse_{self.name}", "sparse"
                )
        return sparse(data)

    def refer(self, prefix: str, index: int, value: Any) -> str:
        name = f"{prefix}_{index}"
        self.namespace[name] = value
        return name

    def field_code(self, index: int, field: FieldPlan) -> _FieldCode:
        core = strip_optional(field.hint)
        if core is Any or typing_inspect.is_typevar(core):
            return _FieldCode(None, None)
        if core in _NOT_EXACT or is_mapping(core):
            return _FieldCode(_NOT_EXACT[core if core in _NOT_EXACT else dict], None)
        enum_cls = enum_of(core)
        if enum_cls is not None:
            members = {m.value: m for m in typing.cast(Any, enum_cls)}
            return _FieldCode(None, self.refer("member", index, members.get), is_enum=True)
        if is_model(core):
            return _FieldCode(None, self.refer("decode", index, _compiled_model_decoder(core)))
        decode = self.refer("decode", index, GENERIC_DECODERS.for_hint(core))
        item = list_item(core)
        if item is not None and is_model(strip_optional(item)):
            items = self.refer("items", index, _compiled_model_decoder(strip_optional(item)))
            return _FieldCode(None, decode, items=items)
        return _FieldCode(None, decode)

    @staticmethod
    def taking(code: _FieldCode, var: str, absent: Optional[str]) -> List[str]:
        """The statements that check and convert the value in ``var``; ``absent`` is what it
        becomes when it is MISSING (``None``: it cannot be)."""
        branches: List[Tuple[str, List[str]]] = []
        if code.is_enum:  # an unknown value stays the string it is
            branches.append((f"type({var}) is str", [f"{var} = {code.convert}({var}, {var})"]))
        if absent is not None:
            branches.append((f"{var} is MISSING", [f"{var} = {absent}", "missing += 1"]))
        if code.not_exact is not None or code.is_enum:
            branches.append((f"{var} is not None", ["return generic(data)"]))
        elif code.items is not None:  # in line: a list of models is most of what a page holds
            converting = [
                f"if type({var}) is not list:",
                "    return generic(data)",
                f"if not {var}:  # most lists of a page are empty: no map, no call",
                f"    {var} = []",
                "else:",
                "    try:",
                f"        {var} = [*map({code.items}, {var})]",
                "    except ShapeError:  # a null item, or a wrong one: item by item",
                f"        {var} = {code.convert}({var})",
            ]
            branches.append((f"{var} is not None", converting))
        elif code.convert is not None:
            branches.append((f"{var} is not None", [f"{var} = {code.convert}({var})"]))
        if code.not_exact is None:
            return _if_elif(branches)
        not_exact = code.not_exact.format(var)
        if absent is None:
            return [f"if {not_exact} and {var} is not None:", "    return generic(data)"]
        # the value of the exact type passes one test
        return [f"if {not_exact}:", *(f"    {line}" for line in _if_elif(branches))]

    def default(self, index: int) -> str:
        field = self.plan.fields[index]
        return "None" if field.default is None else self.refer("default", index, field.default)

    def function(self, name: str, how: str) -> List[str]:
        """One decoder. ``how``: ``"dense"`` fetches every declared property in one call, for an
        object that has them all (as the API sends them); ``"sparse"`` looks each up and counts
        those absent."""
        plan = self.plan
        count = len(plan.fields)
        body = ["if type(data) is not dict:", "    return generic(data)"]
        if how == "dense" and count:
            self.namespace["fetch"] = operator.itemgetter(*(f.wire for f in plan.fields))
            unpack = ", ".join(f"v{i}" for i in range(count))
            body += [
                "try:",
                f"    {unpack} = fetch(data)",
                "except KeyError:",
                "    return sparse(data)",
            ]
        elif how == "sparse":
            body += ["get = data.get", "missing = 0"]
        if self.as_attributes:
            body.append("obj = new(cls)")
        for index, (field, code) in enumerate(zip(plan.fields, self.codes)):
            var = f"v{index}"
            if how == "sparse":
                body.append(f"{var} = get({field.wire!r}, MISSING)")
                body += self.taking(code, var, self.default(index))
            else:
                body += self.taking(code, var, None)
            if self.as_attributes:
                body.append(f"obj.{field.name} = {var}")
        extra = plan.extra_name
        present = f"{count} - missing" if how == "sparse" else f"{count}"
        any_unknown, unknown = f"len(data) != {present}", "unknown(data)"
        target = f"obj.{extra}" if self.as_attributes else f"values[{extra!r}]"
        entries = [f"{f.name!r}: v{i}" for i, f in enumerate(plan.fields)]
        if extra is not None and not plan.extra_on_demand:
            entries.append(f"{extra!r}: {unknown} if {any_unknown} else {{}}")
        if not self.as_attributes:
            body.append(f"values = {{{', '.join(entries)}}}")
        elif extra is not None and not plan.extra_on_demand:
            body.append(f"{target} = {unknown} if {any_unknown} else {{}}")
        if extra is not None and plan.extra_on_demand:
            body += [f"if {any_unknown}:", f"    {target} = {unknown}"]
        if not self.as_attributes:
            body += ["obj = new(cls)", "obj.__dict__ = values"]
        body.append("return obj")
        return [f"def {name}(data):", *(f"    {line}" for line in body)]


class _ExtraOnDemand:
    """``additional_properties`` of a decoded object that had no unknown properties: an empty
    dict, made when first read. Most objects never are, and decoding them makes one dict fewer
    each (fewer allocations, fewer garbage collections). Objects made by ``__init__``, and those
    with unknown properties, hold their dict from the start, which then hides this one."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: Optional[type] = None) -> Any:
        if obj is None:  # as for any field with a default_factory, the class has no value
            owner_name = getattr(owner, "__name__", "?")
            raise AttributeError(f"type object {owner_name!r} has no attribute {self.name!r}")
        # setdefault: two threads reading it first at once get the same dict
        return obj.__dict__.setdefault(self.name, {})


def _make_extra_on_demand(plan: ModelPlan) -> bool:
    """Install ``_ExtraOnDemand`` for the plan's extra-properties field where nothing else is
    in its place; whether it is there."""
    name = plan.extra_name
    if name is None or not plan.plain_attributes or not plan.cls.__dictoffset__:
        return False
    present = next((vars(k)[name] for k in plan.cls.__mro__ if name in vars(k)), _MISSING)
    if present is _MISSING:  # a default_factory field: the class holds nothing by its name
        setattr(plan.cls, name, _ExtraOnDemand(name))
        return True
    return isinstance(present, _ExtraOnDemand)


def _reserve_attribute_slots(plan: ModelPlan) -> None:
    """Give the fields a place in the objects themselves, before any is decoded.

    From Python 3.11 an object keeps its attributes in the object (no dict) if their names are
    in its class's shared key table. The table takes new names only while it has room, and every
    object made shrinks that room; objects whose ``__dict__`` is replaced (as decode_generic
    does) add no names. So the names are added now, in field order, on an object made for it:
    otherwise a plan compiled after some generic decoding would set its attributes into a dict,
    a third slower. Before 3.11 this only makes one throwaway object.
    """
    if not plan.plain_attributes or not plan.cls.__dictoffset__:
        return
    obj: Any = object.__new__(plan.cls)
    for field in plan.fields:
        setattr(obj, field.name, None)
    if plan.extra_name is not None:
        setattr(obj, plan.extra_name, None)


def _sets_attributes_plainly(plan: ModelPlan) -> bool:
    """Whether ``obj.name = value`` only stores the value, for every field of the plan."""
    if plan.cls.__setattr__ is not object.__setattr__:  # type: ignore[comparison-overlap]
        return False
    names = [f.name for f in plan.fields] + ([plan.extra_name] if plan.extra_name else [])
    return not any(hasattr(type(getattr(plan.cls, n, None)), "__set__") for n in names)


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
# What decode_generic decodes its fields with: nested models by their own decode_generic.
GENERIC_DECODERS = DECODERS._replace(model=_generic_model_decoder)
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
