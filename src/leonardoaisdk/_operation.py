"""Operation declarations: an operation is data (method, path, request and response types).

The request type is either a JSON model (the whole request is the body) or a parameters class
whose fields say, through their metadata, which are path parameters, query parameters and the
optional JSON body. How to take a request apart is worked out once per operation.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import typing
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Generic,
    List,
    NamedTuple,
    Optional,
    Tuple,
    Type,
    TypeVar,
)
from urllib.parse import quote

from . import _fields
from ._codec import EncodeError, encoder_for, plan_for
from .models.errors import RequestValidationError

if TYPE_CHECKING:
    from ._model import Model, OperationResponse


class PreparedRequest(NamedTuple):
    # NamedTuples, not dataclasses, for the engine's small records: a dataclass costs the
    # first call about half a millisecond to create.
    path: str
    query: Optional[Dict[str, Any]]
    body: Optional[bytes]


_Param = Tuple[str, str, Callable[[Any], Any]]  # python name, wire name, encoder


ResponseT = TypeVar("ResponseT", bound="OperationResponse[Any]")


class Operation(Generic[ResponseT]):
    """One API operation: its method name, HTTP method, path template and types.

    The types are given as zero-argument functions returning them, so declaring an operation
    imports none of its models: each model module loads when its operation is first used.
    """

    def __init__(
        self,
        name: str,
        method: str,
        path: str,
        request: Callable[[], type],
        response: Callable[[], Type[ResponseT]],
    ) -> None:
        self.name = name
        self.method = method
        self.path = path
        self.request = request
        self.response = response

    def __repr__(self) -> str:
        return f"Operation({self.name!r}, {self.method} {self.path})"

    @functools.cached_property
    def request_type(self) -> type:
        return self.request()

    @functools.cached_property
    def response_type(self) -> Type[ResponseT]:
        return self.response()

    @functools.cached_property
    def _plan(self) -> _RequestPlan:
        return _RequestPlan(self)

    def prepare(self, request: Any) -> PreparedRequest:
        """Validate ``request`` and turn it into path, query and JSON body bytes."""
        if not isinstance(request, self.request_type):
            raise RequestValidationError(
                f"{self.name}() expects {self.request_type.__name__}, got {type(request).__name__}"
            )
        try:
            return self._plan.prepare(request)
        except EncodeError as exc:
            raise RequestValidationError(exc.describe(self.request_type.__name__)) from None

    @functools.cached_property
    def decode_body(self) -> Callable[[Any], Any]:
        """Parsed JSON -> the response body model; raises ``ShapeError``."""
        body_type = getattr(self.response_type, "body_type", None)
        if body_type is None:
            raise TypeError(f"{self.name}: {self.response_type.__name__} declares no body type")
        return plan_for(body_type).decode


# Segments a URL resolver removes or climbs out of (RFC 3986 5.2.4), quoted or not: as an id
# they would address another resource (`DELETE /generations/..` is `DELETE /`).
_DOT_SEGMENTS = frozenset({".", ".."})


class _RequestPlan:
    def __init__(self, op: Operation[Any]) -> None:
        # Imported here: the models' base (and dataclasses-json) load with the first model used.
        from ._model import Model

        self.model_type = Model
        self.template = op.path
        self.body_is_request = issubclass(op.request_type, Model)
        self.path_params: List[_Param] = []
        self.query_params: List[_Param] = []
        self.body_field: Optional[str] = None
        if self.body_is_request:
            return
        hints = typing.get_type_hints(op.request_type)
        for field in dataclasses.fields(op.request_type):
            location = field.metadata.get(_fields.LOCATION)
            wire = _fields.wire_name(field) or ""
            param = (field.name, wire, encoder_for(hints[field.name]))
            if location == _fields.PATH:
                self.path_params.append(param)
            elif location == _fields.QUERY:
                self.query_params.append(param)
            elif location == _fields.REQUEST_BODY:
                self.body_field = field.name
            else:
                raise TypeError(
                    f"{op.request_type.__name__}.{field.name} has no parameter location"
                )
        missing = {w for _, w, _ in self.path_params} ^ set(_placeholders(op.path))
        if missing:
            raise TypeError(f"{op.name}: path parameters and {op.path!r} disagree on {missing}")

    def prepare(self, request: Any) -> PreparedRequest:
        if self.body_is_request:
            return PreparedRequest(self.template, None, _json_bytes(request))
        path = self.template
        for name, wire, encode in self.path_params:
            value = _param(request, name, encode)
            if value is None or value == "":
                raise EncodeError("is required and must be a non-empty string", at=name)
            if value in _DOT_SEGMENTS:
                raise EncodeError(f"cannot be {value!r}: it is not an id but a path step", at=name)
            path = path.replace("{" + wire + "}", quote(value, safe=""))
        query: Optional[Dict[str, Any]] = None
        for name, wire, encode in self.query_params:
            value = _param(request, name, encode)
            if value is not None:
                query = query or {}
                query[wire] = value
        body = None
        if self.body_field is not None:
            model = getattr(request, self.body_field)
            if model is not None:
                if not isinstance(model, self.model_type):
                    raise EncodeError(
                        f"expected a request body model, got {type(model).__name__}",
                        at=self.body_field,
                    )
                body = _json_bytes(model)
        return PreparedRequest(path, query, body)


def _param(request: Any, name: str, encode: Callable[[Any], Any]) -> Any:
    value = getattr(request, name)
    if value is None:
        return None
    try:
        return encode(value)
    except EncodeError as exc:
        exc.path.insert(0, name)
        raise


def _placeholders(template: str) -> List[str]:
    return [part.split("}", 1)[0] for part in template.split("{")[1:]]


def _json_bytes(model: Model) -> bytes:
    payload = plan_for(type(model)).encode(model)
    try:
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate the fields' checks do not reach
        raise EncodeError(
            f"cannot be sent as JSON: text is not valid Unicode: lone surrogate "
            f"{exc.object[exc.start]!r} in additional_properties or a free-form value"
        ) from None
    except (TypeError, ValueError) as exc:
        raise EncodeError(f"cannot be sent as JSON: {exc}") from None
