"""Record and replay (llmwise.testing.cassette): real traffic recorded once, against the sandbox here,
then replayed offline, scrubbed of every secret, streams frame by frame."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import llmwise.testing._cassette as cassette_module
from llmwise import APIConnectionError, IncompleteStreamError
from llmwise.sandbox import Sandbox, SandboxServer
from llmwise.testing import Cassette, CassetteError, CassetteMismatchError, cassette
from llmwise.types.chat import ChatDoneEvent, TextChunkEvent
from llmwise.types.shared import MessageParam

API_KEY = "mm_sk_" + "5e" * 32
SESSION = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEyMyJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
PROVIDER_KEY = "sk-proj-Abc123SecretProviderKey"
HELLO: list[MessageParam] = [{"role": "user", "content": "Say hello to the cassette."}]
OTHER: list[MessageParam] = [{"role": "user", "content": "Say goodbye to the cassette."}]


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(Sandbox(latency=0.0)) as running:
        yield running


def record_session(path: Path, server: SandboxServer) -> dict[str, Any]:
    """Record a small session over real HTTP (the default transport), returning what it saw."""
    seen: dict[str, Any] = {}
    with cassette(path, mode="record") as tape:
        assert tape.mode == "record"
        with tape.client(API_KEY, base_url=server.base_url) as client:
            seen["chat"] = client.chat.create(model="gpt-5.2", messages=HELLO).content
            with client.chat.stream(model="claude-sonnet-4.5", messages=HELLO) as stream:
                seen["events"] = [e.to_dict() for e in stream]
            client.settings.provider_keys.save({"openai": PROVIDER_KEY})
            seen["byok"] = client.chat.create(model="gpt-5.2", messages=OTHER).byok
        with tape.client(SESSION, base_url=server.base_url) as dashboard:
            seen["generated"] = dashboard.keys.generate().api_key
    return seen


def test_record_then_replay_offline(tmp_path: Path, server: SandboxServer) -> None:
    path = tmp_path / "cassettes" / "session.json"
    seen = record_session(path, server)
    recorded = len(server.sandbox.requests)
    assert recorded == 5 and seen["byok"] is True

    with cassette(path, mode="replay") as tape, tape.client() as client:
        assert client.chat.create(model="gpt-5.2", messages=HELLO).content == seen["chat"]
        with client.chat.stream(model="claude-sonnet-4.5", messages=HELLO) as stream:
            assert [e.to_dict() for e in stream] == seen["events"]
        assert client.settings.provider_keys.save({"openai": PROVIDER_KEY}).providers
        assert client.chat.create(model="gpt-5.2", messages=OTHER).byok is True
        assert [i.describe().split()[1] for i in tape.unplayed] == ["/api/v1/keys/generate"]
    assert len(server.sandbox.requests) == recorded  # nothing reached the server


def test_secrets_never_reach_the_file(tmp_path: Path, server: SandboxServer) -> None:
    path = tmp_path / "session.json"
    seen = record_session(path, server)
    text = path.read_text(encoding="utf-8")
    generated = seen["generated"]
    assert generated.startswith("mm_sk_")
    for secret in (API_KEY, SESSION, PROVIDER_KEY, generated, API_KEY[6:], generated[6:]):
        assert secret not in text
    data = json.loads(text)
    first = data["interactions"][0]["request"]
    assert first["headers"]["authorization"] == "REDACTED"
    assert first["method"] == "POST" and first["path"] == "/api/v1/chat"
    saved = next(i for i in data["interactions"] if i["request"]["path"] == "/api/v1/settings/keys")
    assert saved["request"]["body"] == {"json": {"keys": {"openai": "REDACTED"}}}
    generate = data["interactions"][-1]["response"]["body"]["json"]
    assert generate["api_key"] == "REDACTED"


def test_streams_are_recorded_and_replayed_frame_by_frame(tmp_path: Path) -> None:
    sb = Sandbox()
    path = tmp_path / "stream.json"
    body = {"model": "gpt-5.2", "messages": HELLO, "stream": True}
    with cassette(path, mode="record", transport=sb.transport()) as tape, tape.http_client(
        base_url="http://sandbox/api/v1", headers={"Authorization": f"Bearer {API_KEY}"}
    ) as http:
        live = http.post("/chat", json=body).content
    frames = json.loads(path.read_text())["interactions"][0]["response"]["frames"]
    assert "".join(f["data"] for f in frames).encode() == live
    assert all(f["data"].endswith("\n\n") for f in frames) and frames[-1]["data"] == "data: [DONE]\n\n"
    assert all(isinstance(f["delay"], float) for f in frames)

    with (
        cassette(path) as tape,
        tape.http_client(base_url="http://anywhere/api/v1") as http,
        http.stream("POST", "/chat", json=body) as response,
    ):
        assert response.headers["content-type"].startswith("text/event-stream")
        pieces = list(response.iter_raw())
    assert [p.decode() for p in pieces] == [f["data"] for f in frames]  # one frame at a time


def test_replay_timing_is_optional(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "timed.json"
    frames = [
        {"data": 'data: {"model":"gpt-5.2","delta":"Hi","done":false}\n\n', "delay": 0.25},
        {"data": 'data: {"event":"done","credits_charged":1}\n\n', "delay": 0.5},
        {"data": "data: [DONE]\n\n", "delay": 0.0},
    ]
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "interactions": [
                    {
                        "request": {"method": "POST", "path": "/api/v1/chat", "query": [], "headers": {},
                                    "body": {"json": {"model": "gpt-5.2", "messages": HELLO, "stream": True}}},
                        "response": {"status": 200, "headers": {"content-type": "text/event-stream"},
                                     "frames": frames},
                    }
                ],
            }
        )
    )
    slept: list[float] = []
    monkeypatch.setattr(cassette_module, "_sleep", slept.append)
    for timing, expected in ((False, []), (True, [0.25, 0.5])):
        slept.clear()
        with (
            cassette(path, timing=timing) as tape,
            tape.client() as client,
            client.chat.stream(model="gpt-5.2", messages=HELLO) as stream,
        ):
            events = list(stream)
        assert slept == expected
        assert isinstance(events[0], TextChunkEvent) and isinstance(events[-1], ChatDoneEvent)


def test_an_unrecorded_request_fails_clearly_and_is_not_retried(tmp_path: Path, server: SandboxServer) -> None:
    path = tmp_path / "session.json"
    record_session(path, server)
    with cassette(path) as tape, tape.client() as client, pytest.raises(CassetteMismatchError) as info:
        client.chat.create(model="gpt-5.2", messages=[{"role": "user", "content": "Something new"}])
    error = info.value
    assert isinstance(error, AssertionError) and not isinstance(error, APIConnectionError)
    message = str(error)
    assert "holds no response for POST /api/v1/chat" in message
    assert "differs at body.messages[0].content" in message
    assert "GET" not in message.split("it holds:")[0]
    assert "mode='record'" in message
    assert PROVIDER_KEY not in message and API_KEY not in message

    # Each recording answers once: a second identical request is not in the cassette.
    with cassette(path) as tape, tape.client() as client:
        client.chat.create(model="gpt-5.2", messages=HELLO)
        with pytest.raises(CassetteMismatchError, match="all were played"):
            client.chat.create(model="gpt-5.2", messages=HELLO)
    with cassette(path, allow_repeats=True) as tape, tape.client() as client:
        first = client.chat.create(model="gpt-5.2", messages=HELLO).content
        assert client.chat.create(model="gpt-5.2", messages=HELLO).content == first
        with pytest.raises(CassetteMismatchError, match="never played"):
            tape.assert_all_played()


def test_match_on_narrows_what_must_be_equal(tmp_path: Path, server: SandboxServer) -> None:
    path = tmp_path / "session.json"
    seen = record_session(path, server)
    with cassette(path, match_on=("method", "path")) as tape, tape.client() as client:
        # Any chat body matches the first recorded chat.
        assert client.chat.create(model="deepseek-v3", messages=OTHER).content == seen["chat"]
    with pytest.raises(CassetteError, match="match_on"):
        cassette(path, match_on=("headers",))  # type: ignore[arg-type]


async def test_async_record_and_replay(tmp_path: Path) -> None:
    sb = Sandbox()
    path = tmp_path / "async.json"
    with cassette(path, mode="record", transport=sb.async_transport()) as tape:
        async with tape.async_client(API_KEY, base_url="http://sandbox/api/v1") as client:
            answer = await client.chat.create(model="gpt-5.2", messages=HELLO)
            async with client.chat.stream(model="gpt-5.2", messages=OTHER) as stream:
                streamed = [e.to_dict() async for e in stream]
    with cassette(path) as tape:
        async with tape.async_client() as client:
            assert (await client.chat.create(model="gpt-5.2", messages=HELLO)).content == answer.content
            async with client.chat.stream(model="gpt-5.2", messages=OTHER) as stream:
                assert [e.to_dict() async for e in stream] == streamed
    assert len(sb.requests) == 2


def test_a_cut_stream_is_replayed_as_cut(tmp_path: Path) -> None:
    sb = Sandbox()
    sb.cut_stream(after_events=2)
    path = tmp_path / "cut.json"
    with (
        cassette(path, mode="record", transport=sb.transport()) as tape,
        tape.client(API_KEY, base_url="http://sandbox/api/v1", max_retries=0) as client,
        pytest.raises(IncompleteStreamError),
    ):
        client.chat.create(model="gpt-5.2", messages=HELLO, stream=True).get_final_completion()
    frames = json.loads(path.read_text())["interactions"][0]["response"]["frames"]
    assert len(frames) == 3 and frames[-1] == {"data": "", "delay": frames[-1]["delay"], "cut": True}
    with (
        cassette(path) as tape,
        tape.client(max_retries=0) as client,
        pytest.raises(IncompleteStreamError) as info,
    ):
        client.chat.create(model="gpt-5.2", messages=HELLO, stream=True).get_final_completion()
    assert info.value.partial_text


def test_modes_and_files(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "once.json"
    with pytest.raises(CassetteError, match="not found"):
        cassette(path)
    with pytest.raises(CassetteError, match="mode"):
        cassette(path, mode="rewind")  # type: ignore[arg-type]
    sb = Sandbox()
    tape = cassette(path, mode="once", transport=sb.transport())
    assert tape.mode == "record"
    with tape, tape.client(API_KEY, base_url="http://sandbox/api/v1") as client:
        client.models.list()
    again = cassette(path, mode="once")
    assert isinstance(again, Cassette) and again.mode == "replay" and len(again.interactions) == 1
    path.write_text("{}")
    with pytest.raises(CassetteError, match="not a llmwise cassette"):
        cassette(path)


def test_extra_scrubbing_and_the_before_record_hook(tmp_path: Path) -> None:
    sb = Sandbox()
    path = tmp_path / "hooked.json"

    def hook(interaction: dict[str, Any]) -> dict[str, Any] | None:
        if interaction["request"]["path"].endswith("/models"):
            return None  # not kept
        interaction["response"]["headers"]["x-note"] = "customer-4242-internal"
        return interaction

    with cassette(path, mode="record", transport=sb.transport(), scrub=["customer-4242-internal"],
                  before_record=hook) as tape, tape.client(API_KEY, base_url="http://sandbox/api/v1") as client:
        client.models.list()
        client.credits.balance()
    data = json.loads(path.read_text())
    assert [i["request"]["path"] for i in data["interactions"]] == ["/api/v1/credits/balance"]
    assert data["interactions"][0]["response"]["headers"]["x-note"] == "REDACTED"


def test_plain_httpx_users_get_the_same_cassettes(tmp_path: Path) -> None:
    sb = Sandbox()
    path = tmp_path / "httpx.json"
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with cassette(path, mode="record", transport=sb.transport()) as tape, tape.http_client(
        base_url="http://sandbox/api/v1", headers=headers
    ) as http:
        recorded = http.get("/credits/transactions", params={"limit": 5}).json()
    with cassette(path) as tape, tape.http_client(base_url="https://llmwise.ai/api/v1") as http:
        assert http.get("/credits/transactions", params={"limit": 5}).json() == recorded
        with pytest.raises(CassetteMismatchError, match="differs at query"):
            http.get("/credits/transactions", params={"limit": 6})
    with pytest.raises(CassetteError, match="async"):
        cassette(tmp_path / "x.json", mode="record", transport=sb.async_transport()).transport()
    assert isinstance(cassette(tmp_path / "y.json", mode="record").transport(), httpx.BaseTransport)
