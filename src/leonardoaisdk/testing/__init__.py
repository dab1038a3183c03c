"""A local Leonardo API server for offline development and for tests.

    from leonardoaisdk.testing import LocalLeonardo

    with LocalLeonardo() as server:
        s = LeonardoAiSDK(bearer_auth=server.api_key, server_url=server.url)

Also a pytest plugin (fixtures ``leonardo_server`` and ``leonardo_sdk``) and a command:
``python -m leonardoaisdk.testing --port 8765``.
"""

from ._server import LocalLeonardo, RecordedRequest
from ._webhooks import WebhookDelivery

__all__ = ["LocalLeonardo", "RecordedRequest", "WebhookDelivery"]
