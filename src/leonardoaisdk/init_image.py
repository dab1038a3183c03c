"""The ``init_image`` sub-client.

Init images: images uploaded to start a generation from (image-to-image).
"""

from __future__ import annotations

from typing import Optional

from ._operations import INITIMAGE_OPERATIONS, InitImageOperations
from ._pipeline import TimeoutArg
from ._retry import RetriesArg
from ._steps import Steps, run_sync
from ._subclient import ClientBase
from ._uploads import ImageSource, checked_image, send_to_slot
from .models import operations

OPERATIONS = INITIMAGE_OPERATIONS


class InitImageWorkflows(ClientBase):
    """The steps of the init image workflows, shared by ``InitImage`` and ``AsyncInitImage``."""

    def _upload_steps(
        self, image: ImageSource, extension: Optional[str], timeout: TimeoutArg, retries: RetriesArg
    ) -> Steps[str]:
        upload = checked_image(image, extension)
        request = operations.UploadInitImageRequestBody(extension=upload.extension)
        answer = yield self.upload_init_image(  # type: ignore[attr-defined]
            request, timeout=timeout, retries=retries
        )
        slot = answer.object.upload_init_image if answer.object is not None else None
        slot_id: str = yield from send_to_slot(
            self._pipeline, upload, slot, "init image", timeout, retries
        )
        return slot_id


class InitImage(InitImageWorkflows, InitImageOperations):
    """InitImage operations; keyword-only ``timeout`` and ``retries`` as on ``generation``."""

    def upload(
        self,
        image: ImageSource,
        *,
        extension: Optional[str] = None,
        timeout: TimeoutArg = None,
        retries: RetriesArg = None,
    ) -> str:
        """Upload an image (a path or its bytes) and return its id, for ``init_image_id`` of
        ``generation.create_generation``.

        The whole flow: the file is checked first (it exists, is a PNG, JPEG or WebP by its
        bytes, and matches ``extension`` if given), then ``upload_init_image`` asks for an
        upload slot and the file is POSTed to it with the slot's form fields and no API key.
        """
        return run_sync(self._upload_steps(image, extension, timeout, retries))
