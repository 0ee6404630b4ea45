"""The benchmark code (benchmarks/) still works: its server answers both API shapes correctly, and
the llmwise and raw-httpx contenders run against it. Nothing is timed, and openai is not needed (the
httpx2 lane's checks run when httpx2 is installed)."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from llmwise import LLMWise
from llmwise.types.chat import ChatDoneEvent, TextChunkEvent

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load(name: str) -> ModuleType:
    """benchmarks/<name>.py, imported as `llmwise_bench_<name>` (benchmarks/ is not a package)."""
    qualified = f"llmwise_bench_{name}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    spec = importlib.util.spec_from_file_location(qualified, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


server = load("server")
tasks = load("tasks")
run = load("run")


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with server.start_in_thread() as srv:
        yield srv.url


def sse_payloads(body: bytes) -> list[Any]:
    lines = [line[len("data: ") :] for line in body.decode().split("\n\n") if line.startswith("data: ")]
    assert lines[-1] == "[DONE]"
    return [json.loads(line) for line in lines[:-1]]


def test_llmwise_chat_through_the_sdk(url: str) -> None:
    with LLMWise(api_key="mm_sk_bench", base_url=url, max_retries=0) as client:
        answer = client.chat.create(model="bench-model", messages=[{"role": "user", "content": "hi"}], max_tokens=7)
        assert answer.content == server.text_of(7)
        assert (answer.model, answer.finish_reason, answer.completion_tokens) == ("bench-model", "stop", 7)
        with client.chat.stream(model="bench-model", messages=[{"role": "user", "content": "hi"}], max_tokens=5) as stream:
            events = list(stream)
        assert [type(e) for e in events] == [TextChunkEvent] * 6 + [ChatDoneEvent]
        assert stream.text == server.text_of(5) and not stream.skipped_frames


def test_openai_shaped_chat(url: str) -> None:
    body = {"model": "bench-model", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 4}
    with httpx.Client(base_url=url) as http:
        answer = http.post("/v1/chat/completions", json=body)
        assert answer.status_code == 200
        data = answer.json()
        assert data["object"] == "chat.completion"
        assert data["choices"][0]["message"] == {"role": "assistant", "content": server.text_of(4), "refusal": None}
        streamed = http.post("/v1/chat/completions", json={**body, "stream": True})
        assert streamed.headers["content-type"] == "text/event-stream"
        chunks = sse_payloads(streamed.content)
        assert all(c["object"] == "chat.completion.chunk" for c in chunks)
        assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks) == server.text_of(4)
        assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
        assert http.get("/health").text == "ok"
        assert http.post("/v2/nowhere", json=body).status_code == 404
        assert http.post("/v1/chat/completions", content=b"[").status_code == 400


def test_both_shapes_carry_the_same_text() -> None:
    llmwise_text = "".join(p.get("delta", "") for p in sse_payloads(server.llmwise_sse(40)))
    openai_text = "".join(p["choices"][0]["delta"].get("content", "") for p in sse_payloads(server.openai_sse(40)))
    assert llmwise_text == openai_text == server.text_of(40)
    assert json.loads(server.llmwise_json(40))["content"] == server.text_of(40)


def test_the_contenders_run(url: str) -> None:
    assert tasks.call_floor(url)() == tasks.call_llmwise(url)() == len(server.text_of(tasks.CALL_PIECES))
    assert tasks.stream_floor(url, 30)() == tasks.stream_llmwise(url, 30)() == 32  # 30 + last chunk + done
    assert tasks.stream_floor_openai_shape(url, 30)() == 32  # role chunk + 30 + finish chunk
    assert tasks.check_stream_text(url, 30) == server.text_of(30)


def test_the_table_renders() -> None:
    results = run.Results()
    results.row("bench", "llmwise", 123.4, "us", 1.05, "floor")
    results.target("per-call", 1.05, "<=", 1.15)
    table = run.render_table(results, {**run.machine_info(quick=True), "seconds": 1.0})
    assert "llmwise" in table and "| yes" in table


def test_the_table_renders_a_skipped_row() -> None:
    results = run.Results()
    results.row("bench", "llmwise on httpx2", None, "us", note="skipped: why")
    results.target("per-call on httpx2", None, "<=", 1.15, "skipped: why")
    table = run.render_table(results, {**run.machine_info(quick=True), "seconds": 1.0})
    assert table.count("skipped: why") == 2 and "| -   |" in table


def test_the_timed_import_statements_run() -> None:
    # Every statement the import benchmark times for llmwise (and its baseline) is valid: one fresh
    # process runs them all.
    statements = run.import_statements(everything=True)
    assert {run.FIRST_CALL, run.HTTPX_PYDANTIC} <= statements.keys()
    ours = [code for code, _ in statements.values() if "openai" not in code and "anthropic" not in code]
    assert "from llmwise import LLMWise; LLMWise('k').chat.create" in ours
    subprocess.run([sys.executable, "-c", "\n".join(ours)], check=True, timeout=120)


def test_one_stream_memory_is_measured(url: str) -> None:
    for contender in ("floor", "llmwise"):
        measured = tasks.memory_stream(url, contender, 40)
        assert measured["events"] == 42 and measured["traced_peak_bytes"] > 0
        if sys.platform == "linux":
            assert isinstance(measured["rss_growth_bytes"], int) and measured["peak_rss_bytes"] > 0


def test_the_httpx2_lane(url: str) -> None:
    pytest.importorskip("httpx2")
    assert run.httpx2_unavailable([]) is None
    assert run.httpx2_unavailable(["httpx2"]) == "skipped: httpx2 is not installed"
    assert tasks.call_floor(url, "httpx2")() == len(server.text_of(tasks.CALL_PIECES))
    assert tasks.stream_floor(url, 30, "httpx2")() == 32

    async def fan_out() -> int:
        batch, close = tasks.async_floor(url, 6, 3, "httpx2")
        try:
            return int(await batch())
        finally:
            await close()

    assert asyncio.run(fan_out()) == 6 * len(server.text_of(tasks.CALL_PIECES))
    # llmwise on an httpx2 pool: it works, or (until the SDK supports httpx2) it is refused with a
    # TypeError, which the runner turns into a skipped row rather than a failed run.
    call, why = run.sdk_on_httpx2(lambda: tasks.call_llmwise(url, "httpx2"))
    if call is None:
        assert why.startswith("skipped: the SDK refuses an httpx2 client (TypeError:")
        return
    assert why == "" and call() == len(server.text_of(tasks.CALL_PIECES))
    assert tasks.stream_llmwise(url, 30, "httpx2")() == 32
    assert tasks.check_stream_text(url, 30, "httpx2") == server.text_of(30)

    async def sdk_fan_out() -> int:
        batch, close = tasks.async_llmwise(url, 6, 3, "httpx2")
        try:
            return int(await batch())
        finally:
            await close()

    assert asyncio.run(sdk_fan_out()) == 6 * len(server.text_of(tasks.CALL_PIECES))
