"""The local server's jobs: generations (image and motion), textures, variations, model trainings.

Each job draws its duration when it is created: ``complete_after`` seconds, or a uniform draw
from a ``(low, high)`` range made with a seeded generator, so the n-th job of a run always gets
the same duration. A job is ``PENDING`` until its duration has passed since it was created, then
``COMPLETE`` (or whatever :meth:`Store.force` set). Status is computed when read, so no
background thread is needed. All access goes through one lock. What must act when a job ends
even if nobody reads it (webhooks) learns each job's end time from :meth:`Store.watch`.

The live API limits how many jobs an account runs at once (10 image jobs, 10 3D jobs by
default). ``concurrency_limit`` mirrors that: a create that would make more jobs of one pool
``PENDING`` at once is refused (:class:`ConcurrencyLimitReached`) and creates nothing.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import random
import threading
import time
import uuid
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, Union

PENDING, COMPLETE, FAILED = "PENDING", "COMPLETE", "FAILED"
TEXTURE_TYPES = ("ALBEDO", "NORMAL", "ROUGHNESS", "DISPLACEMENT")

# Seconds, or a (low, high) range each job's duration is drawn from.
CompleteAfter = Union[float, Tuple[float, float]]

# Called with a job and the monotonic time it stops being PENDING, when it is created and when
# force() moves that time; outside the store's lock.
Watcher = Callable[["Job", float], None]

# Which concurrency pool each kind of job takes a slot of. The live API counts image jobs
# (generations, motion, upscale/nobg/unzoom variations) and 3D jobs (textures) separately, with
# the same default of 10; model trainings have their own, smaller limit, which is not modelled.
CONCURRENCY_POOLS = {"image": "image", "motion": "image", "variation": "image", "texture": "3D"}


def now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


@dataclasses.dataclass
class Job:
    id: str
    kind: str  # "image", "motion", "texture", "variation" or "model"
    owner: str  # user id; model asset id for textures; source image id for variations
    sequence: int
    started_at: float  # time.monotonic() at creation
    duration: float  # seconds it stays PENDING unless forced
    params: Dict[str, Any]
    image_ids: List[str]
    cost: int
    created_at: str = dataclasses.field(default_factory=now_iso)
    forced_status: Optional[str] = None
    announced: bool = False  # its end was handed to a watcher (Store.take_ended)
    ready_at: float = dataclasses.field(init=False)  # when it stops being PENDING

    def __post_init__(self) -> None:
        self.ready_at = self.started_at + self.duration

    def status(self, now: float) -> str:
        if self.forced_status is not None:
            return self.forced_status
        return COMPLETE if now >= self.ready_at else PENDING


class ConcurrencyLimitReached(Exception):
    def __init__(self, pool: str, limit: int) -> None:
        super().__init__(
            f"concurrency limit reached: {limit} {pool} jobs are already PENDING; "
            "wait for one to finish"
        )


def durations(complete_after: CompleteAfter) -> Tuple[float, float]:
    """``complete_after`` as a checked ``(low, high)`` range (a fixed time is ``(t, t)``)."""
    if isinstance(complete_after, (int, float)):
        low = high = float(complete_after)
    else:
        try:
            low, high = (float(bound) for bound in complete_after)
        except (TypeError, ValueError):
            raise ValueError(
                "complete_after must be a number of seconds or a (low, high) pair"
            ) from None
    if not (math.isfinite(low) and math.isfinite(high) and 0 <= low <= high):
        raise ValueError("complete_after must be finite, not negative, and low <= high")
    return low, high


class Store:
    def __init__(
        self, complete_after: CompleteAfter, *, seed: int = 0, concurrency_limit: Optional[int]
    ) -> None:
        self.shortest, self.longest = durations(complete_after)
        if concurrency_limit is not None and concurrency_limit < 1:
            raise ValueError("concurrency_limit must be at least 1, or None for no limit")
        self.concurrency_limit = concurrency_limit
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._jobs: Dict[str, Job] = {}
        self._images: Dict[str, Tuple[str, int]] = {}  # image id -> (job id, index)
        self._variations: Dict[str, List[str]] = {}  # source image id -> variation job ids
        # Only the jobs that were PENDING when last looked at, per pool: pruning them on each
        # create keeps the check O(limit) however many jobs the run has made.
        self._pending: Dict[str, Set[str]] = {}
        self._sequence = 0
        self._watchers: List[Watcher] = []

    def watch(self, watcher: Watcher) -> None:
        """Tell ``watcher`` each job's end time, now and whenever it changes."""
        self._watchers.append(watcher)

    def _tell(self, job: Job, ready_at: float) -> None:
        for watcher in self._watchers:
            watcher(job, ready_at)

    def _draw_duration(self) -> float:
        if self.shortest == self.longest:
            return self.shortest
        return self._random.uniform(self.shortest, self.longest)

    def _take_slot(self, pool: Optional[str], now: float) -> None:
        """Refuse a new job of ``pool`` if its PENDING jobs already fill the limit."""
        if pool is None or self.concurrency_limit is None:
            return
        pending = {
            j
            for j in self._pending.get(pool, ())
            if j in self._jobs and self._jobs[j].status(now) == PENDING
        }
        self._pending[pool] = pending
        if len(pending) >= self.concurrency_limit:
            raise ConcurrencyLimitReached(pool, self.concurrency_limit)

    def add(self, kind: str, owner: str, params: Dict[str, Any], images: int, cost: int) -> Job:
        """A new job, or :class:`ConcurrencyLimitReached` (and nothing created)."""
        pool = CONCURRENCY_POOLS.get(kind)
        with self._lock:
            now = time.monotonic()
            self._take_slot(pool, now)
            self._sequence += 1
            job = Job(
                id=str(uuid.uuid4()),
                kind=kind,
                owner=owner,
                sequence=self._sequence,
                started_at=now,
                duration=self._draw_duration(),
                params=params,
                image_ids=[str(uuid.uuid4()) for _ in range(images)],
                cost=cost,
            )
            self._jobs[job.id] = job
            # With complete_after=0 a job is done at once and holds no slot.
            if pool is not None and self.concurrency_limit is not None and job.duration > 0:
                self._pending[pool].add(job.id)
            for index, image_id in enumerate(job.image_ids):
                self._images[image_id] = (job.id, index)
            if kind == "variation":
                self._variations.setdefault(owner, []).append(job.id)
        self._tell(job, job.ready_at)
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
        """End a job now with ``status`` (its slot is free from this moment)."""
        with self._lock:
            job = self._job(job_id)
            job.forced_status = status
            job.ready_at = min(job.ready_at, time.monotonic())
            ready_at = job.ready_at
        self._tell(job, ready_at)

    def take_ended(self, job_id: str, kinds: Tuple[str, ...]) -> Optional[Job]:
        """The job, the first time it is asked for once it is of one of these kinds and no
        longer PENDING; ``None`` otherwise (unknown, deleted, pending, or taken before)."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.kind not in kinds or job.announced:
                return None
            if job.status(time.monotonic()) == PENDING:
                return None
            job.announced = True
            return job

    def timing(self, job_id: str) -> Tuple[float, float]:
        """A job's drawn duration, and the monotonic time it stops (or stopped) being PENDING."""
        with self._lock:
            job = self._job(job_id)
            return job.duration, job.ready_at

    def _job(self, job_id: str) -> Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise KeyError(f"no job {job_id!r} on this server")
        return job


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
