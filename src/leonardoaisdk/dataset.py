"""The ``dataset`` sub-client.

Datasets: create one, upload images to it (to train a custom model from).
"""

from __future__ import annotations

from typing import Optional

from ._operations import DATASET_OPERATIONS, DatasetOperations
from ._pipeline import TimeoutArg
from ._retry import RetriesArg
from ._steps import Steps, run_sync
from ._subclient import ClientBase
from ._uploads import ImageSource, checked_image, send_to_slot
from .models import operations

OPERATIONS = DATASET_OPERATIONS


class DatasetWorkflows(ClientBase):
    """The steps of the dataset workflows, shared by ``Dataset`` and ``AsyncDataset``."""

    def _upload_image_steps(
        self,
        dataset_id: str,
        image: ImageSource,
        extension: Optional[str],
        timeout: TimeoutArg,
        retries: RetriesArg,
    ) -> Steps[str]:
        upload = checked_image(image, extension)
        request = operations.UploadDatasetImageRequestBody(extension=upload.extension)
        answer = yield self.upload_dataset_image(  # type: ignore[attr-defined]
            request, dataset_id, timeout=timeout, retries=retries
        )
        slot = answer.object.upload_dataset_image if answer.object is not None else None
        slot_id: str = yield from send_to_slot(
            self._pipeline, upload, slot, "dataset image", timeout, retries
        )
        return slot_id


class Dataset(DatasetWorkflows, DatasetOperations):
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
        return run_sync(self._upload_image_steps(dataset_id, image, extension, timeout, retries))
