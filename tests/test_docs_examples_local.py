"""The documented example of every operation (docs/sdks/*/README.md, in the official SDK's
form: placeholder key, placeholder ids) runs unchanged against LocalLeonardo.

Run as written, an example either completes or gets the answer the API gives its placeholder
input (a typed ``APIStatusError``: 400 or 404 for an id like ``'<value>'``). Anything else, a
``TypeError`` from a signature, an ``AttributeError`` from a model, a decode error, means the
documented surface and the SDK disagree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

from leonardoaisdk import _defaults, errors
from leonardoaisdk.testing import LocalLeonardo

from .snippets import python_blocks, run

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER_KEY = "<YOUR_BEARER_TOKEN_HERE>"


def examples() -> List[Tuple[str, str]]:
    found = []
    for page in sorted((ROOT / "docs" / "sdks").glob("*/README.md")):
        for line, code in python_blocks(page):
            if PLACEHOLDER_KEY in code:
                found.append((f"{page.parent.name}:{line}", code))
    return found


EXAMPLES = examples()


@pytest.fixture(scope="module")
def server() -> Iterator[LocalLeonardo]:
    with LocalLeonardo(api_key=PLACEHOLDER_KEY, complete_after=0) as local:
        yield local


def test_every_operation_has_an_example() -> None:
    assert len(EXAMPLES) >= 31


@pytest.mark.parametrize(("where", "code"), EXAMPLES, ids=[w for w, _ in EXAMPLES])
def test_the_example_runs_unchanged_against_local_leonardo(
    where: str, code: str, server: LocalLeonardo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(_defaults, "SERVERS", (server.url,))  # the default server, as written
    monkeypatch.chdir(tmp_path)
    before = len(server.request_log)
    try:
        run(code, where)
    except errors.APIStatusError as exc:
        assert exc.status_code in (400, 404), exc
    assert len(server.request_log) > before  # it reached the server
