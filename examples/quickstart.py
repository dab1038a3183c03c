"""Create a generation, wait for it, list, download the images, delete it.

    python examples/quickstart.py [--out DIR]

With LEONARDO_API_KEY set this talks to the real Leonardo API (and spends credits); without,
it starts the built-in local server (leonardoaisdk.testing.LocalLeonardo) and runs against it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time
from pathlib import Path
from typing import Iterator, Tuple

import leonardoaisdk
from leonardoaisdk.models import operations, shared
from leonardoaisdk.testing import LocalLeonardo


@contextlib.contextmanager
def connect() -> Iterator[Tuple[leonardoaisdk.LeonardoAiSDK, str]]:
    if os.environ.get("LEONARDO_API_KEY"):
        with leonardoaisdk.LeonardoAiSDK() as sdk:
            yield sdk, "the Leonardo API"
        return
    with LocalLeonardo() as server:
        sdk = leonardoaisdk.LeonardoAiSDK(bearer_auth=server.api_key, server_url=server.url)
        with sdk:
            yield sdk, f"the local server at {server.url} (set LEONARDO_API_KEY for the real API)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out/quickstart", help="where to save the images")
    out = Path(parser.parse_args().out)

    with connect() as (s, where):
        print(f"Using {where}")
        me = s.user.get_user_self().object.user_details[0].user
        print(f"Signed in as {me.username} ({me.id})")

        request = operations.CreateGenerationRequestBody(
            prompt="A lighthouse on a cliff at dusk, oil on canvas",
            num_images=2,
            width=512,
            height=384,
            preset_style=shared.SdGenerationStyle.CINEMATIC,
        )
        job = s.generation.create_generation(request).object.sd_generation_job
        print(f"Created generation {job.generation_id} (cost: {job.api_credit_cost} credits)")

        started = time.monotonic()
        generation = s.generation.wait_for_generation(
            job.generation_id, on_progress=lambda g: print(f"  status: {g.status}")
        )
        count = len(generation.generated_images)
        print(f"Complete after {time.monotonic() - started:.1f}s with {count} images")

        listed = s.generation.get_generations_by_user_id(user_id=me.id, limit=5)
        print(f"Your latest generations: {[g.id for g in listed.object.generations]}")

        for path in s.generation.download_images(generation, out):
            print(f"Saved {path} ({path.stat().st_size} bytes)")

        s.generation.delete_generation_by_id(id=job.generation_id)
        print(f"Deleted generation {job.generation_id}")


if __name__ == "__main__":
    main()
