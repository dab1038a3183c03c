"""``LeonardoAiSDK``: holds auth, settings and one HTTP session; exposes the sub-clients."""

from __future__ import annotations

from typing import Any, Dict, Optional

import requests

from . import _defaults
from ._config import BearerAuth
from ._pipeline import Pipeline, TimeoutArg
from ._redact import safe_url
from ._retry import RetriesArg
from ._settings import engine_settings
from ._transport import RequestsTransport, new_session
from .dataset import Dataset
from .element import Element
from .generation import Generation
from .init_image import InitImage
from .model import Model
from .models.errors import ConfigurationError
from .user import User
from .variation import Variation


class LeonardoAiSDK:
    """Client for the Leonardo.Ai REST API.

    Args:
        bearer_auth: the API key, or a zero-argument callable returning it (called for every
            request, so keys can rotate). Defaults to the ``LEONARDO_API_KEY`` environment variable.
        security: the older form, ``shared.Security(bearer_auth=...)``; use one or the other.
        server_idx: index into the known servers (only ``0`` today).
        server_url: base URL to use instead, e.g. a local server; ``{name}`` placeholders are
            filled from ``url_params``.
        client: a ``requests.Session`` to send with. The SDK never changes its settings and
            does not close it.
        retry_config: a ``utils.RetryConfig``, or ``"none"`` to disable retries.
        timeout: seconds, or a ``(connect, read)`` tuple; defaults to (10, 60). The read
            timeout bounds the whole answer of each attempt, not one read of it; a call with its
            retries ends within the retry policy's ``max_elapsed_time``.
        max_response_bytes: an API answer larger than this (after decompression) is refused
            with ``ResponseValidationError``, unread; default 32 MiB.
        max_download_bytes: the same for each image or video ``download_images`` saves;
            default 1 GiB.
    """

    dataset: Dataset
    element: Element
    generation: Generation
    init_image: InitImage
    model: Model
    user: User
    variation: Variation

    def __init__(
        self,
        bearer_auth: Optional[BearerAuth] = None,
        *,
        security: Any = None,
        server_idx: Optional[int] = None,
        server_url: Optional[str] = None,
        url_params: Optional[Dict[str, str]] = None,
        client: Optional[requests.Session] = None,
        retry_config: RetriesArg = None,
        timeout: TimeoutArg = None,
        max_response_bytes: int = _defaults.MAX_RESPONSE_BYTES,
        max_download_bytes: int = _defaults.MAX_DOWNLOAD_BYTES,
    ) -> None:
        settings = engine_settings(
            bearer_auth,
            security,
            server_idx,
            server_url,
            url_params,
            retry_config,
            timeout,
            max_response_bytes,
            max_download_bytes,
        )
        if client is not None and not isinstance(client, requests.Session):
            raise ConfigurationError(
                f"client must be a requests.Session, not {type(client).__name__}"
            )
        self._owns_session = client is None
        session = client if client is not None else new_session()
        transport = RequestsTransport(session, owns_session=self._owns_session)
        self._pipeline = Pipeline(transport, **settings)
        self.dataset = Dataset(self._pipeline)
        self.element = Element(self._pipeline)
        self.generation = Generation(self._pipeline)
        self.init_image = InitImage(self._pipeline)
        self.model = Model(self._pipeline)
        self.user = User(self._pipeline)
        self.variation = Variation(self._pipeline)

    @property
    def server_url(self) -> str:
        return self._pipeline.server_url

    def close(self) -> None:
        """Close the HTTP session, if the SDK created it."""
        if self._owns_session:
            self._pipeline.session.close()

    def __enter__(self) -> LeonardoAiSDK:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"LeonardoAiSDK(server_url={safe_url(self.server_url)!r})"
