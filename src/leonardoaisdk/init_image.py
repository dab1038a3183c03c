"""The ``init_image`` sub-client.

Init images: images uploaded to start a generation from (image-to-image).
"""

from __future__ import annotations

from ._operations import INITIMAGE_OPERATIONS, InitImageOperations

OPERATIONS = INITIMAGE_OPERATIONS


class InitImage(InitImageOperations):
    """InitImage operations; keyword-only ``timeout`` and ``retries`` as on ``generation``."""
