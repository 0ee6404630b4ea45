"""Streams never drop or swallow (issue #10, part 3): every rule of `llmwise._streaming`'s docstring,
with scripted SSE bodies over httpx.MockTransport, through the sync and the async client.

Lenient behaviour is tested with `strict_responses=False` clients (the suite's default is strict).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from llmwise import APIResponseValidationError, ServerStreamError
from llmwise._models import STRICT_RESPONSES
from llmwise.types.blend import BlendChunkEvent, BlendDoneEvent
from llmwise.types.chat import ChatDoneEvent, MeshChunkEvent, RouteEvent, TextChunkEvent, TraceEvent
from llmwise.types.compare import CompareDoneEvent, CompareSummaryEvent, ModelChunkEvent, ModelErrorEvent
from llmwise.types.judge import JudgeDoneEvent, Verdict, VerdictEvent
from llmwise.types.shared import UnknownEvent
from support import ChunkedBody, collect_stream, mock_client, run, sse

MSG: Any = [{"role": "user", "content": "Hi"}]
M = "gpt-5.2"
A, B = "gpt-5.2", "claude-sonnet-4.5"
SSE = {"content-type": "text/event-stream"}
DONE = '{"event":"done","credits_charged":1,"credits_remaining":99}'


def served(mode: str, *payloads: str, strict: bool = False) -> Any:
    """A client whose every request streams `payloads` (then `[DONE]`)."""
    frames = sse(*payloads, "[DONE]")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=SSE, stream=ChunkedBody(frames))

    return mock_client(mode, handler, strict_responses=strict, max_retries=0)


def chat(mode: str, *payloads: str, strict: bool = False) -> tuple[list[Any], BaseException | None, Any]:
    return collect_stream(served(mode, *payloads, strict=strict), "chat", model=M, messages=MSG)


def final(stream: Any, name: str = "get_final_completion") -> Any:
    return run(getattr(stream, name)())


def chunk(delta: str, **fields: Any) -> str:
    return json.dumps({"model": M, "delta": delta, "done": False, **fields})


# --- every JSON object is an event ---------------------------------------------------------------


def test_odd_chat_frames_are_events_not_skipped(mode: str) -> None:
    events, error, stream = chat(
        mode,
        chunk("Hel"),
        '{"event":7}',
        '{"event":"route","model":"gpt-5.2","status":7,"error":{"message":"slow"}}',
        '{"model":"gpt-5.2","delta":5,"done":false}',
        '{"event":"trace","final_model":"gpt-5.2","attempts":"none"}',
        chunk("lo"),
        '{"event":"chunk","model":"gpt-5.2","delta":"!","tokens":"many"}',
        DONE,
    )
    assert error is None and stream.skipped_frames == []
    assert [type(e) for e in events] == [
        TextChunkEvent, UnknownEvent, RouteEvent, TextChunkEvent, TraceEvent, TextChunkEvent, MeshChunkEvent,
        ChatDoneEvent,
    ]  # fmt: skip
    assert [i.path for i in events[1].response_issues] == ["event"]
    assert events[2].error == {"message": "slow"} and [i.path for i in events[2].response_issues] == ["status"]
    assert events[3].delta == 5 and [i.path for i in events[3].response_issues] == ["delta"]
    assert events[4].attempts == "none"
    assert events[6].tokens == "many"
    # A delta that is no string is no text.
    assert stream.text == "Hello!"
    assert final(stream).content == "Hello!"


def test_non_json_frames_stay_skipped(mode: str) -> None:
    events, error, stream = chat(mode, chunk("a"), "{not json", "[1, 2]", chunk("b"), DONE)
    assert error is None
    assert stream.skipped_frames == ["{not json", "[1, 2]"] and len(events) == 3
    assert stream.text == "ab"


# --- error frames raise, whatever their shape ----------------------------------------------------

ERROR_FRAMES = [
    pytest.param(
        '{"event":"error","error":{"message":"upstream exploded","code":503}}',
        "upstream exploded", 503, None, id="error-object",
    ),
    pytest.param('{"event":"error","error":500,"refunded":false}', "500", None, False, id="error-number"),
    pytest.param(
        '{"event":"error","error":null,"status_code":503,"refunded":true}',
        "The server reported an error in the stream", 503, True, id="error-null-with-status",
    ),
    pytest.param('{"event":"ERROR","error":"boom","status":"429"}', "boom", 429, None, id="event-ERROR"),
    pytest.param(
        '{"event":"failure","error":"All fallback models failed","code":502,"refunded":"true"}',
        "All fallback models failed", 502, True, id="unknown-event-with-error",
    ),
    pytest.param(
        '{"error":{"detail":"no"},"status_code":"502","refunded":1}',
        '{"detail": "no"}', 502, True, id="no-event-error-object-without-message",
    ),
    pytest.param(
        '{"event":"error","message":"quota exceeded","status_code":402.0}',
        "quota exceeded", 402, None, id="message-key",
    ),
    pytest.param(
        '{"event":"done","error":"All fallback models failed","status_code":503,"credits_charged":0}',
        "All fallback models failed", 503, None, id="done-with-error",
    ),
    pytest.param(
        '{"model":"gpt-5.2","delta":"","done":true,"error":"context too long","status_code":400}',
        "context too long", 400, None, id="chunk-shaped-error",
    ),
    pytest.param('{"event":"error"}', "The server reported an error in the stream", None, None, id="bare"),
]  # fmt: skip


@pytest.mark.parametrize(("frame", "message", "status", "refunded"), ERROR_FRAMES)
@pytest.mark.parametrize("strict", [False, True])
def test_error_frames_raise_with_partial_text(
    mode: str, strict: bool, frame: str, message: str, status: int | None, refunded: bool | None
) -> None:
    events, error, stream = chat(mode, chunk("Hello "), chunk("wor"), frame, chunk("ld"), DONE, strict=strict)
    assert isinstance(error, ServerStreamError), error
    assert [e.delta for e in events] == ["Hello ", "wor"]
    assert error.partial_text == "Hello wor" == stream.text
    assert error.message.endswith(message if not refunded else f"{message} (credits refunded)")
    assert error.status_code == status and error.refunded == refunded
    assert error.body == json.loads(frame)
    assert stream.response.is_closed


@pytest.mark.parametrize(("frame", "message", "status", "refunded"), ERROR_FRAMES[:5])
def test_get_final_completion_raises_instead_of_returning_partial_text(
    mode: str, frame: str, message: str, status: int | None, refunded: bool | None
) -> None:
    client = served(mode, chunk("Partial"), frame, DONE)
    with pytest.raises(ServerStreamError) as info:
        final(client.chat.stream(model=M, messages=MSG))
    assert info.value.partial_text == "Partial" and info.value.status_code == status


@pytest.mark.parametrize(
    "frame",
    [
        '{"event":"route","model":"gpt-5.2","status":"failed","error":"rate limited","status_code":429}',
        '{"event":"trace","final_model":"gpt-5.2","attempts":[],"terminal_error":null}',
        '{"model":"gpt-5.2","delta":"","error":null}',
        '{"model":"gpt-5.2","delta":"","error":false}',
        '{"model":"gpt-5.2","delta":"","error":""}',
        '{"event":"done","error":null,"credits_charged":1}',
    ],
)
def test_frames_that_carry_error_as_part_of_their_meaning_do_not_raise(mode: str, frame: str) -> None:
    events, error, stream = chat(mode, chunk("Hi"), frame, DONE)
    assert error is None and len(events) >= 2
    assert final(stream).content == "Hi"


# --- done is done ----------------------------------------------------------------------------------


def test_done_with_odd_fields_is_still_done_and_keeps_credits(mode: str) -> None:
    done = (
        '{"event":"done","credits_charged":"2","credits_remaining":98.5,"conversation_id":{"id":1},'
        '"finish_reason":7,"id":12345,"prompt_tokens":null,"surprise":[1,{"a":2}]}'
    )
    events, error, stream = chat(mode, chunk("Hi"), done)
    assert error is None
    last = events[-1]
    assert isinstance(last, ChatDoneEvent)
    assert last.credits_charged == 2 and last.credits_remaining == 98.5
    assert last.id == 12345 and last.prompt_tokens is None and last.get("surprise") == [1, {"a": 2}]
    assert {i.path for i in last.response_issues} == {"conversation_id", "finish_reason"}
    completion = final(stream)
    assert completion.content == "Hi" and completion.credits_charged == 2 and completion.credits_remaining == 98.5
    assert completion.conversation_id == {"id": 1}


def test_done_of_compare_with_odd_fields_keeps_credits(mode: str) -> None:
    client = served(
        mode,
        '{"model":"gpt-5.2","delta":"a","done":false}',
        '{"event":"done","credits_charged":"2","credits_remaining":"96","latency_ms":"fast","extra":{"x":1}}',
    )
    events, error, stream = collect_stream(client, "compare", models=[A, B], messages=MSG)
    assert error is None and isinstance(events[-1], CompareDoneEvent)
    result = final(stream, "get_final_result")
    assert (result.credits_charged, result.credits_remaining) == (2, 96)
    assert result.latency_ms == "fast" and result.get("extra") == {"x": 1}


# --- text --------------------------------------------------------------------------------------------


def test_model_missing_on_some_chunks_keeps_the_content(mode: str) -> None:
    _, error, stream = chat(
        mode, '{"delta":"Hel"}', chunk("lo "), '{"delta":"wor"}', chunk("ld"), '{"delta":"!","done":true}', DONE
    )
    assert error is None
    assert stream.text == "Hello world!"
    completion = final(stream)
    assert completion.content == "Hello world!" and completion.model == M


def test_failover_still_keeps_only_the_answering_models_text(mode: str) -> None:
    _, error, stream = chat(
        mode,
        '{"event":"route","model":"claude-sonnet-4.5","status":"trying"}',
        '{"event":"chunk","model":"claude-sonnet-4.5","delta":"Par"}',
        '{"event":"chunk","delta":"tial"}',
        '{"event":"route","model":"claude-sonnet-4.5","status":"failed","status_code":429,"error":"busy"}',
        '{"event":"route","model":"gpt-5.2","status":"trying"}',
        '{"event":"chunk","model":"gpt-5.2","delta":"Whole "}',
        '{"event":"chunk","delta":"answer"}',
        '{"event":"trace","final_model":"gpt-5.2","attempts":[]}',
        DONE,
    )
    assert error is None
    assert final(stream).content == "Whole answer"


def test_unknown_event_with_a_delta_is_text(mode: str) -> None:
    client = served(mode, chunk("Hello "), '{"event":"text_delta","delta":"there"}', '{"event":"usage","n":3}', DONE)
    events, error, stream = collect_stream(client, model=M, messages=MSG)
    assert error is None
    assert isinstance(events[1], TextChunkEvent) and events[1].event == "text_delta"
    assert isinstance(events[2], UnknownEvent)
    assert final(stream).content == "Hello there"
    pieces = run(_text_stream(client.chat.stream(model=M, messages=MSG)))
    assert pieces == ["Hello ", "there"]


async def _agen_list(agen: Any) -> list[str]:
    return [piece async for piece in agen]


def _text_stream(stream: Any) -> Any:
    if hasattr(stream.text_stream, "__aiter__"):
        return _agen_list(stream.text_stream)
    return list(stream.text_stream)


# --- compare, blend, judge ---------------------------------------------------------------------------


def test_compare_text_without_model_continues_the_last_view(mode: str) -> None:
    client = served(
        mode,
        '{"delta":"orphan "}',
        '{"model":"gpt-5.2","delta":"A1 ","done":false}',
        '{"delta":"A2","done":false}',
        '{"model":"claude-sonnet-4.5","delta":"B1","done":false}',
        '{"event":"partial","delta":" B2"}',
        '{"model":"gpt-5.2","delta":"","done":true,"latency_ms":"slow","completion_tokens":"3"}',
        '{"model":"claude-sonnet-4.5","error":{"message":"overloaded","type":"x"},"status":"503"}',
        '{"event":"summary","fastest":["gpt-5.2"],"models":{"gpt-5.2":"quick"}}',
        DONE,
    )
    events, error, stream = collect_stream(client, "compare", models=[A, B], messages=MSG)
    assert error is None
    assert isinstance(events[0], ModelChunkEvent) and events[0].model is None
    assert isinstance(events[4], ModelChunkEvent) and events[4].event == "partial"
    assert isinstance(events[6], ModelErrorEvent) and isinstance(events[7], CompareSummaryEvent)
    views = stream.models
    assert list(views) == ["", A, B]
    assert views[""].text == "orphan "
    assert views[A].text == "A1 A2" and views[A].done and views[A].latency_ms is None and views[A].tokens == 3
    assert views[B].text == "B1 B2" and views[B].status == "error"
    assert views[B].error == "overloaded" and views[B].status_code == 503
    result = final(stream, "get_final_result")
    assert result.by_model[B].error == "overloaded" and result.by_model[A].content == "A1 A2"
    assert result.summary is not None and result.summary.fastest == [A]


@pytest.mark.parametrize(
    "frame",
    [
        '{"event":"Error","model":"gpt-5.2","error":"all failed","status_code":502,"refunded":true}',
        '{"error":"All models failed","status_code":502,"refunded":true}',
        '{"event":"aborted","error":{"message":"All models failed"},"status_code":502,"refunded":true}',
    ],
)
def test_compare_error_frames_raise(mode: str, frame: str) -> None:
    client = served(mode, '{"model":"gpt-5.2","delta":"A1","done":false}', frame, DONE)
    events, error, stream = collect_stream(client, "compare", models=[A, B], messages=MSG)
    assert isinstance(error, ServerStreamError) and stream.response.is_closed
    assert error.status_code == 502 and error.refunded is True and "failed" in error.message
    assert len(events) == 1 and error.partial_text == f"{A}:\nA1"


def test_blend_synthesis_without_model_continues_the_synthesis(mode: str) -> None:
    client = served(
        mode,
        '{"model":"gpt-5.2","delta":"src","done":false,"phase":"gather","layer":"2"}',
        '{"model":"claude-sonnet-4.5","delta":"S1 ","done":false,"phase":"synthesis"}',
        '{"delta":"S2","done":false}',
        '{"event":"done","content":null,"strategy":"consensus","layers":"two","credits_charged":4}',
    )
    events, error, stream = collect_stream(client, "blend", models=[A, B], messages=MSG)
    assert error is None
    assert all(isinstance(e, BlendChunkEvent) for e in events[:3]) and isinstance(events[3], BlendDoneEvent)
    assert list(stream.models) == [f"{A}#layer2"] and stream.models[f"{A}#layer2"].layer == 2
    assert stream.text == "S1 S2"
    result = final(stream, "get_final_result")
    assert result.content == "S1 S2" and result.credits_charged == 4 and result.layers == "two"
    assert list(result.by_label) == [f"{A}#layer2"]


def test_judge_verdict_with_raw_values_does_not_crash(mode: str) -> None:
    client = served(
        mode,
        '{"model":"gpt-5.2","delta":"A","done":false}',
        '{"delta":" more","done":false}',
        '{"model":"claude-sonnet-4.5","delta":"B","done":false}',
        '{"event":"verdict","winner":{"model":"gpt-5.2"},"scores":[{"model":"x","rank":"first"},"junk",'
        '{"model":"claude-sonnet-4.5","rank":1,"score":"9"},{"model":5,"rank":2}],"overall":["good"]}',
        '{"event":"done","credits_charged":5,"judge":7}',
    )
    events, error, stream = collect_stream(client, "judge", contestants=[A, B], judge="deepseek-v3", messages=MSG)
    assert error is None
    verdict = events[3]
    assert isinstance(verdict, VerdictEvent) and isinstance(events[4], JudgeDoneEvent)
    assert verdict.ranking == [B, "x"] and verdict.score_of(B) is not None and verdict.score_of("junk") is None
    assert stream.models[A].text == "A more"
    result = final(stream, "get_final_result")
    assert isinstance(result.verdict, Verdict) and result.winner is None
    assert result.by_model[A].content == "A more" and result.credits_charged == 5 and result.judge == 7


# --- strict mode ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        ('{"model":"gpt-5.2","delta":"x","done":"SECRET-VALUE-1"}', "done"),
        ('{"model":"gpt-5.2","delta":{"SECRET-VALUE-1":1}}', "delta"),
        ('{"event":"done","credits_charged":"SECRET-VALUE-1"}', "credits_charged"),
        ('{"event":"route","status":["SECRET-VALUE-1"]}', "status"),
        ('{"event":["SECRET-VALUE-1"]}', "event"),
        ('{"event":"text_delta","delta":"x","model":["SECRET-VALUE-1"]}', "model"),
    ],
)
def test_strict_mode_raises_on_a_misfit_frame_without_quoting_it(mode: str, frame: str, field: str) -> None:
    events, error, stream = chat(mode, chunk("Hello"), "{not json", frame, chunk("never"), DONE, strict=True)
    assert isinstance(error, APIResponseValidationError), error
    assert "SECRET-VALUE" not in str(error) and field in str(error)
    assert [e.delta for e in events] == ["Hello"] and stream.text == "Hello"
    assert stream.skipped_frames == ["{not json"]
    assert stream.response.is_closed
    assert STRICT_RESPONSES.get() is False


def test_strict_mode_reads_fitting_frames_and_compare_misfits_raise(mode: str) -> None:
    events, error, _ = chat(mode, chunk("Hi", latency_ms="12"), '{"event":"brand_new","x":[1]}', DONE, strict=True)
    assert error is None and len(events) == 3
    client = served(
        mode, '{"model":"gpt-5.2","delta":"a","done":false}', '{"event":"summary","models":"not a map"}', DONE,
        strict=True,
    )  # fmt: skip
    events, error, _ = collect_stream(client, "compare", models=[A, B], messages=MSG)
    assert isinstance(error, APIResponseValidationError) and "models" in str(error) and len(events) == 1


def test_lenient_is_the_default_of_a_client_without_the_option(monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    monkeypatch.delenv("LLMWISE_STRICT_RESPONSES")
    frames = sse(chunk("a"), '{"model":"gpt-5.2","delta":"b","done":"maybe"}', DONE, "[DONE]")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=SSE, stream=ChunkedBody(frames))

    events, error, stream = collect_stream(mock_client(mode, handler), model=M, messages=MSG)
    assert error is None and len(events) == 3 and stream.text == "ab"
    assert [i.path for i in events[1].response_issues] == ["done"]


# --- helpers on raw values ---------------------------------------------------------------------------


def test_result_helpers_tolerate_raw_values() -> None:
    from llmwise.types.blend import BlendResult
    from llmwise.types.chat import ChatCompletion
    from llmwise.types.compare import CompareResult
    from llmwise.types.judge import JudgeResult

    compare = CompareResult.from_api({"responses": ["junk", {"model": 5}, {"model": A, "error": {"code": 1}}]})
    assert list(compare.by_model) == [A] and not compare.by_model[A].ok
    assert CompareResult.from_api({"responses": None}).by_model == {}
    assert CompareResult.from_api({"responses": 7}).by_model == {}

    judged = JudgeResult.from_api({"verdict": "A is better", "winner_response": {"model": A, "content": None}})
    assert judged.verdict == "A is better" and judged.response_issues == []
    assert judged.winner == A and judged.winner_response is not None and judged.winner_response.content is None
    assert JudgeResult.from_api({"verdict": {"winner": 3}, "winner_response": "x"}).winner is None
    verdict = Verdict.from_api({"scores": [{"model": A, "rank": "second"}, {"model": B, "rank": 1}, 4]})
    assert verdict.ranking == [B, A] and verdict.score_of(A) is not None
    assert Verdict.from_api({"scores": None}).ranking == []

    blended = BlendResult.from_api({"sources": [{"model": A, "layer": "x"}, "junk"], "content": None})
    assert list(blended.by_label) == [A] and blended.content is None

    assert ChatCompletion.from_api({"prompt_tokens": "many", "completion_tokens": 3}).total_tokens is None
    assert ChatCompletion.from_api({"content": None}).content is None


def test_a_string_verdict_is_no_mismatch_even_in_strict_mode() -> None:
    from llmwise.types.judge import JudgeResult

    token = STRICT_RESPONSES.set(True)
    try:
        assert JudgeResult.from_api({"verdict": "A wins"}).verdict == "A wins"
        assert JudgeResult.from_api({"id": 7, "contestants": None}).contestants is None
    finally:
        STRICT_RESPONSES.reset(token)
