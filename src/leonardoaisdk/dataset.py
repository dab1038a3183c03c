"""The ``dataset`` sub-client.

Datasets: create one, upload images to it (to train a custom model from).
"""

from __future__ import annotations

from ._operations import DATASET_OPERATIONS, DatasetOperations

OPERATIONS = DATASET_OPERATIONS


class Dataset(DatasetOperations):
    """Dataset operations; keyword-only ``timeout`` and ``retries`` as on ``generation``."""
