"""Billable retries (issue #11): the sandbox honours `Idempotency-Key`.

The SDK sends a key with every POST and keeps it across retries; a retry after a lost answer (the
server had charged) must replay that answer, not charge again. Through the real SDK client and a
sandbox server on 127.0.0.1, and on the sandbox's own rules (Stripe's: same key + other body is a
422, only successful answers are stored, keys are per credential and expire).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from llmwise import AsyncLLMWise, LLMWise, UnprocessableEntityError
from llmwise.sandbox import Sandbox, SandboxRequest, SandboxServer, model_text
from llmwise.types.shared import MessageParam
from support import collect_stream, run

from .reliability_support import KEY, MSG

MODEL = "gpt-5.2"
TEXT = model_text(MODEL, MSG)
CHAT = {"model": MODEL, "messages": MSG, "stream": False}


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(Sandbox()) as running:
        yield running


def _charges(sandbox: Sandbox) -> int:
    return sum(1 for t in sandbox.transactions if t.kind == "charge")


def _chat_requests(sandbox: Sandbox) -> list[Any]:
    return [r for r in sandbox.requests if r.path == "/chat"]


class _LoseFirstAnswer(httpx.HTTPTransport):
    """Delivers every request, but loses the first POST's answer after the server sent it in full
    (it charged): the client gets `error` instead, as after a read timeout or a reset connection."""

    def __init__(self, error: type[httpx.TransportError]) -> None:
        super().__init__()
        self.error = error
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.method == "POST" and not self.lost:
            self.lost += 1
            response.read()
            response.close()
            raise self.error("the answer was lost on its way back", request=request)
        return response


class _AsyncLoseFirstAnswer(httpx.AsyncHTTPTransport):
    """The async twin of `_LoseFirstAnswer`."""

    def __init__(self, error: type[httpx.TransportError]) -> None:
        super().__init__()
        self.error = error
        self.lost = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.method == "POST" and not self.lost:
            self.lost += 1
            await response.aread()
            await response.aclose()
            raise self.error("the answer was lost on its way back", request=request)
        return response


def _losing_client(mode: str, server: SandboxServer, error: type[httpx.TransportError]) -> Any:
    if mode == "sync":
        return LLMWise(
            KEY, base_url=server.base_url, http_client=httpx.Client(transport=_LoseFirstAnswer(error))
        )
    http = httpx.AsyncClient(transport=_AsyncLoseFirstAnswer(error))
    return AsyncLLMWise(KEY, base_url=server.base_url, http_client=http)


def _close(client: Any) -> None:
    run(client._http.aclose()) if isinstance(client, AsyncLLMWise) else client._http.close()


@pytest.mark.parametrize(
    "error", [httpx.ReadTimeout, httpx.ReadError], ids=["read-timeout", "connection-reset"]
)
def test_retry_after_a_lost_answer_is_charged_once(
    mode: str, error: type[httpx.TransportError], server: SandboxServer, sleeps: list[float]
) -> None:
    sandbox = server.sandbox
    client = _losing_client(mode, server, error)
    try:
        completion = run(client.chat.create(model=MODEL, messages=MSG))
    finally:
        _close(client)
    assert completion.content == TEXT
    first, retry = _chat_requests(sandbox)  # the server saw (and answered) both attempts
    assert first.headers["idempotency-key"] == retry.headers["idempotency-key"]
    assert len(sleeps) == 1
    assert _charges(sandbox) == 1 and sandbox.credits == 999
    assert len(sandbox.history) == 1
    assert completion.id == sandbox.history[0].id  # the first attempt's answer, replayed
    assert completion.credits_remaining == 999


def test_retry_after_a_stream_cut_before_any_event_is_charged_once(
    mode: str, server: SandboxServer, sleeps: list[float]
) -> None:
    sandbox = server.sandbox
    sandbox.cut_stream(after_events=0)  # the server charged, then the connection dropped
    client: Any = (
        LLMWise(KEY, base_url=server.base_url)
        if mode == "sync"
        else AsyncLLMWise(KEY, base_url=server.base_url)
    )
    try:
        _, error, stream = collect_stream(client, model=MODEL, messages=MSG)
    finally:
        _close(client)
    assert error is None and stream.text == TEXT
    assert len(_chat_requests(sandbox)) == 2 and len(sleeps) == 1
    assert _charges(sandbox) == 1 and sandbox.credits == 999
    assert len(sandbox.history) == 1


def test_a_key_reused_for_another_request_is_refused(server: SandboxServer) -> None:
    sandbox = server.sandbox
    with LLMWise(KEY, base_url=server.base_url, max_retries=0) as client:
        first = client.chat.create(model=MODEL, messages=MSG, idempotency_key="order-42")
        again = client.chat.create(model=MODEL, messages=MSG, idempotency_key="order-42")
        assert again.id == first.id and again.content == first.content
        other: list[MessageParam] = [{"role": "user", "content": "Something else entirely."}]
        with pytest.raises(UnprocessableEntityError) as info:
            client.chat.create(model=MODEL, messages=other, idempotency_key="order-42")
        assert "Idempotency-Key" in info.value.message and "POST /chat" in info.value.message
        fresh = client.chat.create(model=MODEL, messages=other, idempotency_key="order-43")
    assert fresh.content == model_text(MODEL, other)
    assert _charges(sandbox) == 2 and sandbox.credits == 998


def test_a_replayed_json_answer_has_the_same_status_and_body() -> None:
    sb = Sandbox()
    keyed = {"Idempotency-Key": "k-1"}
    first = sb.request("POST", "/chat", json=CHAT, headers=keyed)
    # The same JSON spelled differently is the same request.
    respelled = json.dumps(dict(reversed(list(CHAT.items()))), indent=2).encode()
    headers = {**keyed, "Authorization": f"Bearer {sb.api_key}", "Content-Type": "application/json"}
    again = sb.handle(SandboxRequest("POST", "/api/v1/chat", headers=headers, body=respelled))
    assert (again.status, again.body) == (first.status, first.body)
    assert again.header("Idempotent-Replayed") == "true" and first.header("Idempotent-Replayed") is None
    assert again.header("X-Request-Id") != first.header("X-Request-Id")  # each exchange has its own
    assert again.header("X-RateLimit-Remaining") is not None
    assert sb.credits == 999 and len(sb.history) == 1
    assert [r.status for r in sb.requests] == [200, 200]


def test_a_replayed_stream_sends_the_same_frames() -> None:
    sb = Sandbox()
    body = {**CHAT, "stream": True}
    first = sb.request("POST", "/chat", json=body, headers={"Idempotency-Key": "s-1"})
    again = sb.request("POST", "/chat", json=body, headers={"Idempotency-Key": "s-1"})
    assert first.is_stream and again.is_stream
    assert again.content() == first.content() and again.status == 200
    assert sb.credits == 999


def test_a_replayed_stream_sends_what_is_already_produced_at_once() -> None:
    sb = Sandbox(latency=10.0)
    clock = [0.0]
    sb.state.idempotency.clock = lambda: clock[0]
    body = {**CHAT, "stream": True}
    first = sb.request("POST", "/chat", json=body, headers={"Idempotency-Key": "s-2"})
    assert first.frames is not None
    clock[0] = 25.0  # the first stream has sent its frames up to 25 s
    again = sb.request("POST", "/chat", json=body, headers={"Idempotency-Key": "s-2"})
    assert again.frames is not None and again.content() == first.content()
    scheduled = [0.0]
    for frame in first.frames:
        scheduled.append(scheduled[-1] + frame.delay)
    replayed = [0.0]
    for frame in again.frames:
        replayed.append(replayed[-1] + frame.delay)
    # The same schedule, shifted 25 s earlier, never before "now".
    assert replayed[1:] == [max(0.0, at - 25.0) for at in scheduled[1:]]


def test_keys_are_scoped_to_the_credential() -> None:
    sb = Sandbox()
    for key in ("mm_sk_" + "a" * 64, "mm_sk_" + "b" * 64):
        response = sb.request("POST", "/chat", json=CHAT, headers={"Idempotency-Key": "same"}, api_key=key)
        assert response.status == 200 and response.header("Idempotent-Replayed") is None
    assert sb.credits == 998


def test_failed_answers_are_not_stored() -> None:
    sb = Sandbox(credits=0)
    keyed = {"Idempotency-Key": "after-top-up"}
    assert sb.request("POST", "/chat", json=CHAT, headers=keyed).status == 402
    sb.credits = 10
    response = sb.request("POST", "/chat", json=CHAT, headers=keyed)
    assert response.status == 200 and response.header("Idempotent-Replayed") is None
    assert sb.credits == 9


def test_keys_expire_after_the_ttl_and_can_be_turned_off() -> None:
    sb = Sandbox(idempotency_ttl=3600)
    clock = [1000.0]
    sb.state.idempotency.clock = lambda: clock[0]
    keyed = {"Idempotency-Key": "hourly"}
    sb.request("POST", "/chat", json=CHAT, headers=keyed)
    clock[0] += 3599
    assert sb.request("POST", "/chat", json=CHAT, headers=keyed).header("Idempotent-Replayed") == "true"
    clock[0] += 2
    assert sb.request("POST", "/chat", json=CHAT, headers=keyed).header("Idempotent-Replayed") is None
    assert sb.credits == 998

    off = Sandbox(idempotency_ttl=0)
    for _ in range(2):
        off.request("POST", "/chat", json=CHAT, headers=keyed)
    assert off.credits == 998
    with pytest.raises(ValueError):
        Sandbox(idempotency_ttl=-1)


def test_the_store_is_bounded_and_reset_forgets_it() -> None:
    sb = Sandbox(credits=100)
    sb.state.idempotency.max_entries = 3
    for i in range(5):
        sb.request("POST", "/chat", json=CHAT, headers={"Idempotency-Key": f"k{i}"})
    assert len(sb.state.idempotency) == 3
    replayed = sb.request("POST", "/chat", json=CHAT, headers={"Idempotency-Key": "k4"})
    assert replayed.header("Idempotent-Replayed") == "true"
    sb.reset()
    assert len(sb.state.idempotency) == 0
    too_long = sb.request("POST", "/chat", json=CHAT, headers={"Idempotency-Key": "x" * 256})
    assert too_long.status == 400 and "255" in too_long.json()["error"]
