"""Turning constructor arguments into the pipeline's settings: token source and server URL."""

from __future__ import annotations

import os
import re
from typing import Any, Callable, Dict, List, Optional, Union

from . import _defaults
from .models.errors import ConfigurationError

BearerAuth = Union[str, Callable[[], str]]

_NO_KEY = (
    "No API key: pass LeonardoAiSDK(bearer_auth='...') (a string, or a function returning one), "
    f"or set the {_defaults.API_KEY_ENV} environment variable. "
    "Keys are created at https://app.leonardo.ai/api-access."
)


def resolve_token(bearer_auth: Optional[BearerAuth], security: Any) -> Callable[[], str]:
    """A zero-argument function giving the token for each request."""
    if bearer_auth is not None and security is not None:
        raise ConfigurationError("pass bearer_auth or security, not both")
    if security is not None:
        bearer_auth = getattr(security, "bearer_auth", None)
        if bearer_auth is None:
            raise ConfigurationError("security must be a shared.Security(bearer_auth=...)")
    if callable(bearer_auth):
        return bearer_auth
    if bearer_auth is not None and not isinstance(bearer_auth, str):
        raise ConfigurationError(
            "bearer_auth must be a str or a callable returning one, "
            f"not {type(bearer_auth).__name__}"
        )
    from_env = not bearer_auth
    token = (bearer_auth or os.environ.get(_defaults.API_KEY_ENV, "")).strip()
    if not token:
        raise ConfigurationError(_NO_KEY)
    check_token(token, f"${_defaults.API_KEY_ENV}" if from_env else "bearer_auth")
    return lambda: token


def resolve_limit(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"{name} must be a positive int (bytes), not {value!r}")
    return value


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def server_url_from_environment() -> Optional[str]:
    """``$LEONARDO_SERVER_URL``, or None when it is unset or empty (``VAR= command`` unsets a
    variable for one command in a shell)."""
    return os.environ.get(_defaults.SERVER_URL_ENV) or None


def resolve_server_url(
    url: Optional[str], index: Optional[int], url_params: Optional[Dict[str, str]]
) -> str:
    """The base URL: ``url`` if given, else ``SERVERS[index]`` if given, else
    ``$LEONARDO_SERVER_URL`` if set, else the first server; with ``{name}`` placeholders
    filled from ``url_params``."""
    source = "server_url"
    if url is None and index is None:
        url = server_url_from_environment()
        source = f"${_defaults.SERVER_URL_ENV}"
    if url is None:
        if index is None:
            index = 0
        if (
            isinstance(index, bool)
            or not isinstance(index, int)
            or not 0 <= index < len(_defaults.SERVERS)
        ):
            raise ConfigurationError(
                f"server_idx must be an int from 0 to {len(_defaults.SERVERS) - 1}, not {index!r}"
            )
        url = _defaults.SERVERS[index]
    return check_server_url(url, url_params, source)


def placeholders(url: str) -> List[str]:
    """The ``{name}`` placeholders of ``url``, in order."""
    return _PLACEHOLDER.findall(url)


def check_server_url(url: Any, url_params: Optional[Dict[str, str]], source: str) -> str:
    """``url`` with its placeholders filled and no trailing ``/``; else a
    ``ConfigurationError`` that names ``source`` (where the URL came from)."""
    if not isinstance(url, str):
        raise ConfigurationError(f"{source} must be a str, not {type(url).__name__}")
    params = url_params or {}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            raise ConfigurationError(f"{source} needs url_params[{name!r}]")
        return str(params[name])

    filled: str = _PLACEHOLDER.sub(fill, url).rstrip("/")
    if not filled.startswith(("http://", "https://")):
        raise ConfigurationError(f"{source} must start with http:// or https://, not {filled!r}")
    return filled


def check_token(token: Any, source: str) -> str:
    """``token`` if an HTTP header can carry it; else a ``ConfigurationError`` saying why."""
    if not isinstance(token, str) or not token:
        raise ConfigurationError(f"{source} must give a non-empty str, not {type(token).__name__}")
    if token.lower().startswith("bearer "):
        raise ConfigurationError(
            f"{source} starts with 'Bearer ': pass the API key alone, without the prefix"
        )
    if not (token.isascii() and token.isprintable()) or " " in token:
        raise ConfigurationError(
            f"{source} must be printable ASCII without spaces (an HTTP header carries it); "
            "check that the whole key was copied, and nothing else"
        )
    return token
