"""Inner tests run through pytester with pytest-asyncio disabled (copied in as test_cases_no_asyncio.py).

The sync fixtures need no async plugin; the async client also works under trio (anyio's plugin).
"""

from __future__ import annotations

import pytest

from llmwise import AsyncLLMWise, LLMWise
from llmwise.testing import Scenario
from llmwise.types.shared import MessageParam

HI: list[MessageParam] = [{"role": "user", "content": "Say hi"}]


@pytest.fixture
def anyio_backend() -> str:
    return "trio"


def test_pytest_asyncio_is_not_loaded(request: pytest.FixtureRequest) -> None:
    assert not request.config.pluginmanager.has_plugin("asyncio")


def test_sync_fixtures_without_pytest_asyncio(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.model("gpt-5.2").replies("No event loop needed.")
    assert llmwise_client.chat.create(model="gpt-5.2", messages=HI).content == "No event loop needed."


@pytest.mark.anyio
async def test_async_client_under_trio(
    llmwise_async_client: AsyncLLMWise, llmwise_scenario: Scenario
) -> None:
    llmwise_scenario.model("gpt-5.2").replies("Trio works too.")
    llmwise_scenario.rate_limit(retry_after=3)
    answer = await llmwise_async_client.chat.create(model="gpt-5.2", messages=HI)
    assert answer.content == "Trio works too."
    assert llmwise_scenario.retry_waits == [3.0]
