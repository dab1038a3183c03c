"""The local server's uploaded resources: init images, datasets and their images, 3D models.

Each record names the upload key its file is stored under (see ``_uploads``); a record exists
from the moment its upload is issued, and its file once the presigned POST succeeded. All
access goes through one lock; readers get copies.
"""

from __future__ import annotations

import dataclasses
import threading
import uuid
from typing import Dict, List, Optional

from ._state import now_iso


@dataclasses.dataclass
class InitImage:
    id: str
    key: str
    owner: str
    created_at: str = dataclasses.field(default_factory=now_iso)


@dataclasses.dataclass
class DatasetImage:
    id: str
    key: str
    created_at: str = dataclasses.field(default_factory=now_iso)


@dataclasses.dataclass
class Dataset:
    id: str
    name: str
    description: Optional[str]
    owner: str
    images: List[DatasetImage] = dataclasses.field(default_factory=list)
    created_at: str = dataclasses.field(default_factory=now_iso)
    updated_at: str = dataclasses.field(default_factory=now_iso)


@dataclasses.dataclass
class ModelAsset:
    id: str
    key: str
    name: Optional[str]
    owner: str
    sequence: int
    created_at: str = dataclasses.field(default_factory=now_iso)


class Records:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._init_images: Dict[str, InitImage] = {}
        self._datasets: Dict[str, Dataset] = {}
        self._model_assets: Dict[str, ModelAsset] = {}
        self._sequence = 0

    # --- init images --------------------------------------------------------------------------

    def add_init_image(self, owner: str, extension: str) -> InitImage:
        ident = str(uuid.uuid4())
        image = InitImage(ident, f"init-images/{ident}.{extension}", owner)
        with self._lock:
            self._init_images[ident] = image
        return image

    def init_image(self, ident: str) -> Optional[InitImage]:
        with self._lock:
            return self._init_images.get(ident)

    def remove_init_image(self, ident: str) -> Optional[InitImage]:
        with self._lock:
            return self._init_images.pop(ident, None)

    # --- datasets -----------------------------------------------------------------------------

    def add_dataset(self, owner: str, name: str, description: Optional[str]) -> Dataset:
        dataset = Dataset(str(uuid.uuid4()), name, description, owner)
        with self._lock:
            self._datasets[dataset.id] = dataset
        return dataset

    def dataset(self, ident: str) -> Optional[Dataset]:
        with self._lock:
            found = self._datasets.get(ident)
            return dataclasses.replace(found, images=list(found.images)) if found else None

    def add_dataset_image(self, dataset_id: str, extension: str) -> Optional[DatasetImage]:
        ident = str(uuid.uuid4())
        image = DatasetImage(ident, f"datasets/{ident}.{extension}")
        with self._lock:
            dataset = self._datasets.get(dataset_id)
            if dataset is None:
                return None
            dataset.images.append(image)
            dataset.updated_at = image.created_at
        return image

    def remove_dataset(self, ident: str) -> Optional[Dataset]:
        with self._lock:
            return self._datasets.pop(ident, None)

    # --- 3D models ----------------------------------------------------------------------------

    def add_model_asset(self, owner: str, name: Optional[str], extension: str) -> ModelAsset:
        ident = str(uuid.uuid4())
        with self._lock:
            self._sequence += 1
            asset = ModelAsset(ident, f"models-3d/{ident}.{extension}", name, owner, self._sequence)
            self._model_assets[ident] = asset
        return asset

    def model_asset(self, ident: str) -> Optional[ModelAsset]:
        with self._lock:
            return self._model_assets.get(ident)

    def model_assets_newest_first(self, owner: str) -> List[ModelAsset]:
        with self._lock:
            assets = [a for a in self._model_assets.values() if a.owner == owner]
        return sorted(assets, key=lambda a: a.sequence, reverse=True)

    def remove_model_asset(self, ident: str) -> Optional[ModelAsset]:
        with self._lock:
            return self._model_assets.pop(ident, None)
