"""The local server's jobs: generations (image and motion), textures, variations, model trainings.

A job is ``PENDING`` until ``complete_after`` seconds have passed since it was created, then
``COMPLETE`` (or whatever :meth:`Store.force` set). Status is computed when read, so no
background thread is needed. All access goes through one lock.
"""

from __future__ import annotations

import dataclasses
import datetime
import threading
import time
import uuid
from typing import Any, Dict, List, Optional, Tuple

PENDING, COMPLETE, FAILED = "PENDING", "COMPLETE", "FAILED"
TEXTURE_TYPES = ("ALBEDO", "NORMAL", "ROUGHNESS", "DISPLACEMENT")


def now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


@dataclasses.dataclass
class Job:
    id: str
    kind: str  # "image", "motion", "texture", "variation" or "model"
    owner: str  # user id; model asset id for textures; source image id for variations
    sequence: int
    ready_at: float
    params: Dict[str, Any]
    image_ids: List[str]
    cost: int
    created_at: str = dataclasses.field(default_factory=now_iso)
    forced_status: Optional[str] = None

    def status(self, now: float) -> str:
        if self.forced_status is not None:
            return self.forced_status
        return COMPLETE if now >= self.ready_at else PENDING


class Store:
    def __init__(self, complete_after: float) -> None:
        self.complete_after = complete_after
        self._lock = threading.Lock()
        self._jobs: Dict[str, Job] = {}
        self._images: Dict[str, Tuple[str, int]] = {}  # image id -> (job id, index)
        self._variations: Dict[str, List[str]] = {}  # source image id -> variation job ids
        self._sequence = 0

    def add(self, kind: str, owner: str, params: Dict[str, Any], images: int, cost: int) -> Job:
        with self._lock:
            self._sequence += 1
            job = Job(
                id=str(uuid.uuid4()),
                kind=kind,
                owner=owner,
                sequence=self._sequence,
                ready_at=time.monotonic() + self.complete_after,
                params=params,
                image_ids=[str(uuid.uuid4()) for _ in range(images)],
                cost=cost,
            )
            self._jobs[job.id] = job
            for index, image_id in enumerate(job.image_ids):
                self._images[image_id] = (job.id, index)
            if kind == "variation":
                self._variations.setdefault(owner, []).append(job.id)
            return job

    def get(self, job_id: str, kinds: Tuple[str, ...]) -> Optional[Job]:
        with self._lock:
            job = self._jobs.get(job_id)
            return job if job is not None and job.kind in kinds else None

    def remove(self, job_id: str, kinds: Tuple[str, ...]) -> Optional[Job]:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.kind not in kinds:
                return None
            del self._jobs[job_id]
            for image_id in job.image_ids:
                self._images.pop(image_id, None)
            return job

    def variations_of(self, image_ids: List[str]) -> Dict[str, List[Job]]:
        """The variation jobs made from each of these images, oldest first."""
        with self._lock:
            return {
                image_id: [
                    self._jobs[j] for j in self._variations.get(image_id, ()) if j in self._jobs
                ]
                for image_id in image_ids
            }

    def completed(self, job_id: str, kinds: Tuple[str, ...]) -> Optional[Job]:
        """The job, if it is of one of these kinds and COMPLETE."""
        job = self.get(job_id, kinds)
        if job is None or job.status(time.monotonic()) != COMPLETE:
            return None
        return job

    def newest_first(self, kinds: Tuple[str, ...], owner: str) -> List[Job]:
        with self._lock:
            jobs = [j for j in self._jobs.values() if j.kind in kinds and j.owner == owner]
        return sorted(jobs, key=lambda j: j.sequence, reverse=True)

    def image(self, image_id: str) -> Optional[Tuple[Job, int]]:
        """The completed job an image belongs to, and its index."""
        with self._lock:
            found = self._images.get(image_id)
            if found is None:
                return None
            job = self._jobs[found[0]]
        if job.status(time.monotonic()) != COMPLETE:
            return None
        return job, found[1]

    def force(self, job_id: str, status: str) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise KeyError(f"no job {job_id!r} on this server")
            job.forced_status = status


def generation_json(
    job: Job, origin: str, now: float, variations: Optional[Dict[str, List[Job]]] = None
) -> Dict[str, Any]:
    """A generation as ``GET /generations/{id}`` and the user listing send it, with the
    variations made from each image (``variations``, by image id)."""
    p = job.params
    status = job.status(now)
    motion = job.kind == "motion"
    images: List[Dict[str, Any]] = []
    if status == COMPLETE:
        for image_id in job.image_ids:
            images.append(
                {
                    "id": image_id,
                    "url": f"{origin}/cdn/generations/{job.id}/{image_id}.png",
                    "nsfw": False,
                    "likeCount": 0,
                    "motion": motion or None,
                    "motionMP4URL": f"{origin}/cdn/motion/{job.id}/{image_id}.mp4"
                    if motion
                    else None,
                    "motionModel": "SVD" if motion else None,
                    "motionStrength": p.get("motionStrength") if motion else None,
                    "imageToVideo": motion or None,
                    "generated_image_variation_generics": [
                        _variation_summary(v, origin, now)
                        for v in (variations or {}).get(image_id, ())
                    ],
                }
            )
    return {
        "id": job.id,
        "createdAt": job.created_at,
        "status": status,
        "prompt": p.get("prompt", ""),
        "negativePrompt": p.get("negative_prompt"),
        "imageWidth": p["width"],
        "imageHeight": p["height"],
        "inferenceSteps": p.get("num_inference_steps"),
        "seed": p["seed"],
        "public": bool(p.get("public")),
        "scheduler": p.get("scheduler", "EULER_DISCRETE"),
        "sdVersion": p.get("sd_version", "v1_5"),
        "presetStyle": p.get("presetStyle"),
        "initStrength": p.get("init_strength"),
        "guidanceScale": p.get("guidance_scale"),
        "modelId": p.get("modelId"),
        "promptMagic": bool(p.get("promptMagic")),
        "promptMagicStrength": p.get("promptMagicStrength"),
        "promptMagicVersion": p.get("promptMagicVersion"),
        "photoReal": bool(p.get("photoReal")),
        "photoRealStrength": p.get("photoRealStrength"),
        "generated_images": images,
        "generation_elements": [],
    }


def texture_json(job: Job, origin: str, now: float) -> Dict[str, Any]:
    """A texture job as ``GET /generations-texture/...`` sends it."""
    status = job.status(now)
    images: List[Dict[str, Any]] = []
    if status == COMPLETE:
        images = [
            {"id": image_id, "type": kind, "url": f"{origin}/cdn/textures/{job.id}/{image_id}.png"}
            for image_id, kind in zip(job.image_ids, TEXTURE_TYPES)
        ]
    return {
        "id": job.id,
        "createdAt": job.created_at,
        "status": status,
        "prompt": job.params["prompt"],
        "negativePrompt": job.params.get("negative_prompt"),
        "seed": job.params["seed"],
        "model_asset_texture_images": images,
    }


def variation_url(job: Job, origin: str) -> str:
    return f"{origin}/cdn/variations/{job.id}/{job.id}.png"


def _variation_summary(job: Job, origin: str, now: float) -> Dict[str, Any]:
    status = job.status(now)
    return {
        "id": job.id,
        "status": status,
        "transformType": job.params["transformType"],
        "url": variation_url(job, origin) if status == COMPLETE else None,
    }


def variation_json(job: Job, origin: str, now: float) -> Dict[str, Any]:
    """A variation as ``GET /variations/{id}`` sends it."""
    return {"createdAt": job.created_at, **_variation_summary(job, origin, now)}
