"""The Leonardo API as the local server speaks it: requests, answers, routing and auth.

Transport-free: :meth:`Api.handle` takes a parsed request and returns a :class:`Reply`. The
routes themselves live in one module per resource (``_generation_routes``, ``_upload_routes``,
...), which register with :func:`route`; ``_routes`` imports them all.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from typing import Any, Callable, Dict, List, Optional, Pattern, Tuple, TypeVar

from ._records import Records
from ._state import ConcurrencyLimitReached, Store
from ._uploads import Uploads
from ._validate import Body, Invalid, query_int

T = TypeVar("T")

API_PREFIX = "/api/rest/v1"
DEFAULT_MODEL_ID = "6bef9f1b-29cb-40c7-b9df-32b51c1f67d3"


@dataclasses.dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: Dict[str, str] = dataclasses.field(default_factory=dict)


def json_reply(status: int, data: Any) -> Reply:
    # allow_nan=False: a NaN that slipped in fails loudly (500) instead of serving invalid JSON
    return Reply(status, json.dumps(data, separators=(",", ":"), allow_nan=False).encode())


def error_reply(status: int, message: str, code: str, path: str = "$") -> Reply:
    """Leonardo's error body: ``{"error": ..., "path": ..., "code": ...}``."""
    return json_reply(status, {"error": message, "path": path, "code": code})


ERROR_CODES = {
    400: "validation-failed",
    401: "invalid-jwt",
    403: "permission-denied",
    404: "not-found",
    408: "timeout",
    429: "rate-limited",
}


def status_reply(status: int) -> Reply:
    """A generic answer for an injected status."""
    code = ERROR_CODES.get(status, "unexpected")
    return error_reply(status, f"injected {status}", code)


@dataclasses.dataclass(frozen=True)
class Request:
    method: str
    path: str  # relative to the API prefix for API routes
    query: Dict[str, str]
    headers: Dict[str, str]  # lower-case names
    body: bytes
    params: Dict[str, str]  # from the route template
    origin: str  # "http://127.0.0.1:port", for absolute image URLs


Handler = Callable[["Api", Request], Reply]


@dataclasses.dataclass(frozen=True)
class Route:
    key: str  # e.g. "GET /generations/{id}", the name faults are injected under
    method: str
    pattern: Pattern[str]
    handler: Handler
    public: bool  # served without auth (the image CDN)


ROUTES: List[Route] = []


def route(key: str, *, public: bool = False) -> Callable[[Handler], Handler]:
    method, template = key.split(" ", 1)
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)

    def register(handler: Handler) -> Handler:
        ROUTES.append(Route(key, method, re.compile(f"^{regex}$"), handler, public))
        return handler

    return register


def match(method: str, url_path: str) -> Tuple[Optional[Route], Dict[str, str], str]:
    """The route for a request, its template parameters, and the path the route sees."""
    public = not url_path.startswith(API_PREFIX + "/")
    path = url_path if public else url_path[len(API_PREFIX) :]
    for candidate in ROUTES:
        if candidate.method == method and candidate.public == public:
            found = candidate.pattern.match(path)
            if found:
                return candidate, found.groupdict(), path
    return None, {}, path


class Api:
    def __init__(
        self, store: Store, records: Records, uploads: Uploads, api_key: str, user_id: str
    ) -> None:
        self.store = store
        self.records = records
        self.uploads = uploads
        self.api_key = api_key
        self.user_id = user_id

    def handle(self, found: Optional[Route], request: Request) -> Reply:
        if found is None:
            return error_reply(404, f"no route for {request.method} {request.path}", "not-found")
        if not found.public:
            denied = self._authenticate(request.headers.get("authorization"))
            if denied is not None:
                return denied
        try:
            return found.handler(self, request)
        except Invalid as exc:
            return error_reply(400, exc.message, ERROR_CODES[400], exc.path)
        except NotFound as exc:
            return error_reply(404, str(exc), ERROR_CODES[404])
        except ConcurrencyLimitReached as exc:
            return error_reply(429, str(exc), ERROR_CODES[429])

    def _authenticate(self, header: Optional[str]) -> Optional[Reply]:
        if not header:
            return error_reply(401, "Authorization header is missing", "invalid-headers")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return error_reply(401, "Malformed Authorization header", "invalid-headers")
        if token != self.api_key:
            return error_reply(401, "Invalid API key", "invalid-jwt")
        return None

    # --- helpers ----------------------------------------------------------------------------

    @staticmethod
    def json_body(request: Request) -> Body:
        if not request.body.strip():
            return Body({})
        try:
            data = json.loads(
                request.body, parse_constant=_refuse_constant, parse_float=_finite_float
            )
        except (ValueError, RecursionError):
            raise Invalid("request body is not valid JSON") from None
        return Body(data)


def _refuse_constant(name: str) -> Any:
    """``NaN`` and ``Infinity``, which Python's json reads but JSON does not have."""
    raise Invalid(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999: valid JSON, but no number can hold it
        raise Invalid(f"the number {text[:40]} is out of range")
    return value


class NotFound(Exception):
    def __init__(self, what: str, ident: str) -> None:
        super().__init__(f"{what} {ident} not found")


def found(thing: Optional[T], what: str, ident: str) -> T:
    """``thing``, or a 404 naming what was not found."""
    if thing is None:
        raise NotFound(what, ident)
    return thing


def page(request: Request) -> Tuple[int, int]:
    """``limit`` and ``offset`` of a list operation. The live API documents no maximum for
    ``limit``, so none is applied."""
    limit = query_int(request.query, "limit", 10, 1, None)
    offset = query_int(request.query, "offset", 0, 0, None)
    return limit, offset
