"""The constructor arguments both clients share, turned into their engine's settings once."""

from __future__ import annotations

from typing import Any, Dict, Optional

from . import _defaults
from ._config import resolve_limit, resolve_server_url, resolve_token
from ._engine import TimeoutArg, normalize_timeout
from ._retry import RetriesArg, RetryPolicy


def engine_settings(
    bearer_auth: Any,
    security: Any,
    server_idx: Optional[int],
    server_url: Optional[str],
    url_params: Optional[Dict[str, str]],
    retry_config: RetriesArg,
    timeout: TimeoutArg,
    max_response_bytes: int,
    max_download_bytes: int,
) -> Dict[str, Any]:
    """``Engine(**settings)``'s keyword arguments; every bad value is refused here, when the
    client is made, with a ``ConfigurationError``."""
    token = resolve_token(bearer_auth, security)
    return {
        "server_url": resolve_server_url(server_url, server_idx, url_params),
        "token": token,
        "timeout": normalize_timeout(timeout, (_defaults.CONNECT_TIMEOUT, _defaults.READ_TIMEOUT)),
        "retries": RetryPolicy.from_config(retry_config),
        "max_response_bytes": resolve_limit("max_response_bytes", max_response_bytes),
        "max_download_bytes": resolve_limit("max_download_bytes", max_download_bytes),
    }
