"""OpenTelemetry spans of API calls, checked with the SDK's in-memory exporter, with both clients
against the sandbox: GenAI attributes, streams, errors, opt-in content, switching off."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

import llmwise._otel as otel
from llmwise import AsyncLLMWise, LLMWise, ServerStreamError
from llmwise.sandbox import Sandbox
from support import KEY, collect_stream, run

MSG: list[Any] = [{"role": "user", "content": "Trace me."}]


class Traced:
    """A sandbox, a client of one mode whose spans go to an in-memory exporter."""

    def __init__(self, mode: str, **options: Any) -> None:
        self.sandbox = Sandbox()
        self.exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        options.setdefault("tracer_provider", provider)
        self.client: Any
        if mode == "sync":
            http: Any = httpx.Client(transport=self.sandbox.transport())
            self.client = LLMWise(KEY, base_url="http://sandbox", http_client=http, **options)
        else:
            http = httpx.AsyncClient(transport=self.sandbox.async_transport())
            self.client = AsyncLLMWise(KEY, base_url="http://sandbox", http_client=http, **options)

    def call(self, value: Any) -> Any:
        return run(value)

    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())


def attrs(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


@pytest.fixture
def traced(mode: str) -> Traced:
    return Traced(mode)


def test_a_chat_call_is_a_genai_span(traced: Traced) -> None:
    answer = traced.call(traced.client.chat.create(model="gpt-5.2", messages=MSG, temperature=0.3, max_tokens=500))
    (span,) = traced.spans()
    assert span.name == "chat gpt-5.2" and span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    attributes = attrs(span)
    assert attributes == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "llmwise",
        "gen_ai.system": "llmwise",
        "gen_ai.request.model": "gpt-5.2",
        "gen_ai.request.temperature": 0.3,
        "gen_ai.request.max_tokens": 500,
        "gen_ai.request.stream": False,
        "gen_ai.response.model": "gpt-5.2",
        "gen_ai.response.id": answer.id,
        "gen_ai.response.finish_reasons": ("stop",),
        "gen_ai.usage.input_tokens": answer.prompt_tokens,
        "gen_ai.usage.output_tokens": answer.completion_tokens,
        "llmwise.mode": "chat",
        "llmwise.request.models": ("gpt-5.2",),
        "llmwise.request_id": answer.id,
        "llmwise.credits_charged": 1,
        "llmwise.credits_remaining": 999,
        "llmwise.retries": 0,
        "llmwise.outcome": "ok",
        "http.response.status_code": 200,
    }


def test_multi_model_calls(traced: Traced) -> None:
    models = ["gpt-5.2", "claude-sonnet-4.5"]
    traced.call(traced.client.compare.create(models=models, messages=MSG))
    traced.call(traced.client.judge.create(contestants=models, judge="claude-haiku-4.5", messages=MSG))
    compare, judge = traced.spans()
    assert compare.name == "compare" and attrs(compare)["llmwise.request.models"] == tuple(models)
    assert "gen_ai.request.model" not in (compare.attributes or {})
    charged = attrs(compare)["llmwise.credits_charged"]
    assert isinstance(charged, (int, float)) and charged >= 1  # the server's settled charge
    assert judge.name == "judge claude-haiku-4.5"
    attributes = attrs(judge)
    assert attributes["gen_ai.operation.name"] == "judge" and attributes["gen_ai.response.model"] == "claude-haiku-4.5"
    assert attributes["llmwise.credits_charged"] >= 1 and attributes["gen_ai.usage.output_tokens"] > 0


def test_a_stream_span_lasts_until_the_stream_ends(traced: Traced) -> None:
    client = traced.client
    if isinstance(client, LLMWise):
        stream = client.chat.stream(model="gpt-5.2", messages=MSG)
        iterator = iter(stream)
        next(iterator)
        assert traced.spans() == []  # open while the stream is read
        for _event in iterator:
            pass
    else:

        async def go() -> None:
            stream = client.chat.stream(model="gpt-5.2", messages=MSG)
            await stream.__anext__()
            assert traced.spans() == []
            async for _event in stream:
                pass

        traced.call(go())
    (span,) = traced.spans()
    attributes = attrs(span)
    assert span.name == "chat gpt-5.2" and attributes["gen_ai.request.stream"] is True
    assert attributes["gen_ai.response.time_to_first_chunk"] >= 0
    assert [event.name for event in span.events] == ["first_event"]
    assert attributes["llmwise.credits_charged"] == 1 and attributes["gen_ai.usage.output_tokens"] > 0
    assert attributes["llmwise.outcome"] == "ok"
    assert span.end_time is not None and span.events[0].timestamp <= span.end_time


def test_errors(traced: Traced, sleeps: list[float]) -> None:
    sb = traced.sandbox
    sb.rate_limit(times=1, retry_after=1)
    sb.set_model("gpt-5.2", fail_status=503)
    with pytest.raises(Exception, match="503"):
        traced.call(traced.client.chat.create(model="gpt-5.2", messages=MSG, max_retries=1))
    sb.set_model("gpt-5.2", fail_status=503, fail_after_chunks=1)
    _events, error, _stream = collect_stream(traced.client, model="gpt-5.2", messages=MSG)
    assert isinstance(error, ServerStreamError)
    failed, streamed = traced.spans()
    assert failed.status.status_code is StatusCode.ERROR and "503" in (failed.status.description or "")
    attributes = attrs(failed)
    assert attributes["error.type"] == "InternalServerError" and attributes["llmwise.retries"] == 1
    assert attributes["http.response.status_code"] == 503 and attributes["llmwise.outcome"] == "refunded"
    assert [event.name for event in failed.events] == ["exception"]
    attributes = attrs(streamed)
    assert streamed.status.status_code is StatusCode.ERROR and attributes["error.type"] == "ServerStreamError"
    assert attributes["http.response.status_code"] == 200 and attributes["llmwise.outcome"] == "refunded"


def test_other_calls_are_spans_too(traced: Traced) -> None:
    traced.call(traced.client.models.list())
    conversation = traced.call(traced.client.conversations.create())
    traced.call(traced.client.conversations.retrieve(conversation.id))
    names = [span.name for span in traced.spans()]
    assert names == ["GET /models", "POST /conversations", "GET /conversations/{id}"]
    attributes = attrs(traced.spans()[2])
    assert attributes["url.path"] == f"/conversations/{conversation.id}" and attributes["http.request.method"] == "GET"
    assert not any(key.startswith("gen_ai.") for key in attributes)


def test_prompts_and_answers_only_when_asked(mode: str) -> None:
    plain = Traced(mode)
    plain.call(plain.client.chat.create(model="gpt-5.2", messages=MSG))
    (span,) = plain.spans()
    assert not {"gen_ai.input.messages", "gen_ai.output.messages"} & set(span.attributes or {})
    assert not any("Trace me" in str(value) for value in (span.attributes or {}).values())

    told = Traced(mode, trace_content=True)
    answer = told.call(told.client.chat.create(model="gpt-5.2", messages=MSG))
    (span,) = told.spans()
    attributes = attrs(span)
    assert "Trace me." in attributes["gen_ai.input.messages"]
    assert answer.content in attributes["gen_ai.output.messages"]


def test_tracing_off(mode: str) -> None:
    off = Traced(mode, tracing=False)
    off.call(off.client.chat.create(model="gpt-5.2", messages=MSG))
    assert off.spans() == []


@pytest.fixture
def global_provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemorySpanExporter]:
    """The application's global tracer provider, set for one test (restored after it)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(trace, "_TRACER_PROVIDER", provider)
    yield exporter
    otel._cached = (None, None)


def test_the_global_tracer_provider_is_used(mode: str, global_provider: InMemorySpanExporter) -> None:
    traced = Traced(mode, tracer_provider=None)
    traced.call(traced.client.chat.create(model="gpt-5.2", messages=MSG))
    assert traced.spans() == []
    assert [span.name for span in global_provider.get_finished_spans()] == ["chat gpt-5.2"]


def test_no_provider_no_spans_and_no_cost(mode: str) -> None:
    # The API is imported (by this test module) but no provider is set: no tracer is looked for.
    assert isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)
    client = Traced(mode, tracer_provider=None).client
    assert otel.tracer(client) is None


def test_nothing_is_imported_without_opentelemetry_in_use() -> None:
    code = (
        "import sys, httpx\n"
        "from llmwise import LLMWise\n"
        "from llmwise.sandbox import Sandbox\n"
        "sb = Sandbox()\n"
        "c = LLMWise('mm_sk_x', base_url='http://sandbox', http_client=httpx.Client(transport=sb.transport()))\n"
        "c.chat.create(model='gpt-5.2', messages=[{'role': 'user', 'content': 'hi'}])\n"
        "print(any(name.startswith('opentelemetry') for name in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "False"
