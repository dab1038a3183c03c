"""The examples of the seed Generation docs run against the SDK as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fake_api import mocked_api
from tests.snippets import python_blocks, run

SEEDS = Path(__file__).parents[1] / "spec" / "seeds"
SEED_001 = python_blocks(SEEDS / "001_ed6386231905c38a.txt")
SEED_000 = python_blocks(SEEDS / "000_f2e530b081cd2cb6.txt")


def test_seed_001_has_an_example_per_operation() -> None:
    assert len(SEED_001) == 9


@pytest.mark.parametrize(("line", "code"), SEED_001, ids=[f"line-{n}" for n, _ in SEED_001])
def test_seed_001_example_runs_unchanged(line: int, code: str) -> None:
    with mocked_api() as mock:
        namespace = run(code, f"seed-001:{line}")
        assert len(mock.calls) == 1
    assert namespace["res"].status_code == 200 and namespace["res"].object is not None


def test_seed_000_first_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    line, code = SEED_000[0]
    # As printed, the example ends in an `if` whose body is only a comment, which Python cannot
    # compile; `pass` completes it. It also passes bearer_auth="", so the key comes from the
    # environment, as it would for a user running it.
    assert code.rstrip().endswith("# handle response")
    monkeypatch.setenv("LEONARDO_API_KEY", "key-from-env")
    with mocked_api() as mock:
        namespace = run(code + "    pass\n", f"seed-000:{line}")
        sent = mock.calls[0].request
    assert sent.headers["Authorization"] == "Bearer key-from-env"
    res = namespace["res"]
    assert res.create_generation_200_application_json_object is res.object is not None
    assert b'"controlNetType":"DEPTH"' in sent.body and b'"width":210382' in sent.body
