"""Chat end to end against the sandbox: sync and async, over loopback and in-process."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from llmwise import (
    APITimeoutError,
    AsyncLLMWise,
    AuthenticationError,
    BadRequestError,
    IncompleteStreamError,
    InsufficientCreditsError,
    LLMWise,
    RateLimitError,
    ServerStreamError,
    StreamTimeoutError,
)
from llmwise.sandbox import Sandbox, model_text
from llmwise.types.chat import (
    ChatCompletion,
    ChatDoneEvent,
    MeshChunkEvent,
    RouteEvent,
    TextChunkEvent,
    TraceEvent,
)
from llmwise.types.shared import MessageParam, UnknownEvent
from support import KEY, SandboxEnv, collect_stream, run

MSG: list[MessageParam] = [{"role": "user", "content": "Explain circuit breakers in one paragraph."}]


def test_create(env: SandboxEnv) -> None:
    result = env.call(env.client.chat.create(model="gpt-5.2", messages=MSG))
    assert isinstance(result, ChatCompletion)
    assert result.content == model_text("gpt-5.2", MSG)
    assert result.model == "gpt-5.2"
    assert result.credits_charged == 1 and result.credits_remaining == 999
    assert result.finish_reason == "stop"
    assert result.id and result.completion_tokens
    assert env.sandbox.credits == 999
    recorded = env.sandbox.requests[-1]
    assert recorded.json["stream"] is False and recorded.json["model"] == "gpt-5.2"


def test_stream_events_text_and_final(env: SandboxEnv) -> None:
    events, error, stream = env.stream(model="claude-sonnet-4.5", messages=MSG, temperature=0.2)
    assert error is None
    expected = model_text("claude-sonnet-4.5", MSG)
    chunks = [e for e in events if isinstance(e, TextChunkEvent)]
    assert "".join(c.delta for c in chunks) == expected
    assert chunks[-1].done is True and chunks[-1].content_length == len(expected)
    assert isinstance(events[-1], ChatDoneEvent) and events[-1].credits_charged == 1
    assert stream.text == expected
    final = run(stream.get_final_completion())
    assert final.content == expected and final.credits_remaining == 999 and final.model == "claude-sonnet-4.5"
    assert stream.request_id and stream.request_id.startswith("req_")
    assert stream.rate_limit.limit is not None


def test_stream_final_equals_non_stream(env: SandboxEnv) -> None:
    plain = env.call(env.client.chat.create(model="deepseek-v3", messages=MSG))
    streamed = env.call(env.client.chat.create(model="deepseek-v3", messages=MSG, stream=True))
    final = run(streamed.get_final_completion())
    assert final.content == plain.content
    assert final.finish_reason == plain.finish_reason


def test_text_stream(env: SandboxEnv) -> None:
    stream = env.client.chat.stream(model="gpt-5.2", messages=MSG)
    if env.mode == "sync":
        pieces = list(stream.text_stream)
    else:

        async def go() -> list[str]:
            return [piece async for piece in stream.text_stream]

        pieces = run(go())
    assert len(pieces) > 1
    assert "".join(pieces) == model_text("gpt-5.2", MSG)


def test_auto_routing(env: SandboxEnv) -> None:
    result = env.call(env.client.chat.create(model="auto", messages=MSG))
    assert result.resolved_model and result.resolved_model != "auto"
    assert result.content == model_text(result.resolved_model, MSG)
    events, error, _ = env.stream(model="auto", messages=MSG)
    assert error is None
    done = events[-1]
    assert isinstance(done, ChatDoneEvent) and done.resolved_model == result.resolved_model


def test_failover(env: SandboxEnv) -> None:
    env.sandbox.set_model("claude-sonnet-4.5", fail_status=429)
    routing: Any = {"fallback": ["gpt-5.2", "gemini-3-flash"], "strategy": "rate-limit"}
    events, error, stream = env.stream(model="claude-sonnet-4.5", messages=MSG, routing=routing)
    assert error is None
    routes = [(e.model, e.status) for e in events if isinstance(e, RouteEvent)]
    assert ("claude-sonnet-4.5", "failed") in routes and ("gpt-5.2", "ok") in routes
    failed = next(e for e in events if isinstance(e, RouteEvent) and e.status == "failed")
    assert failed.status_code == 429
    assert all(e.model == "gpt-5.2" for e in events if isinstance(e, MeshChunkEvent))
    trace = next(e for e in events if isinstance(e, TraceEvent))
    assert trace.final_model == "gpt-5.2" and [a.model for a in trace.attempts or []] == ["claude-sonnet-4.5", "gpt-5.2"]
    final = run(stream.get_final_completion())
    assert final.content == model_text("gpt-5.2", MSG)
    assert final.resolved_model == "gpt-5.2" and final.final_model == "gpt-5.2"
    assert final.attempts is not None and final.attempts[0].status_code == 429
    # Without a strategy: `rate-limit` would now try the rate-limited primary last (sandbox._mesh).
    routing = {"fallback": ["gpt-5.2", "gemini-3-flash"]}
    plain = env.call(env.client.chat.create(model="claude-sonnet-4.5", messages=MSG, routing=routing))
    assert plain.content == final.content and plain.attempts is not None and len(plain.attempts) == 2


def test_failover_partial_output_is_not_mixed_in(env: SandboxEnv) -> None:
    env.sandbox.set_model("claude-sonnet-4.5", fail_status=503, fail_after_chunks=2)
    _, error, stream = env.stream(model="claude-sonnet-4.5", messages=MSG, routing={"fallback": ["gpt-5.2"]})
    assert error is None
    assert run(stream.get_final_completion()).content == model_text("gpt-5.2", MSG)


def test_all_models_failing_raises_with_refund(env: SandboxEnv) -> None:
    for model in ("claude-sonnet-4.5", "gpt-5.2"):
        env.sandbox.set_model(model, fail_status=503)
    events, error, _ = env.stream(model="claude-sonnet-4.5", messages=MSG, routing={"fallback": ["gpt-5.2"]})
    assert isinstance(error, ServerStreamError)
    assert error.refunded is True and error.status_code == 503
    assert env.sandbox.credits == 1000
    assert any(isinstance(e, TraceEvent) and e.terminal_error for e in events)


def test_in_stream_error_keeps_partial_text(env: SandboxEnv) -> None:
    env.sandbox.set_model("gpt-5.2", fail_status=500, fail_after_chunks=3)
    events, error, stream = env.stream(model="gpt-5.2", messages=MSG)
    assert isinstance(error, ServerStreamError)
    deltas = "".join(e.delta for e in events if isinstance(e, TextChunkEvent))
    assert len([e for e in events if isinstance(e, TextChunkEvent)]) == 3
    assert error.partial_text == deltas == stream.text
    assert model_text("gpt-5.2", MSG).startswith(deltas)
    assert error.refunded is True and env.sandbox.credits == 1000


def test_model_failing_at_start_non_stream(env: SandboxEnv) -> None:
    env.sandbox.set_model("gpt-5.2", fail_status=400, fail_message="context too long")
    with pytest.raises(BadRequestError, match="context too long"):
        env.call(env.client.chat.create(model="gpt-5.2", messages=MSG))


def test_cut_connection(env: SandboxEnv) -> None:
    env.sandbox.cut_stream(after_events=3)
    events, error, stream = env.stream(model="gpt-5.2", messages=MSG)
    assert isinstance(error, IncompleteStreamError)
    assert len(events) == 3
    assert error.partial_text == stream.text and model_text("gpt-5.2", MSG).startswith(error.partial_text)
    assert len(env.sandbox.requests) == 1  # events had reached the caller: no retry


def test_cut_before_first_event_is_retried(env: SandboxEnv, sleeps: list[float]) -> None:
    env.sandbox.cut_stream(after_events=0)
    _events, error, stream = env.stream(model="gpt-5.2", messages=MSG)
    assert error is None
    assert stream.text == model_text("gpt-5.2", MSG)
    assert len(env.sandbox.requests) == 2 and len(sleeps) == 1


def test_rate_limit_retried_with_retry_after(env: SandboxEnv, sleeps: list[float]) -> None:
    env.sandbox.rate_limit(times=2, retry_after=2.0)
    result = env.call(env.client.chat.create(model="gpt-5.2", messages=MSG))
    assert result.content == model_text("gpt-5.2", MSG)
    assert sleeps == [2.0, 2.0]
    env.sandbox.rate_limit(times=3, retry_after=1.0)
    with pytest.raises(RateLimitError) as info:
        env.call(env.client.chat.create(model="gpt-5.2", messages=MSG))
    assert info.value.retry_after == 1.0 and info.value.request_id


def test_server_errors_retried(env: SandboxEnv, sleeps: list[float]) -> None:
    env.sandbox.server_error(status=503, times=1)
    _events, error, _ = env.stream(model="gpt-5.2", messages=MSG)
    assert error is None and len(sleeps) == 1


def test_insufficient_credits(env: SandboxEnv) -> None:
    env.sandbox.credits = 0
    with pytest.raises(InsufficientCreditsError) as info:
        env.call(env.client.chat.create(model="gpt-5.2", messages=MSG))
    assert info.value.status_code == 402 and "credits" in info.value.message
    _, error, _ = env.stream(model="gpt-5.2", messages=MSG)
    assert isinstance(error, InsufficientCreditsError)


def test_invalid_key(env: SandboxEnv) -> None:
    bad: Any = env.client.with_options(api_key="sk-not-llmwise")
    with pytest.raises(AuthenticationError) as info:
        env.call(bad.chat.create(model="gpt-5.2", messages=MSG))
    assert "mm_sk_" in info.value.message
    assert "sk-not-llmwise" not in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"temperature": 3.5}, "temperature"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"semantic_top_k": 50}, "semantic_top_k"),
        ({"semantic_min_score": 1.5}, "semantic_min_score"),
        ({"optimization_goal": "speed"}, "optimization_goal"),
        ({"model": "no-such-model"}, "model"),
        ({"messages": []}, "messages"),
        ({"routing": {"fallback": ["gpt-5.2"], "strategy": "random"}}, "strategy"),
    ],
)
def test_server_validation_errors(env: SandboxEnv, kwargs: dict[str, Any], field: str) -> None:
    params: dict[str, Any] = {"model": "gpt-5.2", "messages": MSG, **kwargs}
    with pytest.raises(BadRequestError) as info:
        env.call(env.client.chat.create(**params))
    assert field in info.value.message
    assert info.value.status_code == 400 and info.value.request_id


def test_unknown_event_is_kept_not_guessed(env: SandboxEnv) -> None:
    env.sandbox.unknown_event(after_events=1)
    events, error, stream = env.stream(model="gpt-5.2", messages=MSG)
    assert error is None
    unknown = [e for e in events if isinstance(e, UnknownEvent)]
    assert len(unknown) == 1 and unknown[0].event == "sandbox_mystery"
    assert isinstance(events[1], UnknownEvent)
    assert stream.text == model_text("gpt-5.2", MSG)


def test_malformed_frame_is_skipped(env: SandboxEnv) -> None:
    env.sandbox.malformed_frame(after_events=2)
    events, error, stream = env.stream(model="gpt-5.2", messages=MSG)
    assert error is None
    assert len(stream.skipped_frames) == 1
    assert stream.text == model_text("gpt-5.2", MSG)
    assert isinstance(events[-1], ChatDoneEvent)


def test_max_tokens_truncates(env: SandboxEnv) -> None:
    result = env.call(env.client.chat.create(model="gpt-5.2", messages=MSG, max_tokens=3))
    assert result.finish_reason == "length"
    assert len(result.content.split()) == 3


def test_raw_response(env: SandboxEnv) -> None:
    raw = env.call(env.client.chat.with_raw_response.create(model="gpt-5.2", messages=MSG))
    assert raw.status_code == 200
    assert raw.request_id and raw.request_id.startswith("req_")
    assert raw.rate_limit.limit is not None and raw.rate_limit.remaining is not None
    parsed = env.call(raw.parse())
    assert isinstance(parsed, ChatCompletion) and parsed.content == model_text("gpt-5.2", MSG)
    assert env.call(raw.parse()) is parsed


def test_dict_style_access_for_01_code(env: SandboxEnv) -> None:
    result = env.call(env.client.chat.create(model="gpt-5.2", messages=MSG))
    assert result["content"] == result.content
    assert result.get("credits_charged") == 1
    assert result.get("missing", "x") == "x"
    events, _, _ = env.stream(model="gpt-5.2", messages=MSG)
    assert events[0].get("delta") and events[0].get("event") is None
    assert events[-1].get("event") == "done"


def test_conversation_id_is_sent(env: SandboxEnv) -> None:
    created = json.loads(env.sandbox.request("POST", "/conversations", json={}).body)
    result = env.call(
        env.client.chat.create(model="gpt-5.2", messages=MSG, conversation_id=created["id"], semantic_memory=False)
    )
    assert result.conversation_id == created["id"]
    body = env.sandbox.requests[-1].json
    assert body["conversation_id"] == created["id"] and body["semantic_memory"] is False


# --- releasing connections -------------------------------------------------------------------


def test_break_releases_the_connection() -> None:
    sandbox = Sandbox()
    with sandbox.serve() as server, LLMWise(KEY, base_url=server.base_url) as client:
        for _ in range(30):
            for event in client.chat.stream(model="gpt-5.2", messages=MSG):
                if isinstance(event, TextChunkEvent):
                    break
        # With the default pool of 100 and nothing released, 30 abandoned streams would pile up.
        pool = client._http._transport._pool  # type: ignore[attr-defined]
        assert len(pool.connections) <= 1
        assert client.chat.create(model="gpt-5.2", messages=MSG).content


def test_async_cancellation_releases_the_connection() -> None:
    sandbox = Sandbox()
    sandbox.set_model("gpt-5.2", latency=5.0)

    async def go() -> None:
        async with AsyncLLMWise(KEY, base_url=server.base_url) as client:
            stream = client.chat.stream(model="gpt-5.2", messages=MSG)
            first = asyncio.Event()

            async def consume() -> None:
                async for _ in stream:
                    first.set()

            task = asyncio.create_task(consume())
            await first.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert stream.response is not None and stream.response.is_closed

    with sandbox.serve() as server:
        asyncio.run(go())


def test_context_manager_closes_stream(env: SandboxEnv) -> None:
    if env.mode == "sync":
        with env.client.chat.stream(model="gpt-5.2", messages=MSG) as stream:
            next(iter(stream))
        assert stream.response.is_closed
    else:

        async def go() -> Any:
            async with env.client.chat.stream(model="gpt-5.2", messages=MSG) as stream:
                await stream.__anext__()
            return stream

        assert run(go()).response.is_closed


def test_trio_backend() -> None:
    trio = pytest.importorskip("trio")
    sandbox = Sandbox()

    async def go() -> str:
        http = httpx.AsyncClient(transport=sandbox.async_transport())
        async with AsyncLLMWise(KEY, base_url="http://sandbox", http_client=http) as client:
            stream = client.chat.stream(model="gpt-5.2", messages=MSG)
            text = "".join([piece async for piece in stream.text_stream])
        await http.aclose()
        return text

    assert trio.run(go) == model_text("gpt-5.2", MSG)


def test_slow_model_beyond_the_read_timeout(mode: str) -> None:
    # About timing by nature: the model pauses 30 s before each chunk, the client waits 0.3 s.
    sandbox = Sandbox()
    sandbox.set_model("gpt-5.2", latency=30.0)
    with sandbox.serve() as server:
        cls: Any = LLMWise if mode == "sync" else AsyncLLMWise
        client = cls(KEY, base_url=server.base_url, timeout=0.3, max_retries=0)
        events, error, _ = collect_stream(client, model="gpt-5.2", messages=MSG)
        assert isinstance(error, StreamTimeoutError) and isinstance(error, APITimeoutError)
        assert events == [] and error.partial_text == ""
        assert len(sandbox.requests) == 1
        if mode == "async":
            run(client.aclose())
        else:
            client.close()
