"""Docs are generated from the code and cannot drift; every Python snippet in them runs."""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
import re
import sys
import threading
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest

from leonardoaisdk import LeonardoAiSDK
from leonardoaisdk.testing import LocalLeonardo
from leonardoaisdk.testing.pytest_plugin import FIXTURE_COMPLETE_AFTER
from tests.fake_api import mocked_api
from tests.snippets import python_blocks, run

ROOT = Path(__file__).parents[1]


def _load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_docs"] = module
    spec.loader.exec_module(module)
    return module


def test_generated_docs_are_up_to_date() -> None:
    generator = _load_generator()
    pages = generator.render()
    docs = ROOT / "docs"
    on_disk = {
        str(p.relative_to(docs)) for d in ("sdks", "models") for p in (docs / d).rglob("*.md")
    }
    assert on_disk == set(pages), "run: python scripts/gen_docs.py"
    for path, text in pages.items():
        assert (docs / path).read_text() == text, (
            f"docs/{path} is stale: run python scripts/gen_docs.py"
        )


def _snippets() -> List[Tuple[str, str]]:
    files = [ROOT / "README.md", ROOT / "USAGE.md", *sorted((ROOT / "docs").rglob("*.md"))]
    found = []
    for path in files:
        for line, code in python_blocks(path):
            found.append((f"{path.relative_to(ROOT)}:{line}", code))
    return found


SNIPPETS = _snippets()


@contextlib.contextmanager
def spec_server() -> Iterator[str]:
    from tests.test_async_client import Recorder
    from tests.test_async_workflows import spec_route

    server = Recorder()
    server.reply = spec_route
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_there_are_snippets_to_run() -> None:
    assert len(SNIPPETS) >= 10


@pytest.mark.parametrize(("where", "code"), SNIPPETS, ids=[w for w, _ in SNIPPETS])
def test_snippet_runs(
    where: str, code: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LEONARDO_API_KEY", "doc-snippet-key")
    monkeypatch.chdir(tmp_path)
    with contextlib.ExitStack() as stack:
        if "AsyncLeonardoAiSDK(" in code and "LocalLeonardo" not in code:
            # httpx is not what `responses` mocks: the example talks to a real local server
            # that answers every operation with its spec sample.
            monkeypatch.setenv("LEONARDO_SERVER_URL", stack.enter_context(spec_server()))
        stack.enter_context(mocked_api())
        namespace = run(code, where)
    for name, function in namespace.items():
        if name.startswith("test_") and callable(function):
            _call_with_fixtures(function)


def _call_with_fixtures(test: Any) -> None:
    """Run a test function a snippet defines, with the SDK's pytest fixtures."""
    with LocalLeonardo(complete_after=FIXTURE_COMPLETE_AFTER) as server:
        sdk = LeonardoAiSDK(bearer_auth=server.api_key, server_url=server.url)
        available = {"leonardo_server": server, "leonardo_sdk": sdk}
        wanted = inspect.signature(test).parameters
        test(**{name: available[name] for name in wanted})


def test_every_operation_has_a_page_section_and_a_mocked_answer() -> None:
    """Each spec operation is documented on its sub-client's page, with an example the mocked
    API answers (a route of ``mocked_api`` for its method and path)."""
    import re

    from tests.fake_api import BASE, ROUTES, spec_operations

    generator = _load_generator()
    pages = generator.render()
    owners = {op.name: name for name, _, ops in generator.CLIENTS for op in ops}
    documented = {name for name, _, _ in generator.CLIENTS}
    assert documented == {
        "dataset",
        "element",
        "generation",
        "init_image",
        "model",
        "user",
        "variation",
    }
    ops = spec_operations()
    assert len(ops) == 31
    for method, template, operation_id, _ in ops:
        page = pages[f"sdks/{owners[operation_id]}/README.md"]
        assert f"\n## {operation_id}\n" in page
        url = "https://cloud.leonardo.ai/api/rest/v1" + re.sub(r"\{[^}]+\}", "x-1", template)
        answered = [
            path for m, path, _ in ROUTES if m == method and re.fullmatch(f"{BASE}{path}", url)
        ]
        assert len(answered) == 1, (operation_id, answered)


def test_workflow_methods_are_documented() -> None:
    pages = _load_generator().render()
    for client, names in {
        "dataset": ["upload_image"],
        "init_image": ["upload"],
        "model": ["upload_3d_model", "wait_for_model"],
        "variation": ["wait_for_variation"],
        "generation": ["wait_for_generation", "download_images"],
    }.items():
        page = pages[f"sdks/{client}/README.md"]
        for name in names:
            assert f"\n## {name}\n" in page and f"\n* [{name}](#{name}) - " in page
            assert f"s.{client}.{name}(" in page


def _pyproject() -> Any:
    try:
        import tomllib
    except ImportError:  # Python < 3.11: pytest itself depends on tomli there
        import tomli as tomllib
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _supported_pythons() -> Tuple[str, str]:
    classifiers = _pyproject()["project"]["classifiers"]
    minors = sorted(
        int(m.group(1))
        for c in classifiers
        if (m := re.fullmatch(r"Programming Language :: Python :: 3\.(\d+)", c))
    )
    return f"3.{minors[0]}", f"3.{minors[-1]}"


def test_readme_install_section_matches_pyproject() -> None:
    """The Install section names the Pythons, runtime packages and extras pyproject declares,
    and comes after the first sh block, which CI runs as the whole set-up."""
    readme = (ROOT / "README.md").read_text()
    install = _section(readme, "Install")
    assert readme.index("```sh\n") < readme.index(install)
    assert re.findall(r"^```sh\n(.*?)^```", install, re.S | re.M) == [
        'pip install /path/to/leonardoaisdk\npip install "leonardoaisdk @ git+<repository URL>"\n'
    ]

    project = _pyproject()["project"]
    oldest, newest = _supported_pythons()
    assert project["requires-python"] == f">={oldest}"
    assert f"Python {oldest}\N{EN DASH}{newest}." in install
    runtime = [re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0] for d in project["dependencies"]]
    listed = re.search(r"runtime packages only: ([^.]+)\.", " ".join(install.split()))
    assert listed is not None
    assert re.split(r", | and ", listed.group(1)) == runtime
    assert set(re.findall(r"`\[(\w+)\]`", install)) == set(project["optional-dependencies"])


def test_readme_says_which_pythons_ci_runs() -> None:
    readme = " ".join((ROOT / "README.md").read_text().split())
    oldest, newest = _supported_pythons()
    assert f"oldest and newest supported Python ({oldest} and {newest}, from pyenv)" in readme
    assert "[scripts/first_hour.sh](scripts/first_hour.sh)" in readme
    assert (ROOT / "scripts" / "first_hour.sh").is_file()
