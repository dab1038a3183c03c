"""Base classes shared by every model: JSON models and the per-operation response envelope."""

from __future__ import annotations

import dataclasses
import typing
from typing import TYPE_CHECKING, Any, ClassVar, Dict, Generic, Optional, Type, TypeVar

from ._codec import EncodeError, ShapeError, plan_for
from .models.errors import RequestValidationError, ResponseValidationError
from .types import UNSET

if TYPE_CHECKING:
    import requests

ModelT = TypeVar("ModelT", bound="Model")
BodyT = TypeVar("BodyT")


class Model:
    """Base of the SDK's JSON models (request bodies, response bodies and their parts).

    Subclasses are dataclasses whose fields carry their JSON (wire) names. Properties the
    model does not declare live in ``additional_properties``, by wire name, both ways.
    """

    additional_properties: Dict[str, Any]

    def to_dict(self) -> Dict[str, Any]:
        """The JSON object this model is sent as, keyed by wire names."""
        try:
            return plan_for(type(self)).encode(self)
        except EncodeError as exc:
            raise RequestValidationError(exc.describe(type(self).__name__)) from None

    @classmethod
    def from_dict(cls: Type[ModelT], data: Any) -> ModelT:
        """Build the model from parsed JSON (wire names). Raises ``ResponseValidationError``."""
        try:
            result: ModelT = plan_for(cls).decode(data)
        except ShapeError as exc:
            raise ResponseValidationError(f"{cls.__name__}: {exc}") from None
        return result

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
        for base in getattr(cls, "__orig_bases__", ()):
            if typing.get_origin(base) is OperationResponse:
                cls.body_type = typing.get_args(base)[0]


def object_alias() -> Any:
    """A read-only alias of ``object`` under the name older versions of this SDK's docs used
    (e.g. ``create_generation_200_application_json_object``)."""
    return property(lambda self: self.object, doc="The older name of ``object``.")
