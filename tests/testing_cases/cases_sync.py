"""Inner tests run by tests/test_testing_plugin.py through pytester (copied in as test_cases_sync.py).

Every sync fixture and every scenario option; the outer test runs this file once per transport,
and each test checks it got the transport it was promised.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
import pytest

import llmwise
import llmwise._base_client as base_client
from llmwise import LLMWise
from llmwise.sandbox import Sandbox, SandboxServer
from llmwise.testing import Scenario, SentRequest
from llmwise.types.chat import RouteEvent
from llmwise.types.shared import MessageParam, UnknownEvent

HI: list[MessageParam] = [{"role": "user", "content": "Say hi"}]
ORIGINAL_SLEEP = base_client._sleep
OUTER_SERVERS = sum(t.name == "llmwise-sandbox" and t.is_alive() for t in threading.enumerate())


def expected_transport(config: pytest.Config) -> str:
    return str(config.getoption("llmwise_transport") or config.getini("llmwise_transport"))


def server_threads() -> int:
    """Sandbox server threads started by this run (the outer session may run one of its own)."""
    running = sum(t.name == "llmwise-sandbox" and t.is_alive() for t in threading.enumerate())
    return running - OUTER_SERVERS


def stream_text(client: LLMWise, model: str = "gpt-5.2") -> tuple[str, list[Any]]:
    events: list[Any] = []
    with client.chat.stream(model=model, messages=HI) as stream:
        for event in stream:
            events.append(event)
        return stream.get_final_completion().content or "", events


# -- fixtures and transports -----------------------------------------------------------------------


def test_client_uses_the_configured_transport(
    request: pytest.FixtureRequest, llmwise_client: LLMWise, llmwise_transport: str
) -> None:
    assert llmwise_transport == expected_transport(request.config)
    if llmwise_transport == "server":
        assert llmwise_client.base_url.startswith("http://127.0.0.1:")
        assert server_threads() == 1
    else:
        assert llmwise_client.base_url == "http://sandbox/api/v1"
        assert server_threads() == 0  # the server is started only when a test needs it
    assert llmwise_client.models.list()


def test_fixtures_share_one_fresh_sandbox(
    llmwise_sandbox: Sandbox, llmwise_scenario: Scenario, llmwise_client: LLMWise
) -> None:
    assert llmwise_scenario.sandbox is llmwise_sandbox
    assert llmwise_sandbox.requests == []  # nothing left over from the previous test
    llmwise_client.chat.create(model="gpt-5.2", messages=HI)
    assert len(llmwise_sandbox.requests) == 1
    assert base_client._sleep is not ORIGINAL_SLEEP  # retry waits are being recorded


def test_retry_wait_recording_is_removed_after_llmwise_tests() -> None:
    assert base_client._sleep is ORIGINAL_SLEEP
    assert server_threads() == 0


def test_server_fixture_serves_the_sandbox(llmwise_server: SandboxServer, llmwise_sandbox: Sandbox) -> None:
    assert llmwise_server.sandbox is llmwise_sandbox and llmwise_server.running
    response = httpx.get(
        llmwise_server.base_url + "/models", headers={"Authorization": f"Bearer {llmwise_sandbox.api_key}"}
    )
    assert response.status_code == 200
    assert server_threads() == 1


def test_env_fixture_serves_code_that_builds_its_own_client(
    llmwise_env: Mapping[str, str], llmwise_scenario: Scenario
) -> None:
    llmwise_scenario.model("gpt-5.2").replies("From the environment.")
    with LLMWise() as client:  # reads LLMWISE_API_KEY and LLMWISE_BASE_URL
        assert client.base_url == llmwise_env["LLMWISE_BASE_URL"]
        assert client.chat.create(model="gpt-5.2", messages=HI).content == "From the environment."


@pytest.mark.llmwise(credits=3, api_key="mm_sk_mine", max_retries=0)
def test_marker_configures_sandbox_and_client(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    assert llmwise_scenario.credits == 3
    assert llmwise_client.api_key == "mm_sk_mine" and llmwise_client.max_retries == 0
    llmwise_scenario.rate_limit()
    with pytest.raises(llmwise.RateLimitError):
        llmwise_client.chat.create(model="gpt-5.2", messages=HI)
    assert llmwise_scenario.retry_waits == []


@pytest.mark.llmwise(transport="server")
def test_marker_selects_the_server(llmwise_client: LLMWise, llmwise_transport: str) -> None:
    assert llmwise_transport == "server"
    assert llmwise_client.base_url.startswith("http://127.0.0.1:")


@pytest.mark.llmwise(transport="inprocess")
def test_marker_selects_in_process(llmwise_client: LLMWise, llmwise_transport: str) -> None:
    assert llmwise_transport == "inprocess"
    assert llmwise_client.base_url == "http://sandbox/api/v1"
    assert server_threads() == 0


@pytest.mark.llmwise(sleep_retries=True)
def test_sleep_retries_still_records(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    # `Retry-After: 0` asks for no wait; the SDK backs off instead (the first wait is at most 0.5 s).
    llmwise_scenario.rate_limit(retry_after=0)
    llmwise_client.chat.create(model="gpt-5.2", messages=HI)
    [wait] = llmwise_scenario.retry_waits
    assert 0 < wait <= 0.5


# -- model scripts ---------------------------------------------------------------------------------


def test_replies_text_and_callable(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.model("gpt-5.2").replies("Hello from the sandbox!")
    assert llmwise_client.chat.create(model="gpt-5.2", messages=HI).content == "Hello from the sandbox!"
    assert stream_text(llmwise_client)[0] == "Hello from the sandbox!"

    def echo(messages: Sequence[Mapping[str, Any]]) -> str:
        return "You said: " + str(messages[-1]["content"])

    llmwise_scenario.model("gpt-5.2").replies(echo)
    assert llmwise_client.chat.create(model="gpt-5.2", messages=HI).content == "You said: Say hi"


def test_fails_at_the_start(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.model("gpt-5.2").fails(429, message="slow down")
    with pytest.raises(llmwise.RateLimitError, match="slow down"):
        llmwise_client.chat.create(model="gpt-5.2", messages=HI)
    assert len(llmwise_scenario.requests_to("/chat")) == 3  # the SDK retried twice
    assert len(llmwise_scenario.retry_waits) == 2
    llmwise_scenario.model("gpt-5.2").fails(400)
    with pytest.raises(llmwise.BadRequestError):
        llmwise_client.chat.create(model="gpt-5.2", messages=HI)


def test_fails_after_chunks(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.model("gpt-5.2").replies("one two three four five six seven eight nine").fails(
        502, after_chunks=2
    )
    with pytest.raises(llmwise.ServerStreamError) as caught:
        stream_text(llmwise_client)
    assert caught.value.status_code == 502
    assert caught.value.partial_text == "one two three four five six "


def test_recovers_and_reset(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    script = llmwise_scenario.model("gpt-5.2").replies("Still me.").fails(500)
    assert script.recovers() is script
    assert llmwise_client.chat.create(model="gpt-5.2", messages=HI).content == "Still me."
    script.reset()
    assert llmwise_client.chat.create(model="gpt-5.2", messages=HI).content != "Still me."


def test_failover_chain(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.model("claude-sonnet-4.5").fails(503)
    llmwise_scenario.model("gpt-5.2").replies("Backup here.")
    answer = llmwise_client.chat.create(
        model="claude-sonnet-4.5", routing={"fallback": ["gpt-5.2"]}, messages=HI
    )
    assert (answer.content, answer.resolved_model) == ("Backup here.", "gpt-5.2")


def test_auto_fallbacks(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.auto_fallbacks(2).model("gemini-3-flash").fails(429)
    events = list(llmwise_client.chat.stream(model="auto", messages=HI))
    tried = [e.model for e in events if isinstance(e, RouteEvent) and e.status == "trying"]
    assert tried[0] == "gemini-3-flash" and len(tried) == 2


def test_latency_orders_compare_streams(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.model("gpt-5.2").with_latency(0.002)
    result = llmwise_client.compare.create(models=["gpt-5.2", "gemini-3-flash"], messages=HI)
    assert result.summary is not None and result.summary.fastest == "gemini-3-flash"


def test_add_model_and_unknown_ids(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    with pytest.raises(ValueError, match="add_model"):
        llmwise_scenario.model("gpt-7")
    with pytest.raises(ValueError, match="router"):
        llmwise_scenario.model("auto")
    llmwise_scenario.add_model("gpt-7").replies("From the future.")
    assert "gpt-7" in llmwise_scenario.model_ids
    assert llmwise_client.chat.create(model="gpt-7", messages=HI).content == "From the future."


# -- queued faults ---------------------------------------------------------------------------------


def test_rate_limit_with_retry_after(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.rate_limit(times=1, retry_after=2)
    assert llmwise_client.chat.create(model="gpt-5.2", messages=HI).content
    assert [r.status for r in llmwise_scenario.requests_to("/chat")] == [429, 200]
    assert llmwise_scenario.retry_waits == [2.0]


def test_rate_limit_beyond_the_retries(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.rate_limit(times=3, retry_after=5)
    with pytest.raises(llmwise.RateLimitError) as caught:
        llmwise_client.chat.create(model="gpt-5.2", messages=HI)
    assert caught.value.retry_after == 5
    assert llmwise_scenario.retry_waits == [5.0, 5.0]


def test_server_error_then_success(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.server_error(503)
    assert llmwise_client.chat.create(model="gpt-5.2", messages=HI).content
    assert [r.status for r in llmwise_scenario.requests] == [503, 200]
    assert len(llmwise_scenario.retry_waits) == 1
    llmwise_scenario.server_error(500, times=3)
    with pytest.raises(llmwise.InternalServerError):
        llmwise_client.chat.create(model="gpt-5.2", messages=HI)


def test_fault_paths(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.server_error(503, path="/compare").rate_limit(path="models")
    assert llmwise_client.chat.create(model="gpt-5.2", messages=HI).content
    assert llmwise_scenario.retry_waits == []
    llmwise_client.models.list()
    assert len(llmwise_scenario.retry_waits) == 1
    assert len(llmwise_scenario.clear_faults().sandbox.faults) == 0


def test_out_of_credits(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.set_credits(1)
    llmwise_client.chat.create(model="gpt-5.2", messages=HI)
    assert llmwise_scenario.credits == 0
    with pytest.raises(llmwise.InsufficientCreditsError):
        llmwise_client.chat.create(model="gpt-5.2", messages=HI)
    llmwise_scenario.set_credits(10).out_of_credits()
    with pytest.raises(llmwise.InsufficientCreditsError):
        llmwise_client.compare.create(models=["gpt-5.2", "gemini-3-flash"], messages=HI)


def test_unknown_event(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.model("gpt-5.2").replies("Unbothered.")
    llmwise_scenario.unknown_event(after_events=1, payload={"event": "brand_new", "x": 1})
    text, events = stream_text(llmwise_client)
    assert text == "Unbothered."
    unknown = [e for e in events if isinstance(e, UnknownEvent)]
    assert len(unknown) == 1 and unknown[0].event == "brand_new"


def test_malformed_frame(
    llmwise_client: LLMWise, llmwise_scenario: Scenario, caplog: pytest.LogCaptureFixture
) -> None:
    llmwise_scenario.model("gpt-5.2").replies("Still fine.")
    llmwise_scenario.malformed_frame(after_events=1)
    with caplog.at_level(logging.WARNING, logger="llmwise"):
        assert stream_text(llmwise_client)[0] == "Still fine."
    assert "malformed" in caplog.text


def test_cut_stream(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.model("gpt-5.2").replies("one two three four five six seven eight nine")
    llmwise_scenario.cut_stream(after_events=2)
    with pytest.raises(llmwise.IncompleteStreamError) as caught:
        stream_text(llmwise_client)
    assert caught.value.partial_text == "one two three four five six "
    # A non-streamed request leaves a stream fault queued for the next stream.
    llmwise_scenario.cut_stream(after_events=1)
    assert llmwise_client.chat.create(model="gpt-5.2", messages=HI, stream=False).content
    assert len(llmwise_scenario.sandbox.faults) == 1


# -- what the code sent ----------------------------------------------------------------------------


def test_requests_record_what_was_sent(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_client.chat.create(model="gpt-5.2", messages=HI, temperature=0.2)
    llmwise_client.history.list(limit=5, mode="chat")
    chat = llmwise_scenario.last_request("/chat")
    assert isinstance(chat, SentRequest)
    assert (chat.method, chat.path, chat.status) == ("POST", "/chat", 200)
    assert chat.json["temperature"] == 0.2 and chat.model == "gpt-5.2" and chat.messages == HI
    assert chat.headers["authorization"] == "REDACTED"
    assert chat.header("Content-Type") == "application/json"
    assert chat.request_id.startswith("req_")
    assert str(chat) == "POST /chat -> 200"

    history = llmwise_scenario.last_request(method="get")
    assert history.path == "/history" and history.json is None
    assert history.query == {"limit": "5", "offset": "0", "mode": "chat"}
    assert llmwise_scenario.last_request("/api/v1/history*") == history
    assert [str(r) for r in llmwise_scenario.requests] == ["POST /chat -> 200", "GET /history -> 200"]
    assert llmwise_scenario.requests_to(method="POST") == [chat]
    assert llmwise_client.api_key not in repr(llmwise_scenario.requests)


def test_compare_request_models(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_client.compare.create(models=["gpt-5.2", "gemini-3-flash"], messages=HI)
    sent = llmwise_scenario.last_request("compare")
    assert sent.models == ["gpt-5.2", "gemini-3-flash"] and sent.model is None


def test_last_request_explains_a_miss(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_client.models.list()
    with pytest.raises(AssertionError, match=r"no request to POST /chat; received: GET /models -> 200"):
        llmwise_scenario.last_request("/chat", method="POST")


def test_reset(llmwise_client: LLMWise, llmwise_scenario: Scenario) -> None:
    llmwise_scenario.model("gpt-5.2").replies("Scripted.")
    llmwise_scenario.rate_limit(retry_after=0)
    llmwise_client.chat.create(model="gpt-5.2", messages=HI)
    llmwise_scenario.set_credits(5).rate_limit()
    assert llmwise_scenario.reset() is llmwise_scenario
    assert llmwise_scenario.requests == [] and llmwise_scenario.retry_waits == []
    assert llmwise_scenario.credits == 1000 and llmwise_scenario.sandbox.faults == []
    assert llmwise_client.chat.create(model="gpt-5.2", messages=HI).content != "Scripted."
