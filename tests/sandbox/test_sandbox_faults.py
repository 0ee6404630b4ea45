"""Injected faults — in-process (sync and async, asyncio and trio) and over TCP."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import trio

from llmwise.sandbox import Sandbox, SandboxRequest, model_text
from llmwise.sandbox._faults import CreditsSpec, FaultSpec, ModelSpec, PolicySpec, parse_spec

from .helpers import AUTH, USER, Env, events, events_from_text

CHAT = {"model": "gpt-5.2", "messages": USER}
BASE = "http://sandbox/api/v1"


def test_rate_limit_429_with_retry_after_headers(env: Env) -> None:
    env.sb.rate_limit(times=2, retry_after=1.5)
    for _ in range(2):
        response = env.post("/chat", CHAT)
        assert response.status_code == 429
        assert response.headers["retry-after"] == "2"
        assert response.headers["retry-after-ms"] == "1500"
        assert response.json()["error"] == "Rate limit exceeded, retry after 2 s"
        assert "x-ratelimit-limit" in response.headers
    assert env.post("/chat", CHAT).status_code == 200
    assert env.sb.credits == 999  # rejected requests cost nothing


def test_server_error_fault(env: Env) -> None:
    env.sb.server_error(status=502)
    env.sb.server_error()
    first, second = env.post("/chat", CHAT), env.post("/chat", CHAT)
    assert (first.status_code, second.status_code) == (502, 503)
    assert first.json()["error"] and first.json()["request_id"] == first.headers["x-request-id"]
    assert env.post("/chat", CHAT).status_code == 200


def test_fault_path_filter_and_order(env: Env) -> None:
    env.sb.rate_limit(path="/compare")
    env.sb.server_error(path="/chat")
    assert env.client.get("/models").status_code == 200  # neither fault matches
    assert env.post("/chat", CHAT).status_code == 503
    assert env.post("/compare", {"models": ["gpt-5.2", "deepseek-v3"], "messages": USER}).status_code == 429
    assert env.sb.faults == []


def test_stream_faults_wait_for_a_stream(env: Env) -> None:
    env.sb.cut_stream(after_events=1)
    assert env.post("/chat", {**CHAT, "stream": False}).status_code == 200
    assert env.client.get("/models").status_code == 200
    assert len(env.sb.faults) == 1
    with pytest.raises(httpx.RemoteProtocolError):
        env.post("/chat", CHAT)
    assert env.sb.faults == []


def test_cut_stream_mid_way(env: Env) -> None:
    env.sb.cut_stream(after_events=3)
    received: list[str] = []
    with pytest.raises(httpx.RemoteProtocolError), env.client.stream("POST", "/chat", json=CHAT) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if line.startswith("data:"):
                received.append(line)
    assert len(received) == 3
    # The next stream is intact.
    assert events(env.post("/chat", CHAT))[-1] == "[DONE]"


def test_malformed_frame_is_injected_and_stream_continues(env: Env) -> None:
    env.sb.malformed_frame(after_events=1)
    found = events(env.post("/chat", CHAT))
    assert found[1] == "{not json"
    assert found[-1] == "[DONE]" and found[-2]["event"] == "done"
    assert "".join(e["delta"] for e in found if isinstance(e, dict) and "delta" in e) == model_text(
        "gpt-5.2", USER
    )


def test_unknown_event_is_injected(env: Env) -> None:
    env.sb.unknown_event(after_events=2)
    env.sb.unknown_event(after_events=0, payload={"event": "future_thing", "x": 1})
    found = events(env.post("/chat", CHAT))
    assert found[2]["event"] == "sandbox_mystery"
    assert found[-1] == "[DONE]"
    assert events(env.post("/chat", CHAT))[0] == {"event": "future_thing", "x": 1}


def test_fault_beyond_stream_end_lands_before_done(env: Env) -> None:
    env.sb.set_model("gpt-5.2", text="short")
    env.sb.malformed_frame(after_events=50)
    found = events(env.post("/chat", CHAT))
    assert found[-2] == "{not json" and found[-1] == "[DONE]"


def test_model_latency_spec_and_fault_specs() -> None:
    spec = parse_spec("rate_limit:times=2,retry_after=1")
    assert isinstance(spec, FaultSpec) and spec.fault.kind == "rate_limit" and spec.fault.times == 2
    cut = parse_spec("cut:after=3,path=/api/v1/chat")
    assert isinstance(cut, FaultSpec) and cut.fault.after_events == 3 and cut.fault.path == "/chat"
    status = parse_spec("server_error:status=503")
    assert isinstance(status, FaultSpec) and status.fault.status == 503
    model = parse_spec("model:gpt-5.2:fail=429,after=2")
    assert isinstance(model, ModelSpec) and model.changes == {"fail_status": 429, "fail_after_chunks": 2}
    assert parse_spec("credits:0") == CreditsSpec(0)
    assert parse_spec("policy:max_fallbacks=2") == PolicySpec({"max_fallbacks": 2})
    for bad in ("explode", "rate_limit:times=x", "cut:after", "model:gpt-5.2", "server_error:status=200"):
        with pytest.raises(ValueError):
            parse_spec(bad)
    sb = Sandbox()
    sb.apply("model:gpt-5.2:fail=429")
    sb.apply("model:gpt-5.2:latency=2")
    sb.apply("malformed:after=1")
    sb.apply("unknown_event")
    behaviour = sb.state.behaviour("gpt-5.2")
    assert (behaviour.fail_status, behaviour.latency) == (429, 2.0)
    assert [f.kind for f in sb.faults] == ["malformed_frame", "unknown_event"]
    with pytest.raises(ValueError):
        sb.apply("model:not-a-model:fail=500")


def test_pure_handle_shows_delays_and_cut_without_sleeping() -> None:
    sb = Sandbox(latency=5.0)  # nothing sleeps in handle(): the delays are data
    sb.cut_stream(after_events=2)
    response = sb.handle(SandboxRequest.build("POST", "/api/v1/chat", json=CHAT))
    assert response.frames is not None
    assert [f.delay for f in response.frames] == [5.0, 5.0, 5.0]
    assert response.frames[-1].cut
    assert len(response.events()) == 2
    non_stream = sb.request("POST", "/chat", json={**CHAT, "stream": False})
    words = len(non_stream.json()["content"].split())
    assert non_stream.delay == 5.0 * -(-words // 3)  # held back for every chunk's latency


# -- async transport ------------------------------------------------------------------------------


async def _async_chat(sb: Sandbox, body: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    async with (
        httpx.AsyncClient(transport=sb.async_transport(), base_url=BASE, headers=AUTH) as client,
        client.stream("POST", "/chat", json=body) as response,
    ):
        async for line in response.aiter_lines():
            if line.startswith("data:"):
                lines.append(line)
    return lines


async def test_async_transport_stream_under_asyncio() -> None:
    sb = Sandbox(latency=0.001)
    lines = await _async_chat(sb, CHAT)
    found = events_from_text("\n".join(lines))
    assert found[-1] == "[DONE]"
    assert "".join(e["delta"] for e in found if isinstance(e, dict) and "delta" in e) == model_text(
        "gpt-5.2", USER
    )


async def test_async_transport_cut_under_asyncio() -> None:
    sb = Sandbox()
    sb.cut_stream(after_events=2)
    with pytest.raises(httpx.RemoteProtocolError, match="peer closed connection"):
        await _async_chat(sb, CHAT)


async def test_async_transport_non_stream_and_errors() -> None:
    sb = Sandbox(latency=0.001)
    sb.rate_limit()
    async with sb.async_client() as client:
        limited = await client.post("/chat", json=CHAT)
        assert limited.status_code == 429 and limited.headers["retry-after"] == "1"
        body = (await client.post("/chat", json={**CHAT, "stream": False})).json()
        assert body["content"] == model_text("gpt-5.2", USER)
        results = await asyncio.gather(
            *(client.post("/chat", json={**CHAT, "stream": False}) for _ in range(3))
        )
        assert {r.status_code for r in results} == {200}


def test_async_transport_under_trio() -> None:
    async def scenario() -> tuple[list[str], bool]:
        sb = Sandbox(latency=0.001)
        lines = await _async_chat(sb, CHAT)
        sb.cut_stream(after_events=1)
        try:
            await _async_chat(sb, CHAT)
        except httpx.RemoteProtocolError:
            return lines, True
        return lines, False

    lines, cut = trio.run(scenario)
    assert lines[-1] == "data: [DONE]" and cut


def test_sync_transport_cut_raises_from_byte_stream() -> None:
    sb = Sandbox()
    sb.cut_stream(after_events=1)
    with sb.client() as client, pytest.raises(httpx.RemoteProtocolError, match="peer closed connection"):
        client.post("/chat", json=CHAT)
