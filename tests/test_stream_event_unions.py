"""The event union of each stream lists exactly what iterating it can yield (issue #12, item 4).

An error frame is raised as `ServerStreamError`, never yielded, so `ErrorEvent` is in none of
`ChatStreamEvent`, `CompareStreamEvent`, `BlendStreamEvent`, `JudgeStreamEvent`: an exhaustive
`match` ending in `assert_never` type-checks, and at run time no stream hands out an `ErrorEvent`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmwise import IncompleteStreamError, ServerStreamError
from llmwise._streaming.blend import parse_blend_event
from llmwise._streaming.chat import parse_chat_event
from llmwise._streaming.compare import parse_compare_event
from llmwise._streaming.judge import parse_judge_event
from llmwise.types.shared import ErrorEvent
from support import ChunkedBody, collect_stream, mock_client, sse
from typecheck import Report, mypy_report

EXHAUSTIVE = """
from typing_extensions import assert_never

from llmwise import AsyncLLMWise, LLMWise
from llmwise.types.blend import (
    BlendChunkEvent, BlendDoneEvent, BlendModelDoneEvent, BlendModelErrorEvent, BlendStreamEvent,
)
from llmwise.types.chat import (
    ChatDoneEvent, ChatStreamEvent, MeshChunkEvent, RouteEvent, TextChunkEvent, TraceEvent,
)
from llmwise.types.compare import (
    CompareDoneEvent, CompareStreamEvent, CompareSummaryEvent, ModelChunkEvent, ModelDoneEvent,
    ModelErrorEvent,
)
from llmwise.types.judge import JudgeDoneEvent, JudgeStreamEvent, VerdictEvent
from llmwise.types.shared import UnknownEvent


def chat_kind(event: ChatStreamEvent) -> str:
    match event:
        case TextChunkEvent():
            return "text"
        case MeshChunkEvent():
            return "mesh"
        case RouteEvent():
            return "route"
        case TraceEvent():
            return "trace"
        case ChatDoneEvent():
            return "done"
        case UnknownEvent():
            return "unknown"
        case _:
            assert_never(event)  # @chat


def chat_kind_if(event: ChatStreamEvent) -> str:
    if isinstance(event, (TextChunkEvent, MeshChunkEvent)):
        return "text"
    if isinstance(event, (RouteEvent, TraceEvent)):
        return "routing"
    if isinstance(event, ChatDoneEvent):
        return "done"
    if isinstance(event, UnknownEvent):
        return "unknown"
    assert_never(event)  # @chat-if


def chat_missing_unknown(event: ChatStreamEvent) -> str:
    match event:
        case TextChunkEvent() | MeshChunkEvent() | RouteEvent() | TraceEvent() | ChatDoneEvent():
            return "known"
        case _:
            assert_never(event)  # @chat-missing


def compare_kind(event: CompareStreamEvent) -> str:
    match event:
        case ModelChunkEvent() | ModelDoneEvent() | ModelErrorEvent():
            return "model"
        case CompareSummaryEvent() | CompareDoneEvent() | UnknownEvent():
            return "other"
        case _:
            assert_never(event)  # @compare


def blend_kind(event: BlendStreamEvent) -> str:
    match event:
        case BlendChunkEvent() | BlendModelDoneEvent() | BlendModelErrorEvent():
            return "model"
        case BlendDoneEvent() | UnknownEvent():
            return "other"
        case _:
            assert_never(event)  # @blend


def judge_kind(event: JudgeStreamEvent) -> str:
    match event:
        case ModelChunkEvent() | ModelDoneEvent() | ModelErrorEvent():
            return "model"
        case VerdictEvent() | JudgeDoneEvent() | UnknownEvent():
            return "other"
        case _:
            assert_never(event)  # @judge


def iterate(client: LLMWise) -> None:
    with client.chat.stream(model="auto", messages=[]) as stream:
        for event in stream:
            reveal_type(event)  # @chat-event
            chat_kind(event)
    for e in client.compare.stream(models=["a", "b"], messages=[]):
        compare_kind(e)
    for b in client.blend.stream(models=["a", "b"], messages=[]):
        blend_kind(b)
    for j in client.judge.stream(contestants=["a", "b"], judge="c", messages=[]):
        judge_kind(j)


async def iterate_async(client: AsyncLLMWise) -> None:
    async with client.chat.stream(model="auto", messages=[]) as stream:
        async for event in stream:
            chat_kind(event)
    async for e in client.compare.stream(models=["a", "b"], messages=[]):
        compare_kind(e)
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return mypy_report(tmp_path_factory.mktemp("unions"), EXHAUSTIVE)


@pytest.mark.parametrize("tag", ["chat", "chat-if", "compare", "blend", "judge"])
def test_an_exhaustive_match_ending_in_assert_never_type_checks(report: Report, tag: str) -> None:
    assert report.errors(tag) == [], report.output


def test_a_match_missing_a_kind_is_an_error(report: Report) -> None:
    # The check above means something: leaving out a kind the stream yields is caught.
    assert any('"UnknownEvent"' in e and "assert_never" in e for e in report.errors("chat-missing")), report.output


def test_iterating_a_stream_gives_its_union(report: Report) -> None:
    revealed = report.revealed("chat-event")
    assert "ErrorEvent" not in revealed and "TextChunkEvent" in revealed and "UnknownEvent" in revealed
    assert report.untagged == [], report.output


# --- run time: no stream yields an ErrorEvent -----------------------------------------------------

PARSERS = {
    "chat": parse_chat_event,
    "compare": parse_compare_event,
    "blend": parse_blend_event,
    "judge": parse_judge_event,
}
ARGS: dict[str, dict[str, Any]] = {
    "chat": {"model": "gpt-5.2", "messages": [{"role": "user", "content": "Hi"}]},
    "compare": {"models": ["a", "b"], "messages": [{"role": "user", "content": "Hi"}]},
    "blend": {"models": ["a", "b"], "messages": [{"role": "user", "content": "Hi"}]},
    "judge": {"contestants": ["a", "b"], "judge": "c", "messages": [{"role": "user", "content": "Hi"}]},
}

# Frames of every kind the readers know, error frames in each spelling the rules name, and odd ones.
frames = st.fixed_dictionaries(
    {},
    optional={
        "event": st.sampled_from(
            ["error", "ERROR", "done", "route", "trace", "chunk", "summary", "verdict", "failure", "x"]
        ),
        "error": st.sampled_from([None, "", "boom", {"message": "m"}, {}, 0, 1, False]),
        "model": st.sampled_from(["a", "b", 7]),
        "delta": st.sampled_from(["t", "", 3]),
        "done": st.booleans(),
        "phase": st.just("synthesis"),
        "status_code": st.sampled_from([500, "429"]),
    },
)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("kind", list(PARSERS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payloads=st.lists(frames, max_size=6))
def test_no_stream_yields_an_error_event(mode: str, kind: str, payloads: list[dict[str, Any]]) -> None:
    body = sse(*(json.dumps(p) for p in payloads), '{"event":"done"}', "[DONE]")
    client = mock_client(
        mode,
        lambda request: httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=ChunkedBody(body)),
        strict_responses=False,
        max_retries=0,
    )
    events, error, _ = collect_stream(client, kind, **ARGS[kind])
    assert not any(isinstance(event, ErrorEvent) for event in events)
    parsed = [PARSERS[kind](dict(p)) for p in payloads]
    first_error = next((i for i, event in enumerate(parsed) if isinstance(event, ErrorEvent)), None)
    if first_error is None:
        assert error is None or isinstance(error, IncompleteStreamError)
    elif not any(getattr(event, "stream_kind", None) == "done" for event in parsed[:first_error]):
        # The error frame is raised where it stands, after the events before it were handed out.
        assert isinstance(error, ServerStreamError)
        assert len(events) == first_error


def test_the_type_checker_report_exists(tmp_path: Path) -> None:
    # `mypy_report` reads mypy's lines by tag: a tag with no finding reads as clean, so make sure a
    # finding is seen where there is one.
    found = mypy_report(tmp_path, "x: int = 'a'  # @bad\n")
    assert found.errors("bad") and "incompatible types" in found.errors("bad")[0].lower()
