"""The ``dataset`` sub-client.

Datasets: create one, upload images to it (to train a custom model from).
"""

from __future__ import annotations

from typing import Optional

from ._operations import DATASET_OPERATIONS, DatasetOperations
from ._pipeline import TimeoutArg
from ._retry import RetriesArg
from ._uploads import ImageSource, checked_image, send_to_slot
from .models import operations

OPERATIONS = DATASET_OPERATIONS


class Dataset(DatasetOperations):
    """Dataset operations; keyword-only ``timeout`` and ``retries`` as on ``generation``."""

    def upload_image(
        self,
        dataset_id: str,
        image: ImageSource,
        *,
        extension: Optional[str] = None,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> str:
        """Upload an image (a path or its bytes) into dataset ``dataset_id``; return the
        dataset image's id. Checked and sent as ``init_image.upload`` does."""
        upload = checked_image(image, extension)
        request = operations.UploadDatasetImageRequestBody(extension=upload.extension)
        body = self.upload_dataset_image(
            request, dataset_id, timeout=timeout, retries=retries
        ).object
        slot = body.upload_dataset_image if body is not None else None
        return send_to_slot(self._pipeline, upload, slot, "dataset image", timeout, retries)
