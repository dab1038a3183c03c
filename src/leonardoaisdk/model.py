"""The ``model`` sub-client.

Custom models (trained from a dataset), platform models, and 3D models for texture generations.
"""

from __future__ import annotations

from ._operations import MODEL_OPERATIONS, ModelOperations

OPERATIONS = MODEL_OPERATIONS


class Model(ModelOperations):
    """Model operations; keyword-only ``timeout`` and ``retries`` as on ``generation``."""
