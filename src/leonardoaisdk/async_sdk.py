"""``AsyncLeonardoAiSDK``: the async client, for services that run on an event loop.

The same constructor arguments, environment variables, operations and workflows as
``LeonardoAiSDK``, as coroutines, sent with ``httpx`` (the ``leonardoaisdk[async]`` extra).
Both clients drive the same engine (``_engine.py``): what is sent, what may be sent again,
deadlines, caps, redaction and decoding are one piece of code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable, Callable, Dict, Optional, Union

from . import _defaults
from ._engine import TimeoutArg
from ._redact import safe_url
from ._retry import RetriesArg
from ._settings import engine_settings
from .models.errors import ConfigurationError

if TYPE_CHECKING:
    import httpx

    from ._async_pipeline import AsyncPipeline
    from ._async_subclients import (
        AsyncDataset,
        AsyncElement,
        AsyncGeneration,
        AsyncInitImage,
        AsyncModel,
        AsyncUser,
        AsyncVariation,
    )

AsyncBearerAuth = Union[str, Callable[[], str], Callable[[], Awaitable[str]]]

_NO_HTTPX = (
    "AsyncLeonardoAiSDK sends with httpx, which is not installed: "
    "pip install 'leonardoaisdk[async]'"
)


class AsyncLeonardoAiSDK:
    """Async client for the Leonardo.Ai REST API.

    Takes the arguments of ``LeonardoAiSDK``; ``bearer_auth`` may also be an async callable,
    and ``client`` is an ``httpx.AsyncClient``, whose settings the SDK never changes and which
    it does not close. Use ``async with AsyncLeonardoAiSDK() as s:`` or ``await s.aclose()``.
    """

    dataset: AsyncDataset
    element: AsyncElement
    generation: AsyncGeneration
    init_image: AsyncInitImage
    model: AsyncModel
    user: AsyncUser
    variation: AsyncVariation

    def __init__(
        self,
        bearer_auth: Optional[AsyncBearerAuth] = None,
        *,
        security: Any = None,
        server_idx: Optional[int] = None,
        server_url: Optional[str] = None,
        url_params: Optional[Dict[str, str]] = None,
        client: Optional[httpx.AsyncClient] = None,
        retry_config: RetriesArg = None,
        timeout: TimeoutArg = None,
        max_response_bytes: int = _defaults.MAX_RESPONSE_BYTES,
        max_download_bytes: int = _defaults.MAX_DOWNLOAD_BYTES,
    ) -> None:
        try:
            import httpx
        except ImportError:
            raise ConfigurationError(_NO_HTTPX) from None
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
        if client is not None and not isinstance(client, httpx.AsyncClient):
            raise ConfigurationError(
                f"client must be an httpx.AsyncClient, not {type(client).__name__}"
            )
        from . import _async_subclients as clients
        from ._async_pipeline import AsyncPipeline
        from ._async_transport import HttpxTransport, new_client

        self._owns_client = client is None
        transport = HttpxTransport(client if client is not None else new_client())
        self._pipeline: AsyncPipeline = AsyncPipeline(transport, **settings)
        self.dataset = clients.AsyncDataset(self._pipeline)
        self.element = clients.AsyncElement(self._pipeline)
        self.generation = clients.AsyncGeneration(self._pipeline)
        self.init_image = clients.AsyncInitImage(self._pipeline)
        self.model = clients.AsyncModel(self._pipeline)
        self.user = clients.AsyncUser(self._pipeline)
        self.variation = clients.AsyncVariation(self._pipeline)

    @property
    def server_url(self) -> str:
        return self._pipeline.server_url

    async def aclose(self) -> None:
        """Close the HTTP client, if the SDK created it."""
        if self._owns_client:
            await self._pipeline.transport.close()

    async def __aenter__(self) -> AsyncLeonardoAiSDK:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"AsyncLeonardoAiSDK(server_url={safe_url(self.server_url)!r})"
