"""Every default the SDK uses, in one place."""

from __future__ import annotations

import platform

from ._version import __version__

SERVERS = ("https://cloud.leonardo.ai/api/rest/v1",)
"""Server URLs, chosen by ``server_idx``; the first is the default."""

API_KEY_ENV = "LEONARDO_API_KEY"
"""Environment variable read for the bearer token when none is passed."""
SERVER_URL_ENV = "LEONARDO_SERVER_URL"
"""Environment variable read for the base URL when neither ``server_url`` nor ``server_idx``
is passed (``leonardo serve`` prints it for its local server); empty counts as unset."""

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
"""Seconds. Every request has both; ``timeout=`` overrides them per SDK or per call. The
connect timeout bounds making the connection; the read timeout bounds the whole answer of an
attempt, from the request sent to the last byte of the body."""
MAX_TIMEOUT = 86_400.0
"""The largest timeout accepted (a day): sockets and ``poll`` cannot wait arbitrarily long."""

MAX_RETRIES = 2
BACKOFF_INITIAL_MS = 500
BACKOFF_MAX_MS = 8_000
BACKOFF_EXPONENT = 2.0
BACKOFF_JITTER = 0.2
"""Each backoff wait is scaled by a random factor in [1 - jitter, 1 + jitter]."""
MAX_ELAPSED_MS = 120_000
MAX_RETRY_AFTER_MS = 60_000
"""A ``Retry-After`` longer than this is not waited for: the error is raised instead."""

POOL_MAXSIZE = 32
"""Connections kept per host by the SDK's own session (enough for a thread pool)."""

USER_AGENT = (
    f"leonardoaisdk/{__version__} ({platform.python_implementation()} {platform.python_version()})"
)

WAIT_TIMEOUT = 300.0
MODEL_WAIT_TIMEOUT = 3600.0
"""Training a custom model takes minutes, not seconds: ``wait_for_model`` waits an hour."""
WAIT_POLL_INTERVAL = 1.0
WAIT_ERROR_BACKOFF = 2.0
WAIT_MAX_POLL_INTERVAL = 10.0
"""Waiting for a job: poll every ``poll_interval`` s (1 s), so that completion is noticed
within about a second at one request a second; after a 5xx or a failed connection the interval
doubles, up to 10 s, until a poll succeeds again."""

BATCH_CONCURRENCY = 10
"""Jobs in flight in ``generate_many`` when ``GET /me`` reports no ``apiConcurrencySlots`` (the
API's default for image jobs)."""
BATCH_POLL_INTERVAL = 0.1
"""A batch's tick: one listing request covers all its jobs in flight, so it can look ten times
a second (noticing a finished job within 0.1 s, to start the next) and, with ten jobs in
flight, still make no more requests per job than a single wait."""

LIST_PAGE_SIZE = 50
DOWNLOAD_CHUNK_BYTES = 64 * 1024
DOWNLOAD_PARALLEL = 8
"""Files of one generation fetched at once by ``download_images`` (a generation has up to 8)."""

MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""An API answer larger than this (counted after decompression) is refused, unread:
``ResponseValidationError``. A page of 50 generations is about 100 KiB."""
MAX_DOWNLOAD_BYTES = 1024 * 1024 * 1024
"""One downloaded image or video larger than this (after decompression) is refused and deleted."""
