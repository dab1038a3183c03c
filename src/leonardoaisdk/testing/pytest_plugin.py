"""pytest fixtures for code that uses leonardoaisdk (registered through the ``pytest11`` entry
point, so they are available in any project that installs the SDK):

- ``leonardo_server``: a running :class:`~leonardoaisdk.testing.LocalLeonardo`, one per test;
- ``leonardo_sdk``: a ``LeonardoAiSDK`` pointed at it.

Jobs complete after 0.1 s by default; ``@pytest.mark.leonardo(complete_after=2.0)`` (or any
other ``LocalLeonardo`` argument) changes that for one test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

import pytest

if TYPE_CHECKING:  # keep the plugin free to import: it loads in every pytest run
    from leonardoaisdk import LeonardoAiSDK
    from leonardoaisdk.testing import LocalLeonardo

FIXTURE_COMPLETE_AFTER = 0.1


def pytest_configure(config: Any) -> None:
    config.addinivalue_line(
        "markers", "leonardo(**options): LocalLeonardo options for the leonardo_server fixture"
    )


@pytest.fixture
def leonardo_server(request: Any) -> Iterator[LocalLeonardo]:
    """A running LocalLeonardo for this test (jobs complete after 0.1 s unless marked)."""
    from leonardoaisdk.testing import LocalLeonardo

    marker = request.node.get_closest_marker("leonardo")
    options = {"complete_after": FIXTURE_COMPLETE_AFTER, **(marker.kwargs if marker else {})}
    with LocalLeonardo(**options) as server:
        yield server


@pytest.fixture
def leonardo_sdk(leonardo_server: LocalLeonardo) -> Iterator[LeonardoAiSDK]:
    """A LeonardoAiSDK pointed at ``leonardo_server``."""
    from leonardoaisdk import LeonardoAiSDK

    with LeonardoAiSDK(bearer_auth=leonardo_server.api_key, server_url=leonardo_server.url) as sdk:
        yield sdk
