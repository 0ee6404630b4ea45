"""Inner async tests run through pytester (copied in as test_cases_async.py).

Marked for pytest-asyncio explicitly so the same file passes in strict and in auto mode.
"""

from __future__ import annotations

import pytest

import llmwise
from llmwise import AsyncLLMWise
from llmwise.testing import Scenario
from llmwise.types.shared import MessageParam, UnknownEvent

pytestmark = pytest.mark.asyncio

HI: list[MessageParam] = [{"role": "user", "content": "Say hi"}]


def expected_transport(config: pytest.Config) -> str:
    return str(config.getoption("llmwise_transport") or config.getini("llmwise_transport"))


async def test_async_client_transport(
    request: pytest.FixtureRequest, llmwise_async_client: AsyncLLMWise, llmwise_transport: str
) -> None:
    assert llmwise_transport == expected_transport(request.config)
    expected_prefix = "http://127.0.0.1:" if llmwise_transport == "server" else "http://sandbox/"
    assert llmwise_async_client.base_url.startswith(expected_prefix)


async def test_async_replies_and_request_record(
    llmwise_async_client: AsyncLLMWise, llmwise_scenario: Scenario
) -> None:
    llmwise_scenario.model("gpt-5.2").replies("Async hello.")
    answer = await llmwise_async_client.chat.create(model="gpt-5.2", messages=HI)
    assert answer.content == "Async hello."
    async with llmwise_async_client.chat.stream(model="gpt-5.2", messages=HI) as stream:
        assert "".join([t async for t in stream.text_stream]) == "Async hello."
    assert [r.json["model"] for r in llmwise_scenario.requests_to("/chat")] == ["gpt-5.2", "gpt-5.2"]
    assert llmwise_scenario.last_request().headers["authorization"] == "REDACTED"


async def test_async_retries_are_recorded_not_slept(
    llmwise_async_client: AsyncLLMWise, llmwise_scenario: Scenario
) -> None:
    llmwise_scenario.rate_limit(times=1, retry_after=30).server_error(502)
    assert (await llmwise_async_client.chat.create(model="gpt-5.2", messages=HI)).content
    assert llmwise_scenario.retry_waits[0] == 30.0 and len(llmwise_scenario.retry_waits) == 2


async def test_async_failover_and_credits(
    llmwise_async_client: AsyncLLMWise, llmwise_scenario: Scenario
) -> None:
    llmwise_scenario.model("gpt-5.2").fails(429)
    answer = await llmwise_async_client.chat.create(
        model="gpt-5.2", routing={"fallback": ["gemini-3-flash"]}, messages=HI
    )
    assert answer.resolved_model == "gemini-3-flash"
    llmwise_scenario.out_of_credits()
    with pytest.raises(llmwise.InsufficientCreditsError):
        await llmwise_async_client.chat.create(model="gemini-3-flash", messages=HI)


async def test_async_stream_faults(llmwise_async_client: AsyncLLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.model("gpt-5.2").replies("one two three four five six seven")
    llmwise_scenario.unknown_event().malformed_frame()
    events = [e async for e in llmwise_async_client.chat.stream(model="gpt-5.2", messages=HI)]
    assert any(isinstance(e, UnknownEvent) for e in events)
    events = [e async for e in llmwise_async_client.chat.stream(model="gpt-5.2", messages=HI)]
    assert not any(isinstance(e, UnknownEvent) for e in events)  # the malformed frame was skipped
    llmwise_scenario.cut_stream(after_events=1)
    with pytest.raises(llmwise.IncompleteStreamError) as caught:
        async for _ in llmwise_async_client.chat.stream(model="gpt-5.2", messages=HI):
            pass
    assert caught.value.partial_text == "one two three "


async def test_async_model_fails_after_chunks(
    llmwise_async_client: AsyncLLMWise, llmwise_scenario: Scenario
) -> None:
    llmwise_scenario.model("gpt-5.2").fails(503, after_chunks=1)
    with pytest.raises(llmwise.ServerStreamError) as caught:
        async for _ in llmwise_async_client.chat.stream(model="gpt-5.2", messages=HI):
            pass
    assert caught.value.status_code == 503 and caught.value.partial_text


@pytest.mark.llmwise(transport="server")
async def test_async_over_the_server_by_marker(
    llmwise_async_client: AsyncLLMWise, llmwise_scenario: Scenario
) -> None:
    assert llmwise_async_client.base_url.startswith("http://127.0.0.1:")
    llmwise_scenario.cut_stream(after_events=2)
    with pytest.raises(llmwise.IncompleteStreamError):
        async for _ in llmwise_async_client.chat.stream(model="gpt-5.2", messages=HI):
            pass
    assert (await llmwise_async_client.chat.create(model="gpt-5.2", messages=HI)).content
