from __future__ import annotations

from typing import Iterator

import pytest
import responses

import leonardoaisdk
from leonardoaisdk.testing import LocalLeonardo

TOKEN = "test-token-5f1d2c3b"
BASE = "https://cloud.leonardo.ai/api/rest/v1"


@pytest.fixture(autouse=True)
def _no_pointers_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer who pasted `leonardo serve`'s export lines must not send the tests' mocked
    calls to that server: tests set the variables they need themselves."""
    monkeypatch.delenv("LEONARDO_SERVER_URL", raising=False)


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps


@pytest.fixture
def sdk() -> leonardoaisdk.LeonardoAiSDK:
    return leonardoaisdk.LeonardoAiSDK(bearer_auth=TOKEN, retry_config="none")


@pytest.fixture
def server(leonardo_server: LocalLeonardo) -> LocalLeonardo:
    """The SDK's own pytest plugin's server; a module sets its options with
    ``pytestmark = pytest.mark.leonardo(...)``."""
    return leonardo_server
