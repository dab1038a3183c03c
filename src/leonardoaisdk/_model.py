"""Base classes shared by every model: JSON models and the per-operation response envelope.

Every JSON model is a ``dataclasses_json.DataClassJsonMixin`` dataclass: ``to_dict``,
``from_dict``, ``to_json``, ``from_json`` and ``schema`` are dataclasses-json's API. ``to_dict``
and ``from_dict`` run this SDK's compiled per-class plans (``_codec``) rather than the
library's per-call reflection; ``schema()`` is the library's marshmallow schema, with fields
that check values the way the plans do.
"""

from __future__ import annotations

import dataclasses
import json
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    ClassVar,
    Dict,
    Generic,
    Mapping,
    Optional,
    Type,
    TypeVar,
)

import typing_inspect  # type: ignore[import-untyped]
from dataclasses_json import DataClassJsonMixin, config
from dataclasses_json.undefined import Undefined
from marshmallow import ValidationError, fields, missing

from . import _codec, _fields
from ._codec import EncodeError, ShapeError, parse_timestamp, plan_for
from .models.errors import RequestValidationError, ResponseValidationError
from .types import UNSET

if TYPE_CHECKING:
    import requests
    from dataclasses_json.mm import SchemaType

    ExtraFields = Dict[str, Any]
else:
    from dataclasses_json import CatchAll

    # dataclasses-json finds the field that keeps unknown properties by exactly this hint
    # (Optional[CatchAllVar]); to type checkers, and in the docs, it is the dict it holds.
    ExtraFields = CatchAll

__all__ = ["ExtraFields", "Model", "OperationResponse", "RequestModel", "parse_timestamp"]

ModelT = TypeVar("ModelT", bound="Model")
BodyT = TypeVar("BodyT")


class Model(DataClassJsonMixin):
    """Base of the SDK's JSON models (request bodies, response bodies and their parts).

    Subclasses are dataclasses whose fields carry their JSON (wire) names. Properties the
    model does not declare live in ``additional_properties``, by wire name, both ways.
    """

    # Unknown properties go to the ExtraFields field, in dataclasses-json's own decoding too.
    dataclass_json_config = config(undefined=Undefined.INCLUDE)[_fields.LIBRARY]

    # Each model declares it. At runtime an annotation here would be evaluated in every model's
    # module by dataclasses-json (see __init_subclass__), where `Dict` need not be imported.
    if TYPE_CHECKING:
        additional_properties: Dict[str, Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if dataclasses.is_dataclass(cls):  # a subclass of a model: `class A(Shape[X])`
            # dataclasses-json evaluates the annotations of all bases in the module of the
            # class at hand (get_type_hints(cls, globalns=...)), where the bases' names need not
            # be imported: evaluate them now, each in its own module.
            _codec.evaluate_annotations(cls, bases_only=True)
            if "__orig_bases__" in cls.__dict__:  # undecorated: fields of the bound types here
                _codec.declare_bound_fields(cls)

    def to_dict(self, encode_json: bool = False) -> Dict[str, Any]:
        """The JSON object this model stands for, keyed by wire names.

        For a request model, what would be sent, checked as it would be; for a received model,
        what was received. ``encode_json`` is dataclasses-json's: the result is JSON already.
        """
        plan = plan_for(type(self))
        try:
            if isinstance(self, RequestModel):
                return plan.encode(self)
            return plan.encode_as_received(self)
        except EncodeError as exc:
            raise RequestValidationError(exc.describe(type(self).__name__)) from None

    @classmethod
    def from_dict(cls: Type[ModelT], kvs: Any, *, infer_missing: bool = False) -> ModelT:
        """Build the model from parsed JSON (wire names). Raises ``ResponseValidationError``.

        Absent properties take the field's default; with ``infer_missing`` they are ``None``.
        """
        plan = plan_for(cls)
        try:
            result: ModelT = plan.decode(kvs)
        except ShapeError as exc:
            raise ResponseValidationError(f"{cls.__name__}: {exc}") from None
        if infer_missing:
            for field in plan.fields:
                if field.wire not in kvs:
                    setattr(result, field.name, None)
        return result

    def to_json(self, **kwargs: Any) -> str:
        """``to_dict()`` as JSON text; takes ``json.dumps``'s keyword arguments."""
        try:
            return super().to_json(**kwargs)
        except (TypeError, ValueError) as exc:
            if isinstance(exc, RequestValidationError):
                raise
            raise RequestValidationError(
                f"{type(self).__name__}: cannot be written as JSON: {exc}"
            ) from None

    @classmethod
    def from_json(
        cls: Type[ModelT], s: Any, *, infer_missing: bool = False, **kwargs: Any
    ) -> ModelT:
        """Build the model from JSON text. Raises ``ResponseValidationError``."""
        try:
            data = json.loads(s, **kwargs)
        except (TypeError, ValueError) as exc:
            raise ResponseValidationError(f"{cls.__name__}: not JSON: {exc}") from None
        return cls.from_dict(data, infer_missing=infer_missing)

    @classmethod
    def schema(cls: Type[ModelT], **kwargs: Any) -> SchemaType[ModelT]:
        """dataclasses-json's marshmallow schema: ``load`` takes wire names and gives a model,
        raising ``marshmallow.ValidationError`` for values of the wrong type; ``dump`` gives what
        ``to_dict`` gives."""
        _install_schema_fields(cls)
        return super().schema(**kwargs)

    def __repr__(self) -> str:
        parts = []
        for field in plan_for(type(self)).fields:
            value = getattr(self, field.name)
            if value is UNSET or (value is None and field.default is None):
                continue
            parts.append(f"{field.name}={value!r}")
        extra = getattr(self, "additional_properties", None)
        if extra:
            parts.append(f"additional_properties={extra!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


class RequestModel(Model):
    """A model the SDK sends (a request body or part of one). Its ``to_dict()`` is what would be
    sent and refuses what cannot be: non-finite numbers, text that is not valid Unicode."""


# --- marshmallow fields for schema() ---------------------------------------------------------
#
# dataclasses-json builds a schema field from each field's type, but an OptionalNullable or
# Union[Enum, str] hint becomes a field that checks nothing. So every field gets an explicit
# `mm_field` (dataclasses-json's way to supply one), made from the same converters as the plans.


def _omitted(field: fields.Field, value: Any) -> Any:
    omit: Optional[Callable[[Any], bool]] = field.metadata.get("omit")
    return missing if omit is not None and omit(value) else value


class _Leaf(fields.Field):
    """A JSON scalar, enum or free-form value, checked by the plans' converters."""

    def __init__(
        self, decode: _codec.Converter, encode: _codec.Converter, sent: bool, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._decode = decode
        self._encode = encode
        self._sent = sent

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = missing) -> Any:
        return _omitted(self, super().get_value(obj, attr, accessor=accessor, default=default))

    def _serialize(self, value: Any, attr: Optional[str], obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        try:
            return self._encode(value)
        except EncodeError as exc:
            raise ValidationError(exc.problem) from None

    def _deserialize(
        self, value: Any, attr: Optional[str], data: Optional[Mapping[str, Any]], **kwargs: Any
    ) -> Any:
        try:
            decoded = self._decode(value)
        except ShapeError as exc:
            raise ValidationError(f"Expected {exc.expected}, found {exc.found}.") from None
        if self._sent:  # what a request model holds must be sendable
            try:
                self._encode(decoded)
            except EncodeError as exc:
                raise ValidationError(f"Cannot be sent: {exc.problem}.") from None
        return decoded


class _List(fields.List):
    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = missing) -> Any:
        return _omitted(self, super().get_value(obj, attr, accessor=accessor, default=default))


class _Nested(fields.Nested):
    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = missing) -> Any:
        return _omitted(self, super().get_value(obj, attr, accessor=accessor, default=default))


def _schema_field(hint: Any, sent: bool, **options: Any) -> fields.Field:
    core = _codec.strip_optional(hint)
    if _codec.is_model(core):
        return _Nested(lambda: core.schema(), **options)
    item = _codec.list_item(core)
    if item is not None:
        return _List(_schema_field(item, sent), **options)
    encoders = _codec.ENCODERS if sent else _codec.KEEPING_ENCODERS
    return _Leaf(_codec.decoder_for(core), encoders.for_hint(core), sent, **options)


def _install_schema_fields(cls: type) -> None:
    plan = plan_for(cls)  # resolves the field types dataclasses-json reads
    sent = issubclass(cls, RequestModel)
    by_name = {f.name: f for f in plan.fields}
    for field in dataclasses.fields(cls):
        library = field.metadata.get(_fields.LIBRARY)
        if library is None or "mm_field" in library:
            continue
        if _fields.is_extra(field):
            # Left out of the schema by dataclasses-json, which loads and dumps unknown
            # properties itself; declared so that it builds no field, with a deprecated option.
            library["mm_field"] = fields.Dict()
            continue
        planned = by_name[field.name]
        library["mm_field"] = _schema_field(
            planned.hint,
            sent,
            data_key=planned.wire,
            required=planned.required,
            allow_none=_codec.admits_none(planned.hint),
            metadata={"omit": library.get("exclude")},
        )


@dataclasses.dataclass
class OperationResponse(Generic[BodyT]):
    """What every operation returns: the decoded body in ``object`` plus the HTTP facts."""

    content_type: str
    status_code: int
    raw_response: requests.Response
    object: Optional[BodyT] = None

    body_type: ClassVar[Any] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in typing_inspect.get_generic_bases(cls):
            if typing_inspect.get_origin(base) is OperationResponse:
                cls.body_type = typing_inspect.get_args(base, evaluate=True)[0]


def object_alias() -> Any:
    """A read-only alias of ``object`` under the name older versions of this SDK's docs used
    (e.g. ``create_generation_200_application_json_object``)."""
    return property(lambda self: self.object, doc="The older name of ``object``.")
